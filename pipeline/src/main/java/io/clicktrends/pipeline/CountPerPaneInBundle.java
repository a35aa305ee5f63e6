package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Counts events per (pane, ring, key) in a hash map for the whole bundle and emits one partial
 * count per pane and ring ({@link RankingShards}: a dimension, or one shard of it) when the bundle
 * finishes, so the shuffle carries counts, not events.
 *
 * <p>It also emits an empty count (a tick) to every ring for each pane with events and the
 * P-1+lateness panes after it: a pane fires only if something is in it, and the windows that still
 * hold these events must be emitted as the watermark passes their ends even when no newer event
 * comes (and {@link RollWindows} judges late data by the last pane that fired). When the allowed
 * lateness is not a whole number of slides, each ticked pane also gets a tick at its lateness mark
 * ({@link LatenessMarkedPanes}), so the engine sees the watermark pass each window's lateness
 * deadline. Every ring gets the same ticks, so the shards of a dimension complete the same windows.
 * An instance remembers the panes it has ticked: a runner discards an instance whose bundle failed,
 * so what it remembers was committed.
 */
final class CountPerPaneInBundle extends DoFn<ClickEvent, KV<String, Map<String, Long>>> {
  private final DimensionKeys keys;
  private final RankingShards shards;
  private final List<String> rings = new ArrayList<>();
  private final long slideMillis;
  private final long markMillis;
  private final int ticks;
  private transient Map<Long, Map<String, Map<String, Long>>> bundle;
  private transient long tickedFrom;
  private transient long tickedThrough;

  /**
   * @param slideMillis the pane length
   * @param markMillis where a pane's lateness mark lies from its start (allowed lateness mod
   *     slide); 0 for none
   * @param ticks how many panes after each pane seen to keep firing: P - 1 + allowed lateness in
   *     panes, rounded up
   */
  CountPerPaneInBundle(
      List<Dimension> dimensions,
      RankingShards shards,
      long slideMillis,
      long markMillis,
      int ticks) {
    this.keys = new DimensionKeys(dimensions);
    this.shards = shards;
    for (Dimension d : dimensions) {
      for (int s = 0; s < shards.count(); s++) {
        rings.add(RankingShards.ring(d.name(), s));
      }
    }
    this.slideMillis = slideMillis;
    this.markMillis = markMillis;
    this.ticks = ticks;
  }

  @Setup
  public void setup() {
    tickedFrom = Long.MAX_VALUE;
    tickedThrough = Long.MIN_VALUE;
  }

  @StartBundle
  public void startBundle() {
    bundle = new HashMap<>();
  }

  @ProcessElement
  public void process(@Element ClickEvent event) {
    DimensionKeys.Keyed k = keys.of(event);
    if (k == null) {
      return;
    }
    long pane = Math.floorDiv(event.getEventTime().toEpochMilli(), slideMillis);
    bundle
        .computeIfAbsent(pane, p -> new HashMap<>())
        .computeIfAbsent(shards.ringOf(k.dimension().name(), k.key()), x -> new HashMap<>())
        .merge(k.key(), 1L, Long::sum);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    if (bundle.isEmpty()) {
      bundle = null;
      return;
    }
    // Ticks follow each pane with events for `ticks` panes, as a union: a bundle holding one old
    // event beside live
    // ones ticks the old pane's stretch and the live one's, not every pane in between.
    long coveredThrough = Long.MIN_VALUE;
    long runFrom = Long.MIN_VALUE;
    for (long pane : new TreeSet<>(bundle.keySet())) {
      bundle.get(pane).forEach((ring, counts) -> output(c, pane, ring, counts));
      long from = coveredThrough == Long.MIN_VALUE ? pane : Math.max(pane, coveredThrough + 1);
      for (long tick = from; tick <= pane + ticks; tick++) {
        if (tick < tickedFrom || tick > tickedThrough) {
          Map<String, Map<String, Long>> counted = bundle.getOrDefault(tick, Map.of());
          for (String ring : rings) {
            if (markMillis > 0) {
              c.output(
                  KV.of(ring, Map.of()),
                  new Instant(tick * slideMillis + markMillis - 1),
                  GlobalWindow.INSTANCE);
            }
            if (!counted.containsKey(ring)) {
              output(c, tick, ring, Map.of());
            }
          }
        }
      }
      if (coveredThrough == Long.MIN_VALUE || pane > coveredThrough + 1) {
        runFrom = pane;
      }
      coveredThrough = Math.max(coveredThrough, pane + ticks);
    }
    // remember the last contiguous stretch ticked, joined to what was remembered when they touch
    if (runFrom <= tickedThrough + 1 && coveredThrough >= tickedFrom - 1) {
      tickedFrom = Math.min(tickedFrom, runFrom);
      tickedThrough = Math.max(tickedThrough, coveredThrough);
    } else {
      tickedFrom = runFrom;
      tickedThrough = coveredThrough;
    }
    bundle = null;
  }

  private void output(FinishBundleContext c, long pane, String ring, Map<String, Long> counts) {
    // Stamped at the pane's last instant: never earlier than its events, so never makes them late.
    c.output(KV.of(ring, counts), new Instant((pane + 1) * slideMillis - 1), GlobalWindow.INSTANCE);
  }
}
