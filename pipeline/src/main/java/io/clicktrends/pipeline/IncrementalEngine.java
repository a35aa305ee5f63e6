package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The fast engine: each event is counted once, in its slide-sized slice, and each window is built
 * from the previous one by adding the entering slice and subtracting the leaving one, with a
 * ranking that moves only the keys those slices touch. Per-event cost does not depend on
 * windowSize/windowSlide.
 *
 * <ol>
 *   <li>{@link CountPerSliceInBundle}: slice counts per bundle and ring (plus ticks), so the
 *       shuffle carries counts; a ring is a dimension, or with {@code --rankingShards=N} one of N
 *       hash shards of it ({@link RankingShards});
 *   <li>the partial counts of each slice merged and gathered, so they can be taken in slice order:
 *       for a stream by firing slide-sized windows as the watermark passes them ({@link
 *       GatherFiredSlices}), for a bounded input all at once ({@link GatherAllSlices});
 *   <li>{@link RollWindows}: one stateful step per ring that rolls its window (and, for rising
 *       trends, the previous window) and reports window results;
 *   <li>{@link RankAcrossShards}: the shards' results of each window merged into the dimension's
 *       trend.
 * </ol>
 *
 * It uses state but no timers, so it runs where event-time timers are not supported (the classic
 * SparkRunner in streaming mode). It takes any allowed lateness and judges it exactly, as Beam's
 * windowing and {@link ReferenceComputation} do ({@link TrendConfig#latenessDeadline}): when the
 * lateness is not a whole number of slides, each slice is fired in two parts split at its lateness
 * mark ({@link LatenessMarkedSlices}), so the engine sees the watermark pass every window's
 * deadline.
 */
final class IncrementalEngine extends PTransform<PCollection<ClickEvent>, PCollection<Trend>> {
  private final TrendConfig config;
  private final int rankingShards;

  IncrementalEngine(TrendConfig config, int rankingShards) {
    this.config = config;
    this.rankingShards = rankingShards;
  }

  @Override
  public PCollection<Trend> expand(PCollection<ClickEvent> events) {
    long slide = config.windowSlide().getMillis();
    long mark = IncrementalState.markMillis(config);
    // A slice's late data matters until the last window containing it is past its allowed lateness.
    Duration sliceLateness =
        config.allowedLateness().plus(config.windowSize()).minus(config.windowSlide());
    RankingShards shards = new RankingShards(rankingShards);
    PCollection<KV<String, Map<String, Long>>> sliceCounts =
        events
            .apply(
                "CountPerSliceInBundle",
                ParDo.of(
                    new CountPerSliceInBundle(
                        config.dimensions(),
                        shards,
                        config.sliceGrid(),
                        mark,
                        config.slicesPerWindow() - 1 + IncrementalState.lateSlices(config))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), MergeSliceCounts.coder()));
    PCollection<KV<String, Iterable<SliceUpdate>>> batches =
        events.isBounded() == PCollection.IsBounded.BOUNDED
            ? sliceCounts.apply("GatherAllSlices", new GatherAllSlices(config.sliceGrid()))
            : sliceCounts.apply(
                "GatherFiredSlices",
                new GatherFiredSlices(
                    new LatenessMarkedSlices(slide, mark), config.sliceGrid(), sliceLateness));
    return batches
        .apply("RollWindows", ParDo.of(new RollWindows(config, rankingShards > 1)))
        .setCoder(RankAcrossShards.reportCoder())
        .apply("RankAcrossShards", new RankAcrossShards(config, rankingShards));
  }

  /**
   * A stream: slide-sized windows (split at the lateness mark, {@link LatenessMarkedSlices}) fire
   * as the watermark passes each one's end, and again for late data (discarding, so a late firing
   * carries only the late events). Slices the watermark closes together fire together but reach the
   * next step in no set order: they are gathered per batch of firings (each watermark step) so
   * {@link RollWindows} can take them in slice order.
   */
  static final class GatherFiredSlices
      extends PTransform<
          PCollection<KV<String, Map<String, Long>>>,
          PCollection<KV<String, Iterable<SliceUpdate>>>> {
    private final LatenessMarkedSlices slices;
    private final SliceGrid grid;
    private final Duration sliceLateness;

    GatherFiredSlices(LatenessMarkedSlices slices, SliceGrid grid, Duration sliceLateness) {
      this.slices = slices;
      this.grid = grid;
      this.sliceLateness = sliceLateness;
    }

    @Override
    public PCollection<KV<String, Iterable<SliceUpdate>>> expand(
        PCollection<KV<String, Map<String, Long>>> counts) {
      return counts
          .apply(
              "IntoSlices",
              Window.<KV<String, Map<String, Long>>>into(slices)
                  .triggering(
                      AfterWatermark.pastEndOfWindow()
                          .withLateFirings(AfterPane.elementCountAtLeast(1)))
                  .withAllowedLateness(sliceLateness, Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
                  .discardingFiredPanes())
          .apply("MergeSliceCounts", Combine.perKey(new MergeSliceCounts()))
          .apply("ToSliceUpdate", ParDo.of(new ToSliceUpdate(slices, grid)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), new SliceUpdate.SliceUpdateCoder()))
          .apply("GroupFirings", new GroupPerStep<>());
    }
  }

  /**
   * A bounded input: no data is late and the watermark jumps to the end in one step, so every slice
   * is on time and all are gathered in one grouping. The streaming path would give the same result,
   * but through one firing per slice, and a runner like the DirectRunner pays tens of milliseconds
   * of set-up for every bundle: one slice firing each.
   */
  static final class GatherAllSlices
      extends PTransform<
          PCollection<KV<String, Map<String, Long>>>,
          PCollection<KV<String, Iterable<SliceUpdate>>>> {
    private final SliceGrid grid;

    GatherAllSlices(SliceGrid grid) {
      this.grid = grid;
    }

    @Override
    public PCollection<KV<String, Iterable<SliceUpdate>>> expand(
        PCollection<KV<String, Map<String, Long>>> counts) {
      return counts
          .apply(
              "GlobalWindow",
              Window.<KV<String, Map<String, Long>>>into(new GlobalWindows())
                  .triggering(DefaultTrigger.of())
                  .withAllowedLateness(Duration.ZERO)
                  .discardingFiredPanes())
          .apply("StampSlice", ParDo.of(new StampSlice(grid)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), new SliceUpdate.SliceUpdateCoder()))
          .apply("GroupPartialCounts", GroupByKey.create())
          .apply("MergeBySlice", ParDo.of(new MergeBySlice()))
          .setCoder(
              KvCoder.of(
                  StringUtf8Coder.of(), IterableCoder.of(new SliceUpdate.SliceUpdateCoder())));
    }
  }

  /**
   * Names each partial count's slice by its timestamp (the slice's last instant, see
   * CountPerSliceInBundle).
   */
  static final class StampSlice
      extends DoFn<KV<String, Map<String, Long>>, KV<String, SliceUpdate>> {
    private final SliceGrid grid;

    StampSlice(SliceGrid grid) {
      this.grid = grid;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Map<String, Long>> counts,
        @Timestamp Instant ts,
        OutputReceiver<KV<String, SliceUpdate>> out) {
      out.output(
          KV.of(
              counts.getKey(),
              new SliceUpdate(grid.sliceOf(ts.getMillis()), true, counts.getValue())));
    }
  }

  /**
   * Sums the partial counts of each slice, so each slice reaches {@link RollWindows} once, in slice
   * order.
   */
  static final class MergeBySlice
      extends DoFn<KV<String, Iterable<SliceUpdate>>, KV<String, Iterable<SliceUpdate>>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<SliceUpdate>> partials,
        OutputReceiver<KV<String, Iterable<SliceUpdate>>> out) {
      MergeSliceCounts merge = new MergeSliceCounts();
      TreeMap<Long, Map<String, Long>> bySlice = new TreeMap<>();
      for (SliceUpdate u : partials.getValue()) {
        merge.addInput(bySlice.computeIfAbsent(u.slice, p -> merge.createAccumulator()), u.counts);
      }
      List<SliceUpdate> slices = new ArrayList<>(bySlice.size());
      bySlice.forEach((slice, counts) -> slices.add(new SliceUpdate(slice, true, counts)));
      out.output(KV.of(partials.getKey(), slices));
    }
  }

  /** Records which slice (and which part of it) fired and whether it was the on-time firing. */
  static final class ToSliceUpdate
      extends DoFn<KV<String, Map<String, Long>>, KV<String, SliceUpdate>> {
    private final LatenessMarkedSlices slices;
    private final SliceGrid grid;

    ToSliceUpdate(LatenessMarkedSlices slices, SliceGrid grid) {
      this.slices = slices;
      this.grid = grid;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Map<String, Long>> counts,
        IntervalWindow window,
        PaneInfo pane,
        OutputReceiver<KV<String, SliceUpdate>> out) {
      long sliceNumber = grid.sliceOf(window.start().getMillis());
      boolean onTime = pane.getTiming() == PaneInfo.Timing.ON_TIME;
      out.output(
          KV.of(
              counts.getKey(),
              new SliceUpdate(sliceNumber, onTime, slices.isMarkPart(window), counts.getValue())));
    }
  }
}
