package io.clicktrends.pipeline;

/** Which implementation of {@link ComputeTrends} runs. */
public enum Engine {
  /**
   * SlidingWindows + per-dimension count and rank: the definition of correct, slow for many slices.
   */
  reference,
  /**
   * Slice counts combined once, a ring of slices per dimension and an incrementally kept ranking.
   */
  incremental
}
