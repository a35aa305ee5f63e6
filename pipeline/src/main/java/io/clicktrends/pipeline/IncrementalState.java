package io.clicktrends.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Everything the incremental engine remembers: a {@link SlidingTopK} per dimension and the pane index of recent windows. */
final class IncrementalState {
  /** Dimension name to its sliding top-K; a TreeMap so emission order is stable. */
  final Map<String, SlidingTopK> dimensions = new TreeMap<>();
  /** Per dimension, per window (by its last pane), the index the next result of that window gets. */
  final Map<String, Map<Long, Integer>> emitted = new HashMap<>();

  /** Returns the pane index for the next result of a window, and counts it. */
  int nextPaneIndex(String dimension, long windowLastPane) {
    return emitted.computeIfAbsent(dimension, d -> new HashMap<>()).merge(windowLastPane, 1, Integer::sum) - 1;
  }

  /** Forgets pane indexes of windows that can no longer be corrected. */
  void forgetWindowsUpTo(long windowLastPane) {
    for (Map<Long, Integer> m : emitted.values()) {
      m.keySet().removeIf(w -> w <= windowLastPane);
    }
  }
}
