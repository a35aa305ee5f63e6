package io.clicktrends.bench;

import io.clicktrends.pipeline.Dimension;
import io.clicktrends.pipeline.SliceGrid;
import io.clicktrends.pipeline.SlidingTopK;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.pipeline.TrendText;
import io.clicktrends.schema.ClickEvent;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The floor: one thread, the events in memory in event-time order, a slice's counts per dimension
 * in a hash map, and at each slice boundary every dimension's {@link SlidingTopK} (the ring of
 * slices with its running total and incremental ranking) moved forward one slice. No framework, no
 * encoding. With rising trends on, the ring keeps the previous window and the score ranking too,
 * and each window gets its rising line.
 */
final class PlainJava {
  private PlainJava() {}

  /**
   * windowId -> content of each (dimension, window)'s result, as the engines' last pane shows it.
   */
  static TreeMap<String, String> compute(List<ClickEvent> events, TrendConfig config) {
    SliceGrid grid = config.sliceGrid();
    int slices = config.slicesPerWindow();
    Map<Dimension, SlidingTopK> rings = new EnumMap<>(Dimension.class);
    for (Dimension d : config.dimensions()) {
      rings.put(d, new SlidingTopK(slices, 0, config.topK(), config.risingMinCount()));
    }
    Map<Dimension, Map<String, Long>> slice = new EnumMap<>(Dimension.class);
    TreeMap<String, String> out = new TreeMap<>();
    long current = Long.MIN_VALUE;
    for (ClickEvent e : events) {
      Dimension d = Dimension.forType(e.getType());
      if (d == null || !rings.containsKey(d)) {
        continue;
      }
      String key = d.keyOf(e);
      if (key == null) {
        continue;
      }
      long p = grid.sliceOf(e.getEventTime().toEpochMilli());
      if (p != current) {
        if (current != Long.MIN_VALUE) {
          if (p < current) {
            throw new IllegalArgumentException(
                "plain-java needs events in event-time order; slice " + p + " after " + current);
          }
          flush(rings, slice, current, grid, config.rising(), out);
        }
        current = p;
      }
      slice.computeIfAbsent(d, x -> new HashMap<>()).merge(key, 1L, Long::sum);
    }
    if (current != Long.MIN_VALUE) {
      flush(rings, slice, current, grid, config.rising(), out);
      long end = current + slices - 1;
      rings.forEach((d, ring) -> ring.advanceTo(end, emitter(d, grid, config.rising(), out)));
    }
    return out;
  }

  private static void flush(
      Map<Dimension, SlidingTopK> rings,
      Map<Dimension, Map<String, Long>> slice,
      long n,
      SliceGrid grid,
      boolean rising,
      Map<String, String> out) {
    for (Map.Entry<Dimension, SlidingTopK> r : rings.entrySet()) {
      Map<String, Long> counts = slice.remove(r.getKey());
      if (counts != null) {
        r.getValue().addToSlice(n, counts);
      }
      r.getValue().advanceTo(n, emitter(r.getKey(), grid, rising, out));
    }
  }

  private static SlidingTopK.WindowConsumer emitter(
      Dimension d, SliceGrid grid, boolean rising, Map<String, String> out) {
    return (last, result) -> {
      long start = grid.windowStart(last);
      long end = grid.end(last);
      out.put(
          TrendText.windowId(d.name(), start, end),
          TrendText.content(result.total(), result.items()));
      if (rising) {
        out.put(
            TrendText.risingWindowId(d.name(), start, end),
            TrendText.risingContent(result.total(), result.rising()));
      }
    };
  }
}
