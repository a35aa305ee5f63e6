package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.testdata.ClickstreamGenerator;
import io.clicktrends.testdata.YoochooseSample;
import io.clicktrends.testdata.Zipf;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The benchmark's events, each computable on its own from (seed, index), so a Beam source can
 * regenerate event i anywhere instead of carrying a million events in the pipeline graph.
 *
 * <ul>
 *   <li>synthetic: event i lies at {@code start + (i + u) * span / events} (u uniform in [0, 1), so
 *       event times are non-decreasing in i and spread evenly over the span), its type uniform over
 *       the five dimensions' types, its key rank Zipf({@code items}, {@code skew}), all drawn from
 *       a {@link Random} seeded by a hash of (seed, i);
 *   <li>yoochoose: the rows of the YOOCHOOSE sample in event-time order (the first {@code events}
 *       of them), their times mapped linearly onto {@code [start, start + span)} (product views
 *       only, so one dimension).
 * </ul>
 */
final class Workload implements Serializable {
  private static final long serialVersionUID = 1L;
  static final long START = java.time.Instant.parse("2014-04-01T10:00:00Z").toEpochMilli();

  final String dataset;
  final int events;
  final long spanMillis;
  final int items;
  final double skew;
  final long seed;
  private final String yoochoosePath;

  private transient Zipf zipf;
  private transient List<ClickEvent> yoochoose;

  private Workload(
      String dataset,
      int events,
      long spanMillis,
      int items,
      double skew,
      long seed,
      String yoochoosePath) {
    this.dataset = dataset;
    this.events = events;
    this.spanMillis = spanMillis;
    this.items = items;
    this.skew = skew;
    this.seed = seed;
    this.yoochoosePath = yoochoosePath;
  }

  static Workload synthetic(int events, long spanMillis, int items, double skew, long seed) {
    return new Workload("synthetic", events, spanMillis, items, skew, seed, null);
  }

  /**
   * The sample (located by {@link YoochooseSample#locate}), at most {@code maxEvents} rows (all if
   * negative).
   */
  static Workload yoochoose(int maxEvents, long spanMillis, long seed) {
    Path file = YoochooseSample.locate().toAbsolutePath();
    Workload w = new Workload("yoochoose", 0, spanMillis, 0, 0, seed, file.toString());
    int rows = w.yoochooseEvents().size();
    int n = maxEvents < 0 ? rows : Math.min(maxEvents, rows);
    return new Workload("yoochoose", n, spanMillis, 0, 0, seed, file.toString());
  }

  /** Event {@code i} (0 <= i < events); its event time is non-decreasing in i. */
  ClickEvent event(long i) {
    if (yoochoosePath != null) {
      return yoochooseEvents().get((int) i);
    }
    if (zipf == null) {
      zipf = new Zipf(items, skew);
    }
    Random r = new Random(mix(seed, i));
    long t = START + (long) ((i + r.nextDouble()) * spanMillis / events);
    EventType type =
        ClickstreamGenerator.DEFAULT_TYPES.get(
            r.nextInt(ClickstreamGenerator.DEFAULT_TYPES.size()));
    int rank = zipf.sample(r);
    return ClickstreamGenerator.event(i, t, type, rank, r.nextInt(Math.max(1, events / 10)));
  }

  /** All events, in index (= event-time) order. */
  List<ClickEvent> all() {
    List<ClickEvent> out = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      out.add(event(i));
    }
    return out;
  }

  private synchronized List<ClickEvent> yoochooseEvents() {
    if (yoochoose == null) {
      List<ClickEvent> rows = YoochooseSample.readSorted(Path.of(yoochoosePath));
      long first = rows.get(0).getEventTime().toEpochMilli();
      long last = rows.get(rows.size() - 1).getEventTime().toEpochMilli();
      double scale = (double) spanMillis / Math.max(1, last - first + 1);
      List<ClickEvent> out = new ArrayList<>(rows.size());
      for (ClickEvent e : rows) {
        long t = START + (long) ((e.getEventTime().toEpochMilli() - first) * scale);
        out.add(
            ClickEvent.newBuilder(e)
                .setEventTime(java.time.Instant.ofEpochMilli(t))
                .setIngestTime(java.time.Instant.ofEpochMilli(t))
                .build());
      }
      yoochoose = out;
    }
    return yoochoose;
  }

  /** SplitMix64 of (seed, i): independent-looking seeds for neighbouring indexes. */
  static long mix(long seed, long i) {
    long z = seed * 0x9E3779B97F4A7C15L + i + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Distinct keys the workload draws from: the synthetic item count, or the sample's distinct
   * products.
   */
  int items() {
    if (yoochoosePath == null) {
      return items;
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < events; i++) {
      ids.add(yoochooseEvents().get(i).getProductId());
    }
    return ids.size();
  }

  String describe() {
    return dataset.equals("yoochoose")
        ? "yoochoose sample ("
            + yoochoosePath
            + "), "
            + events
            + " events compressed into "
            + spanMillis / 1000
            + " s"
        : "synthetic: "
            + events
            + " events over "
            + spanMillis / 1000
            + " s, "
            + items
            + " items, Zipf("
            + skew
            + "), seed "
            + seed;
  }
}
