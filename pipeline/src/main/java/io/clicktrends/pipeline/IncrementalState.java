package io.clicktrends.pipeline;

import java.util.HashMap;
import java.util.Map;

/** Everything one ring of the incremental engine remembers: its {@link SlidingTopK} and the result index of recent windows. */
final class IncrementalState {
  final SlidingTopK ring;
  /** Per window (by its last pane), the index the next result of that window gets. */
  final Map<Long, Integer> emitted;
  /** How many reports this ring has sent: the next report's sequence number. */
  long reports;

  IncrementalState(SlidingTopK ring, Map<Long, Integer> emitted, long reports) {
    this.ring = ring;
    this.emitted = emitted;
    this.reports = reports;
  }

  /** Returns the index for the next result of a window, and counts it. */
  int nextPaneIndex(long windowLastPane) {
    return emitted.merge(windowLastPane, 1, Integer::sum) - 1;
  }

  /** Forgets result indexes of windows that can no longer be restated. */
  void forgetWindowsUpTo(long windowLastPane) {
    emitted.keySet().removeIf(w -> w <= windowLastPane);
  }

  static IncrementalState fresh(TrendConfig config) {
    return new IncrementalState(new SlidingTopK(config.panesPerWindow(), latePanes(config), config.topK()),
        new HashMap<>(), 0);
  }

  static int latePanes(TrendConfig config) {
    return (int) (config.allowedLateness().getMillis() / config.windowSlide().getMillis());
  }
}
