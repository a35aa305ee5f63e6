package io.clicktrends.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything one ring of the incremental engine remembers: its {@link SlidingTopK} and the result
 * index of recent windows.
 */
final class IncrementalState {
  final SlidingTopK ring;

  /** Per window (by its last slice), the index the next count result of that window gets. */
  final Map<Long, Integer> emitted;

  /** Per window (by its last slice), the index the next rising result of that window gets. */
  final Map<Long, Integer> risingEmitted;

  /** How many reports this ring has sent: the next report's sequence number. */
  long reports;

  /**
   * The latest instant (epoch millis) the watermark is known to have passed: the last instant of
   * the newest slice part ({@link LatenessMarkedSlices}) that fired; {@link Long#MIN_VALUE} before
   * the first firing.
   */
  long watermarkPassed;

  IncrementalState(
      SlidingTopK ring,
      Map<Long, Integer> emitted,
      Map<Long, Integer> risingEmitted,
      long reports,
      long watermarkPassed) {
    this.ring = ring;
    this.emitted = emitted;
    this.risingEmitted = risingEmitted;
    this.reports = reports;
    this.watermarkPassed = watermarkPassed;
  }

  /** Returns the index for the next count result (or rising result) of a window, and counts it. */
  int nextPaneIndex(long windowLastSlice, boolean rising) {
    return (rising ? risingEmitted : emitted).merge(windowLastSlice, 1, Integer::sum) - 1;
  }

  /** Forgets result indexes of windows that can no longer be restated. */
  void forgetWindowsUpTo(long windowLastSlice) {
    emitted.keySet().removeIf(w -> w <= windowLastSlice);
    risingEmitted.keySet().removeIf(w -> w <= windowLastSlice);
  }

  static IncrementalState fresh(TrendConfig config) {
    return new IncrementalState(
        new SlidingTopK(
            config.slicesPerWindow(), lateSlices(config), config.topK(), config.risingMinCount()),
        new HashMap<>(),
        new HashMap<>(),
        0,
        Long.MIN_VALUE);
  }

  /**
   * How many slices past a window's last slice its allowed lateness reaches: allowedLateness /
   * windowSlide, rounded up. Slice counts, result indexes and ticks are kept that much longer than
   * a window; whether a late event still counts is judged exactly ({@link
   * TrendConfig#latenessDeadline}), not in whole slices.
   */
  static int lateSlices(TrendConfig config) {
    long slide = config.windowSlide().getMillis();
    return (int) ((config.allowedLateness().getMillis() + slide - 1) / slide);
  }

  /**
   * Where each slice is split at its lateness mark, from its start: allowedLateness mod windowSlide
   * (0: no split).
   */
  static long markMillis(TrendConfig config) {
    return config.allowedLateness().getMillis() % config.windowSlide().getMillis();
  }
}
