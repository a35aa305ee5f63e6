package io.clicktrends.pipeline;

/**
 * Which implementation of {@link ComputeTrends} runs. Both give the results {@link
 * ReferenceComputation} defines; they differ in cost.
 */
public enum Engine {
  /**
   * The design as first drawn: Beam's SlidingWindows, then a count and a rank per window. Each
   * event is counted in windowSize/windowSlide windows, so it is slow for many slices per window.
   */
  slidingWindows,
  /**
   * Slice counts combined once, a ring of slices per dimension and an incrementally kept ranking.
   */
  incremental
}
