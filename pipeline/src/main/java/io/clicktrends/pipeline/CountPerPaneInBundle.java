package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Counts events per (pane, dimension, key) in a hash map for the whole bundle and emits one partial
 * count per pane when the bundle finishes, so the shuffle carries counts, not events.
 *
 * <p>It also emits an empty count (a tick) for each of the P-1+lateness panes after every pane it saw:
 * a pane fires only if something is in it, and the windows that still hold these events must be
 * emitted as the watermark passes their ends even when no newer event comes (and {@link RollWindows}
 * judges late data by the last pane that fired).
 */
final class CountPerPaneInBundle extends DoFn<ClickEvent, KV<String, Map<String, Map<String, Long>>>> {
  static final String ALL = "all";

  private final DimensionKeys keys;
  private final long slideMillis;
  private final int ticks;
  private transient Map<Long, Map<String, Map<String, Long>>> bundle;

  /** @param ticks how many panes after each pane seen to keep firing: P - 1 + allowed lateness in panes */
  CountPerPaneInBundle(List<Dimension> dimensions, long slideMillis, int ticks) {
    this.keys = new DimensionKeys(dimensions);
    this.slideMillis = slideMillis;
    this.ticks = ticks;
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
    bundle.computeIfAbsent(pane, p -> new HashMap<>())
        .computeIfAbsent(k.dimension().name(), x -> new HashMap<>())
        .merge(k.key(), 1L, Long::sum);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    Map<Long, Map<String, Map<String, Long>>> out = new HashMap<>(bundle);
    for (long pane : bundle.keySet()) {
      for (long next = pane + 1; next <= pane + ticks; next++) {
        out.putIfAbsent(next, Map.of());
      }
    }
    for (Map.Entry<Long, Map<String, Map<String, Long>>> e : out.entrySet()) {
      // Stamped at the pane's last instant: never earlier than its events, so never makes them late.
      Instant ts = new Instant((e.getKey() + 1) * slideMillis - 1);
      c.output(KV.of(ALL, e.getValue()), ts, GlobalWindow.INSTANCE);
    }
    bundle = null;
  }
}
