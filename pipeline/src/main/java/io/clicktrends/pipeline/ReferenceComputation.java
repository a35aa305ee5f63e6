package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.TrendItem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trend computation as a plain loop over the events, with no framework: the yardstick every
 * engine is checked against. For each event and each sliding window containing its event time, it
 * counts the key, honouring the watermark the event arrived under the way Beam does:
 *
 * <ul>
 *   <li>an event is in the window's ON_TIME result if it arrived while the watermark was before the
 *       window's end;
 *   <li>it is in the window's final result unless it arrived after the watermark passed
 *       {@code end - 1ms + allowedLateness}, {@link TrendConfig#latenessDeadline} (then it is dropped from that
 *       window).
 * </ul>
 */
public final class ReferenceComputation {
  /** An event and the input watermark (epoch millis) at the time it arrived. */
  public record Arrival(ClickEvent event, long watermarkMillis) {}

  /** Which arrivals a result covers. */
  public enum Cut {
    /** What the ON_TIME pane shows. */
    ON_TIME,
    /** What the last pane shows, after all late corrections. */
    FINAL
  }

  private ReferenceComputation() {}

  /**
   * Sorts every key (no heap, no shortcut) and keeps the first K. Deliberately shares no ranking code
   * with the engines: keys compare as their UTF-8 bytes, unsigned.
   */
  static String rank(Map<String, Long> keyCounts, int k) {
    List<Map.Entry<String, Long>> all = new ArrayList<>(keyCounts.entrySet());
    all.sort((a, b) -> {
      int c = Long.compare(b.getValue(), a.getValue());
      return c != 0 ? c : Arrays.compareUnsigned(
          a.getKey().getBytes(StandardCharsets.UTF_8), b.getKey().getBytes(StandardCharsets.UTF_8));
    });
    long total = 0;
    for (Map.Entry<String, Long> e : all) {
      total += e.getValue();
    }
    List<TrendItem> top = new ArrayList<>();
    for (Map.Entry<String, Long> e : all.subList(0, Math.min(k, all.size()))) {
      top.add(new TrendItem(e.getKey(), e.getValue()));
    }
    return TrendText.content(total, top);
  }

  /**
   * Results keyed by {@link TrendText#windowId}, valued by {@link TrendText#content}; windows whose
   * result would be empty are absent, as in the pipeline.
   */
  public static Map<String, String> compute(List<Arrival> arrivals, TrendConfig config, Cut cut) {
    long size = config.windowSize().getMillis();
    long slide = config.windowSlide().getMillis();
    // (dimension, windowStart) -> key -> count
    Map<String, Map<Long, Map<String, Long>>> counts = new HashMap<>();
    for (Arrival a : arrivals) {
      ClickEvent e = a.event();
      Dimension d = Dimension.forType(e.getType());
      if (d == null || !config.dimensions().contains(d)) {
        continue;
      }
      String key = d.keyOf(e);
      if (key == null) {
        continue;
      }
      long t = e.getEventTime().toEpochMilli();
      for (long start = Math.floorDiv(t, slide) * slide; start > t - size; start -= slide) {
        long end = start + size;
        boolean included = cut == Cut.ON_TIME
            ? a.watermarkMillis() < end
            : a.watermarkMillis() <= config.latenessDeadline(end);
        if (included) {
          counts.computeIfAbsent(d.name(), x -> new HashMap<>())
              .computeIfAbsent(start, x -> new HashMap<>())
              .merge(key, 1L, Long::sum);
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    counts.forEach((dim, windows) -> windows.forEach((start, keyCounts) -> {
      out.put(TrendText.windowId(dim, start, start + size), rank(keyCounts, config.topK()));
    }));
    return out;
  }
}
