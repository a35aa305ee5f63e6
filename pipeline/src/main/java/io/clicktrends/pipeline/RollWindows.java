package io.clicktrends.pipeline;

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
 * Turns one ring's stream of pane counts into window results with no timer: the on-time firing of each pane moves the
 * ring's {@link SlidingTopK} up to that pane and reports the windows it completes (ON_TIME); a late firing corrects the
 * windows that are still within the allowed lateness (LATE) and counts the (event, window) pairs it is too late for.
 * Input: ring key ({@link RankingShards}) to the pane firings of one step; output: dimension to one {@link RingReport}
 * per step.
 *
 * <p>"Within the allowed lateness" is judged against the last pane this ring has completed: the watermark itself is
 * not visible to a DoFn, and the on-time firing of that pane proves the watermark had passed its end. Ticks from
 * {@link CountPerPaneInBundle} make a pane fire after each event for a window length plus the allowed lateness, so
 * that position follows the watermark for as long as a late event could still count. After a longer silence it may
 * trail the watermark, and a late event is then judged against the older position (counted where the reference would
 * drop it).
 */
final class RollWindows extends DoFn<KV<String, Iterable<PaneUpdate>>, KV<String, RingReport>> {
  private final TrendConfig config;
  private final boolean reportEveryStep;
  private final Counter droppedTooLate = Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.DROPPED_TOO_LATE);
  private final Counter outOfOrderPanes = Metrics.counter(PipelineMetrics.NAMESPACE, "out_of_order_panes");

  @StateId("ring")
  private final StateSpec<ValueState<IncrementalState>> ringSpec = StateSpecs.value(IncrementalStateCoder.of());

  /** @param reportEveryStep report progress even without results (the shards' merge needs every ring's progress) */
  RollWindows(TrendConfig config, boolean reportEveryStep) {
    this.config = config;
    this.reportEveryStep = reportEveryStep;
  }

  private int panes() {
    return config.panesPerWindow();
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<PaneUpdate>> element,
      @StateId("ring") ValueState<IncrementalState> state, OutputReceiver<KV<String, RingReport>> out) {
    IncrementalState s = state.read();
    if (s == null) {
      s = IncrementalState.fresh(config);
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
    List<RingReport.WindowResult> results = new ArrayList<>();
    SlidingTopK ring = s.ring;
    for (PaneUpdate u : updates) {
      boolean ahead = !ring.started() || u.pane > ring.last;
      if (u.onTime && ahead) {
        advance(s, u, results);
      } else if (u.onTime) {
        // An on-time pane behind one already rolled in (a runner delivered firings out of order):
        // its data was on time, so every window containing it is recounted, not cut by lateness.
        outOfOrderPanes.inc();
        correct(s, u, false, results);
      } else {
        if (ahead) {
          // A late firing proves the watermark passed this pane's end: close the windows up to it first.
          advance(s, new PaneUpdate(u.pane, true, Map.of()), results);
        }
        correct(s, u, true, results);
      }
    }
    if (results.isEmpty() && !reportEveryStep) {
      state.write(s);
      return;
    }
    String ringKey = element.getKey();
    out.output(KV.of(RankingShards.dimensionOf(ringKey),
        new RingReport(RankingShards.shardOf(ringKey), s.reports++, ring.last, results)));
    state.write(s);
  }

  private void advance(IncrementalState s, PaneUpdate u, List<RingReport.WindowResult> results) {
    SlidingTopK d = s.ring;
    d.addToPane(u.pane, u.counts);
    d.advanceTo(u.pane, (n, r) -> results.add(result(s, n, r, false)));
    // a window stays restatable (out-of-order on-time panes) back to SlidingTopK.oldestRecountable(): keep its
    // index until then, or a restatement would reuse index 0 and its message-id, and consumers would drop it
    s.forgetWindowsUpTo(d.last - panes() - d.latePanes());
  }

  /**
   * Adds counts to a pane the windows have passed and restates each window that contains it: LATE
   * results for late data, cut where the window is past its allowed lateness; restated ON_TIME results
   * for on-time data that arrived out of order, for every window whose panes are still kept.
   */
  private void correct(IncrementalState s, PaneUpdate u, boolean late, List<RingReport.WindowResult> results) {
    SlidingTopK d = s.ring;
    if (u.counts.isEmpty()) {
      return;
    }
    d.correct(u.pane, u.counts);
    long events = CountAndRankFn.total(u.counts);
    long from = late ? u.pane : Math.max(u.pane, d.oldestRecountable());
    for (long n = from; n <= Math.min(u.pane + panes() - 1, d.last); n++) {
      if (late && n <= d.last - d.latePanes()) {
        droppedTooLate.inc(events);
      } else {
        results.add(result(s, n, d.recount(n), late));
      }
    }
  }

  private static RingReport.WindowResult result(IncrementalState s, long window, SlidingTopK.Result r, boolean late) {
    return new RingReport.WindowResult(window, late, s.nextPaneIndex(window), r.total(), r.items());
  }
}
