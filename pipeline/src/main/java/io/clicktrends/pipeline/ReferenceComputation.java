package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.RisingItem;
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
 *   <li>it is in the window's final result unless it arrived after the watermark passed {@code end
 *       - 1ms + allowedLateness}, {@link TrendConfig#latenessDeadline} (then it is dropped from
 *       that window).
 * </ul>
 *
 * With rising trends on, each window's rising result is computed from its counts and those of the
 * window before it ({@link #compute} says which counts each cut uses).
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
   * Sorts every key (no heap, no shortcut) and keeps the first K. Deliberately shares no ranking
   * code with the engines: keys compare as their UTF-8 bytes, unsigned.
   */
  static String rank(Map<String, Long> keyCounts, int k) {
    List<Map.Entry<String, Long>> all = new ArrayList<>(keyCounts.entrySet());
    all.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue(), a.getValue());
          return c != 0
              ? c
              : Arrays.compareUnsigned(
                  a.getKey().getBytes(StandardCharsets.UTF_8),
                  b.getKey().getBytes(StandardCharsets.UTF_8));
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
   * Rising items from the counts of a window ({@code c}) and of the window before it ({@code b}),
   * sorted in full by a loop of its own: keys with {@code c >= minCount} and {@code c > b}, score
   * {@code (c - b) / sqrt(c + b)} descending, then key by its UTF-8 bytes, unsigned; the first K.
   */
  static String rankRising(Map<String, Long> c, Map<String, Long> b, int k, int minCount) {
    record Scored(String key, long c, long b, double score) {}
    List<Scored> all = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, Long> e : c.entrySet()) {
      total += e.getValue();
      long now = e.getValue();
      long before = b.getOrDefault(e.getKey(), 0L);
      if (now >= minCount && now > before) {
        all.add(new Scored(e.getKey(), now, before, (now - before) / Math.sqrt(now + before)));
      }
    }
    all.sort(
        (x, y) -> {
          int cmp = Double.compare(y.score(), x.score());
          return cmp != 0
              ? cmp
              : Arrays.compareUnsigned(
                  x.key().getBytes(StandardCharsets.UTF_8),
                  y.key().getBytes(StandardCharsets.UTF_8));
        });
    List<RisingItem> top = new ArrayList<>();
    for (Scored r : all.subList(0, Math.min(k, all.size()))) {
      top.add(new RisingItem(r.key(), r.c(), r.b(), r.score()));
    }
    return TrendText.risingContent(total, top);
  }

  /** A key an event gave a window, and the watermark the event arrived under. */
  private record Kept(String key, long watermarkMillis) {}

  /**
   * Results keyed by {@link TrendText#windowId} (and {@link TrendText#risingWindowId} when the
   * configuration has rising trends), valued by {@link TrendText#content} (and {@link
   * TrendText#risingContent}); windows whose result would be empty are absent, as in the pipeline.
   *
   * <p>A rising result is a function of the counts published for the window and for the window
   * before it, as they stand when it is published:
   *
   * <ul>
   *   <li>{@code Cut.ON_TIME}: c is the window's ON_TIME count (events that arrived while the
   *       watermark was before its end e); b is the previous window's count as it stood then: its
   *       events that arrived while the watermark was before e and that it kept (the watermark was
   *       at most its own {@link TrendConfig#latenessDeadline});
   *   <li>{@code Cut.FINAL}: c and b are the final counts of the two windows. A late event that a
   *       window keeps thus restates the rising result of that window (its c) and of the window
   *       after it (its b), which is still open then: its deadline is a window length after the
   *       other's.
   * </ul>
   *
   * A window has a rising result in a cut when it has a count result in it (possibly with no
   * items).
   */
  public static Map<String, String> compute(List<Arrival> arrivals, TrendConfig config, Cut cut) {
    long size = config.windowSize().getMillis();
    long slide = config.windowSlide().getMillis();
    // (dimension, windowStart) -> what the window keeps in its final result
    Map<String, Map<Long, List<Kept>>> kept = new HashMap<>();
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
        if (a.watermarkMillis() <= config.latenessDeadline(start + size)) {
          kept.computeIfAbsent(d.name(), x -> new HashMap<>())
              .computeIfAbsent(start, x -> new ArrayList<>())
              .add(new Kept(key, a.watermarkMillis()));
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    kept.forEach(
        (dim, windows) ->
            windows.forEach(
                (start, keys) -> {
                  long end = start + size;
                  Map<String, Long> c = countsBefore(keys, cut, end);
                  if (c.isEmpty()) {
                    return;
                  }
                  out.put(TrendText.windowId(dim, start, end), rank(c, config.topK()));
                  if (config.rising()) {
                    Map<String, Long> b =
                        countsBefore(windows.getOrDefault(start - size, List.of()), cut, end);
                    out.put(
                        TrendText.risingWindowId(dim, start, end),
                        rankRising(c, b, config.topK(), config.risingMinCount()));
                  }
                }));
    return out;
  }

  /**
   * Key counts of what arrived while the watermark was before {@code end} (ON_TIME), or of all of
   * it (FINAL).
   */
  private static Map<String, Long> countsBefore(List<Kept> keys, Cut cut, long end) {
    Map<String, Long> counts = new HashMap<>();
    for (Kept k : keys) {
      if (cut == Cut.FINAL || k.watermarkMillis() < end) {
        counts.merge(k.key(), 1L, Long::sum);
      }
    }
    return counts;
  }
}
