package io.clicktrends.pipeline;

import io.clicktrends.schema.Trend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Turns the stream of pane counts into window results with no timer: the on-time firing of each pane
 * moves every dimension's {@link SlidingTopK} up to that pane and emits the windows it completes
 * (ON_TIME); a late firing corrects the windows that are still within the allowed lateness (LATE)
 * and counts the (event, window) pairs it is too late for.
 *
 * <p>"Within the allowed lateness" is judged against the last pane this step has completed: the
 * watermark itself is not visible to a DoFn, and the on-time firing of that pane proves the watermark
 * had passed its end. Ticks from {@link CountPerPaneInBundle} make a pane fire after each event for a
 * window length plus the allowed lateness, so that position follows the watermark for as long as a
 * late event could still count. After a longer silence it may trail the watermark, and a late event
 * is then judged against the older position (counted where the reference would drop it).
 */
final class RollWindows extends DoFn<KV<String, Iterable<PaneUpdate>>, Trend> {
  private final TrendConfig config;
  private final Counter droppedTooLate = Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.DROPPED_TOO_LATE);
  private final Counter outOfOrderPanes = Metrics.counter(PipelineMetrics.NAMESPACE, "out_of_order_panes");

  @StateId("engine")
  private final StateSpec<ValueState<IncrementalState>> engineSpec = StateSpecs.value(IncrementalStateCoder.of());

  RollWindows(TrendConfig config) {
    this.config = config;
  }

  private int panes() {
    return config.panesPerWindow();
  }

  private int latePanes() {
    return (int) (config.allowedLateness().getMillis() / config.windowSlide().getMillis());
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<PaneUpdate>> element,
      @StateId("engine") ValueState<IncrementalState> state, OutputReceiver<Trend> out) {
    IncrementalState s = state.read();
    if (s == null) {
      s = new IncrementalState();
      for (Dimension d : config.dimensions()) {
        s.dimensions.put(d.name(), new SlidingTopK(panes(), latePanes(), config.topK()));
      }
    }
    // In pane order (a pane's on-time firing before its late ones). A batch holds the firings of one
    // step of the grouping, which takes the step's elements before moving the watermark: its late
    // firings carry events that arrived before the step's on-time panes closed (on the SparkRunner, a
    // micro-batch: late data is judged against the batch's starting watermark, the panes close at its
    // end). Such a late pane lies before every pane closed in that step (its end had passed, theirs
    // had not), so pane order counts its events in the windows those panes complete, as the reference
    // does, and judges their lateness by the windows completed before the step.
    List<PaneUpdate> updates = new ArrayList<>();
    element.getValue().forEach(updates::add);
    updates.sort(Comparator.comparingLong((PaneUpdate u) -> u.pane).thenComparing(u -> !u.onTime));
    SlidingTopK any = s.dimensions.values().iterator().next();
    for (PaneUpdate u : updates) {
      boolean ahead = !any.started() || u.pane > any.last;
      if (u.onTime && ahead) {
        advance(s, u, out);
      } else if (u.onTime) {
        // An on-time pane behind one already rolled in (a runner delivered firings out of order):
        // its data was on time, so every window containing it is recounted, not cut by lateness.
        outOfOrderPanes.inc();
        correct(s, u, false, out);
      } else {
        if (ahead) {
          // A late firing proves the watermark passed this pane's end: close the windows up to it first.
          advance(s, new PaneUpdate(u.pane, true, Map.of()), out);
        }
        correct(s, u, true, out);
      }
    }
    state.write(s);
  }

  private void advance(IncrementalState s, PaneUpdate u, OutputReceiver<Trend> out) {
    long last = Long.MIN_VALUE;
    for (Map.Entry<String, SlidingTopK> e : s.dimensions.entrySet()) {
      String dim = e.getKey();
      SlidingTopK d = e.getValue();
      d.addToPane(u.pane, u.counts.getOrDefault(dim, Map.of()));
      d.advanceTo(u.pane, (n, r) -> out.output(trend(dim, n, r, "ON_TIME", s.nextPaneIndex(dim, n))));
      last = d.last;
    }
    // a window stays restatable (out-of-order on-time panes) back to SlidingTopK.oldestRecountable(): keep its pane
    // index until then, or a restatement would reuse index 0 and its message-id, and consumers would drop it
    s.forgetWindowsUpTo(last - panes() - latePanes());
  }

  /**
   * Adds counts to a pane the windows have passed and restates each window that contains it: LATE
   * results for late data, cut where the window is past its allowed lateness; restated ON_TIME results
   * for on-time data that arrived out of order, for every window whose panes are still kept.
   */
  private void correct(IncrementalState s, PaneUpdate u, boolean late, OutputReceiver<Trend> out) {
    for (Map.Entry<String, Map<String, Long>> e : u.counts.entrySet()) {
      SlidingTopK d = s.dimensions.get(e.getKey());
      if (d == null || e.getValue().isEmpty()) {
        continue;
      }
      d.correct(u.pane, e.getValue());
      long events = CountAndRankFn.total(e.getValue());
      long from = late ? u.pane : Math.max(u.pane, d.oldestRecountable());
      for (long n = from; n <= Math.min(u.pane + panes() - 1, d.last); n++) {
        if (late && n <= d.last - latePanes()) {
          droppedTooLate.inc(events);
        } else {
          out.output(trend(e.getKey(), n, d.recount(n), late ? "LATE" : "ON_TIME", s.nextPaneIndex(e.getKey(), n)));
        }
      }
    }
  }

  private Trend trend(String dim, long lastPane, SlidingTopK.Result r, String timing, int paneIndex) {
    long slide = config.windowSlide().getMillis();
    return Trend.newBuilder()
        .setDimension(dim)
        .setWindowStart(Instant.ofEpochMilli((lastPane - panes() + 1) * slide))
        .setWindowEnd(Instant.ofEpochMilli((lastPane + 1) * slide))
        .setTotal(r.total())
        .setItems(r.items())
        .setTiming(timing)
        .setPaneIndex(paneIndex)
        .setEmittedAt(Instant.now())
        .build();
  }
}
