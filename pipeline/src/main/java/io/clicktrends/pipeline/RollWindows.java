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
 * Turns one ring's stream of slice counts into window results with no timer: the on-time firing of
 * each slice moves the ring's {@link SlidingTopK} up to that slice and reports the windows it
 * completes (ON_TIME); a late firing corrects the windows that are still within the allowed
 * lateness (LATE) and counts the (event, window) pairs it is too late for. With rising trends on,
 * every count result comes with the window's rising result, and a correction also restates the
 * rising result of the window one window length after each window it changed (its previous window
 * changed). Input: ring key ({@link RankingShards}) to the slice firings of one step; output:
 * dimension to one {@link RingReport} per step.
 *
 * <p>"Within the allowed lateness" means the watermark had not passed the window's {@link
 * TrendConfig#latenessDeadline} (its end - 1ms + the allowed lateness) when the event came. The
 * watermark itself is not visible to a DoFn; each firing proves it had passed the last instant of
 * the slice part that fired ({@link LatenessMarkedSlices}: the parts end exactly at the windows'
 * deadlines), and the ring keeps the latest such instant. Ticks from {@link CountPerSliceInBundle}
 * make every part fire after each event for a window length plus the allowed lateness, so that
 * instant follows the watermark for as long as a late event could still count. After a longer
 * silence it may trail the watermark, and a late event is then judged against the older position
 * (counted where the reference would drop it).
 */
final class RollWindows extends DoFn<KV<String, Iterable<SliceUpdate>>, KV<String, RingReport>> {
  private final TrendConfig config;
  private final boolean reportEveryStep;
  private final Counter droppedTooLate =
      Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.DROPPED_TOO_LATE);
  private final Counter outOfOrderSlices =
      Metrics.counter(PipelineMetrics.NAMESPACE, "out_of_order_slices");

  @StateId("ring")
  private final StateSpec<ValueState<IncrementalState>> ringSpec;

  /**
   * @param reportEveryStep report progress even without results (the shards' merge needs every
   *     ring's progress)
   */
  RollWindows(TrendConfig config, boolean reportEveryStep) {
    this.config = config;
    this.reportEveryStep = reportEveryStep;
    // the coder checks a restored state against these settings
    this.ringSpec = StateSpecs.value(IncrementalStateCoder.of(config));
  }

  private int slices() {
    return config.slicesPerWindow();
  }

  @ProcessElement
  public void process(
      @Element KV<String, Iterable<SliceUpdate>> element,
      @StateId("ring") ValueState<IncrementalState> state,
      OutputReceiver<KV<String, RingReport>> out) {
    IncrementalState s = state.read();
    if (s == null) {
      s = IncrementalState.fresh(config);
    }
    // In slice order (a slice's on-time firing before its late ones). A batch holds the firings of
    // one
    // step of the grouping, which takes the step's elements before moving the watermark: its late
    // firings carry events that arrived before the step's on-time slices closed (on the
    // SparkRunner,
    // a
    // micro-batch: late data is judged against the batch's starting watermark, the slices close at
    // its
    // end). Such a slice, fired late, lies before every slice closed in that step (its end had
    // passed, theirs
    // had not), so slice order counts its events in the windows those slices complete, as the
    // reference
    // does, and judges their lateness by the windows completed before the step.
    // A slice's mark part comes before its counts, as it lies before them in time.
    List<SliceUpdate> updates = new ArrayList<>();
    element.getValue().forEach(updates::add);
    updates.sort(
        Comparator.comparingLong((SliceUpdate u) -> u.slice)
            .thenComparing(u -> !u.mark)
            .thenComparing(u -> !u.onTime));
    List<RingReport.WindowResult> results = new ArrayList<>();
    SlidingTopK ring = s.ring;
    // Every late firing of the step was late against the watermark the step started with, so each
    // proves that
    // watermark had passed its part's end (a ring that trailed the watermark, at the start of a
    // stream or after a
    // silence, learns it from the late ticks). Close every window that watermark passed before
    // counting late data:
    // their ON_TIME results then hold only what came before it, as the reference's do.
    boolean anyLate = false;
    for (SliceUpdate u : updates) {
      if (!u.onTime) {
        anyLate = true;
        s.watermarkPassed = Math.max(s.watermarkPassed, lastInstant(u));
      }
    }
    // the last slice whose end it passed
    long passedSlice = config.sliceGrid().sliceOf(s.watermarkPassed + 1) - 1;
    if (anyLate && (!ring.started() || passedSlice > ring.last())) {
      advance(s, new SliceUpdate(passedSlice, true, Map.of()), results);
    }
    for (SliceUpdate u : updates) {
      if (u.mark) {
        // no counts: the watermark has passed the mark, the deadline of the window ending
        // lateSlices
        // slices before it
        s.watermarkPassed = Math.max(s.watermarkPassed, lastInstant(u));
        continue;
      }
      boolean ahead = !ring.started() || u.slice > ring.last();
      if (u.onTime && ahead) {
        advance(s, u, results);
      } else if (u.onTime) {
        // An on-time slice behind one already rolled in (a runner delivered firings out of order):
        // its data was on time, so every window containing it is recounted, not cut by lateness.
        outOfOrderSlices.inc();
        correct(s, u, false, results);
      } else {
        if (ahead) {
          // A late firing proves the watermark passed this slice's end: close the windows up to it
          // first.
          advance(s, new SliceUpdate(u.slice, true, Map.of()), results);
        }
        s.watermarkPassed = Math.max(s.watermarkPassed, lastInstant(u));
        correct(s, u, true, results);
      }
    }
    if (results.isEmpty() && !reportEveryStep) {
      state.write(s);
      return;
    }
    String ringKey = element.getKey();
    out.output(
        KV.of(
            RankingShards.dimensionOf(ringKey),
            new RingReport(RankingShards.shardOf(ringKey), s.reports++, ring.last(), results)));
    state.write(s);
  }

  /** The last instant (epoch millis) of the slice part that fired: the watermark has passed it. */
  private long lastInstant(SliceUpdate u) {
    return u.mark
        ? config.sliceGrid().start(u.slice) + IncrementalState.markMillis(config) - 1
        : config.sliceGrid().end(u.slice) - 1;
  }

  private void advance(IncrementalState s, SliceUpdate u, List<RingReport.WindowResult> results) {
    SlidingTopK d = s.ring;
    d.addToSlice(u.slice, u.counts);
    d.advanceTo(u.slice, (n, r) -> addResults(s, n, r, false, true, results));
    // the on-time firing of a slice proves the watermark passed its last instant
    s.watermarkPassed = Math.max(s.watermarkPassed, config.sliceGrid().end(d.last()) - 1);
    // a window stays restatable (out-of-order on-time slices) back to
    // SlidingTopK.oldestRecountable(): keep its
    // index until then, or a restatement would reuse index 0 and its message-id, and consumers
    // would drop it
    s.forgetWindowsUpTo(d.last() - slices() - d.lateSlices());
  }

  /**
   * Adds counts to a slice the windows have passed and restates each window that contains it: LATE
   * results for late data, cut where the window is past its allowed lateness; restated ON_TIME
   * results for on-time data that arrived out of order, for every window whose slices are still
   * kept. With rising trends, each such window's rising result is restated too, and so is the
   * rising result of the window one window length after it (whose previous window it is): every
   * rising result stays the function of the counts published for the two windows.
   */
  private void correct(
      IncrementalState s, SliceUpdate u, boolean late, List<RingReport.WindowResult> results) {
    SlidingTopK d = s.ring;
    if (u.counts.isEmpty()) {
      return;
    }
    // the first window containing the slice that keeps these counts: windows before it are past
    // their allowed lateness
    long keptFrom = u.slice;
    while (late
        && keptFrom < u.slice + slices()
        && config.latenessDeadline(config.sliceGrid().end(keptFrom)) <= s.watermarkPassed) {
      keptFrom++;
    }
    d.correct(u.slice, u.counts, keptFrom);
    long events = CountAndRankFn.total(u.counts);
    long from = late ? u.slice : Math.max(u.slice, d.oldestRecountable());
    for (long n = from; n <= Math.min(u.slice + slices() - 1, d.last()); n++) {
      if (n < keptFrom) {
        droppedTooLate.inc(events);
      } else {
        addResults(s, n, d.recount(n), late, true, results);
      }
    }
    if (d.rising()) {
      // the windows whose previous window just changed
      for (long n = Math.max(keptFrom, d.oldestRecountable() - slices());
          n <= u.slice + slices() - 1;
          n++) {
        long next = n + slices();
        if (next > d.last()) {
          break;
        }
        SlidingTopK.Result r = d.recount(next);
        if (r.total() > 0) {
          addResults(s, next, r, late, false, results);
        }
      }
    }
  }

  /**
   * Adds the window's count result (if {@code counts}) and, with rising trends on, its rising
   * result.
   */
  private void addResults(
      IncrementalState s,
      long window,
      SlidingTopK.Result r,
      boolean late,
      boolean counts,
      List<RingReport.WindowResult> results) {
    if (counts) {
      results.add(
          RingReport.WindowResult.counts(
              window, late, s.nextPaneIndex(window, false), r.total(), r.items()));
    }
    if (s.ring.rising()) {
      results.add(
          RingReport.WindowResult.rising(
              window, late, s.nextPaneIndex(window, true), r.total(), r.rising()));
    }
  }
}
