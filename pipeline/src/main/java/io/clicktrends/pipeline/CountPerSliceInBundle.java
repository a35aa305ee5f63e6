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
 * Counts events per (slice, ring, key) in a hash map for the whole bundle and emits one partial
 * count per slice and ring ({@link RankingShards}: a dimension, or one shard of it) when the bundle
 * finishes, so the shuffle carries counts, not events.
 *
 * <p>It also emits an empty count (a tick) to every ring for each slice with events and the
 * P-1+lateness slices after it: a slice fires only if something is in it, and the windows that
 * still hold these events must be emitted as the watermark passes their ends even when no newer
 * event comes (and {@link RollWindows} judges late data by the last slice that fired). When the
 * allowed lateness is not a whole number of slides, each ticked slice also gets a tick at its
 * lateness mark ({@link LatenessMarkedSlices}), so the engine sees the watermark pass each window's
 * lateness deadline. Every ring gets the same ticks, so the shards of a dimension complete the same
 * windows. An instance remembers the slices it has ticked: a runner discards an instance whose
 * bundle failed, so what it remembers was committed.
 */
final class CountPerSliceInBundle extends DoFn<ClickEvent, KV<String, Map<String, Long>>> {
  private final DimensionKeys keys;
  private final RankingShards shards;
  private final List<String> rings = new ArrayList<>();
  private final SliceGrid grid;
  private final long markMillis;
  private final int ticks;
  private transient Map<Long, Map<String, Map<String, Long>>> bundle;
  private transient long tickedFrom;
  private transient long tickedThrough;

  /**
   * @param grid the slices
   * @param markMillis where a slice's lateness mark lies from its start (allowed lateness mod
   *     slide); 0 for none
   * @param ticks how many slices after each slice seen to keep firing: P - 1 + allowed lateness in
   *     slices, rounded up
   */
  CountPerSliceInBundle(
      List<Dimension> dimensions,
      RankingShards shards,
      SliceGrid grid,
      long markMillis,
      int ticks) {
    this.keys = new DimensionKeys(dimensions);
    this.shards = shards;
    for (Dimension d : dimensions) {
      for (int s = 0; s < shards.count(); s++) {
        rings.add(RankingShards.ring(d.name(), s));
      }
    }
    this.grid = grid;
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
    long slice = grid.sliceOf(event.getEventTime().toEpochMilli());
    bundle
        .computeIfAbsent(slice, p -> new HashMap<>())
        .computeIfAbsent(shards.ringOf(k.dimension().name(), k.key()), x -> new HashMap<>())
        .merge(k.key(), 1L, Long::sum);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    if (bundle.isEmpty()) {
      bundle = null;
      return;
    }
    // Ticks follow each slice with events for `ticks` slices, as a union: a bundle holding one old
    // event beside live
    // ones ticks the old slice's stretch and the live one's, not every slice in between.
    long coveredThrough = Long.MIN_VALUE;
    long runFrom = Long.MIN_VALUE;
    for (long slice : new TreeSet<>(bundle.keySet())) {
      bundle.get(slice).forEach((ring, counts) -> output(c, slice, ring, counts));
      long from = coveredThrough == Long.MIN_VALUE ? slice : Math.max(slice, coveredThrough + 1);
      for (long tick = from; tick <= slice + ticks; tick++) {
        if (tick < tickedFrom || tick > tickedThrough) {
          Map<String, Map<String, Long>> counted = bundle.getOrDefault(tick, Map.of());
          for (String ring : rings) {
            if (markMillis > 0) {
              c.output(
                  KV.of(ring, Map.of()),
                  new Instant(grid.start(tick) + markMillis - 1),
                  GlobalWindow.INSTANCE);
            }
            if (!counted.containsKey(ring)) {
              output(c, tick, ring, Map.of());
            }
          }
        }
      }
      if (coveredThrough == Long.MIN_VALUE || slice > coveredThrough + 1) {
        runFrom = slice;
      }
      coveredThrough = Math.max(coveredThrough, slice + ticks);
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

  private void output(FinishBundleContext c, long slice, String ring, Map<String, Long> counts) {
    // Stamped at the slice's last instant: never earlier than its events, so never makes them late.
    c.output(KV.of(ring, counts), new Instant(grid.end(slice) - 1), GlobalWindow.INSTANCE);
  }
}
