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
 * The fast engine: each event is counted once, in its slide-sized pane, and each window is built
 * from the previous one by adding the entering pane and subtracting the leaving one, with a ranking
 * that moves only the keys those panes touch. Per-event cost does not depend on
 * windowSize/windowSlide.
 *
 * <ol>
 *   <li>{@link CountPerPaneInBundle}: pane counts per bundle and ring (plus ticks), so the shuffle
 *       carries counts; a ring is a dimension, or with {@code --rankingShards=N} one of N hash
 *       shards of it ({@link RankingShards});
 *   <li>the partial counts of each pane merged and gathered, so they can be taken in pane order:
 *       for a stream by firing slide-sized windows as the watermark passes them ({@link
 *       GatherFiredPanes}), for a bounded input all at once ({@link GatherAllPanes});
 *   <li>{@link RollWindows}: one stateful step per ring that rolls its window (and, for rising
 *       trends, the previous window) and reports window results;
 *   <li>{@link RankAcrossShards}: the shards' results of each window merged into the dimension's
 *       trend.
 * </ol>
 *
 * It uses state but no timers, so it runs where event-time timers are not supported (the classic
 * SparkRunner in streaming mode). It takes any allowed lateness and judges it exactly, as Beam's
 * windowing and {@link ReferenceComputation} do ({@link TrendConfig#latenessDeadline}): when the
 * lateness is not a whole number of slides, each pane is fired in two parts split at its lateness
 * mark ({@link LatenessMarkedPanes}), so the engine sees the watermark pass every window's
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
    // A pane's late data matters until the last window containing it is past its allowed lateness.
    Duration paneLateness =
        config.allowedLateness().plus(config.windowSize()).minus(config.windowSlide());
    RankingShards shards = new RankingShards(rankingShards);
    PCollection<KV<String, Map<String, Long>>> paneCounts =
        events
            .apply(
                "CountPerPaneInBundle",
                ParDo.of(
                    new CountPerPaneInBundle(
                        config.dimensions(),
                        shards,
                        slide,
                        mark,
                        config.panesPerWindow() - 1 + IncrementalState.latePanes(config))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), MergePaneCounts.coder()));
    PCollection<KV<String, Iterable<PaneUpdate>>> batches =
        events.isBounded() == PCollection.IsBounded.BOUNDED
            ? paneCounts.apply("GatherAllPanes", new GatherAllPanes(slide))
            : paneCounts.apply(
                "GatherFiredPanes",
                new GatherFiredPanes(new LatenessMarkedPanes(slide, mark), slide, paneLateness));
    return batches
        .apply("RollWindows", ParDo.of(new RollWindows(config, rankingShards > 1)))
        .setCoder(RankAcrossShards.reportCoder())
        .apply("RankAcrossShards", new RankAcrossShards(config, rankingShards));
  }

  /**
   * A stream: slide-sized windows (split at the lateness mark, {@link LatenessMarkedPanes}) fire as
   * the watermark passes each one's end, and again for late data (discarding, so a late firing
   * carries only the late events). Panes the watermark closes together fire together but reach the
   * next step in no set order: they are gathered per batch of firings (each watermark step) so
   * {@link RollWindows} can take them in pane order.
   */
  static final class GatherFiredPanes
      extends PTransform<
          PCollection<KV<String, Map<String, Long>>>,
          PCollection<KV<String, Iterable<PaneUpdate>>>> {
    private final LatenessMarkedPanes panes;
    private final long slide;
    private final Duration paneLateness;

    GatherFiredPanes(LatenessMarkedPanes panes, long slide, Duration paneLateness) {
      this.panes = panes;
      this.slide = slide;
      this.paneLateness = paneLateness;
    }

    @Override
    public PCollection<KV<String, Iterable<PaneUpdate>>> expand(
        PCollection<KV<String, Map<String, Long>>> counts) {
      return counts
          .apply(
              "SlideSizedPanes",
              Window.<KV<String, Map<String, Long>>>into(panes)
                  .triggering(
                      AfterWatermark.pastEndOfWindow()
                          .withLateFirings(AfterPane.elementCountAtLeast(1)))
                  .withAllowedLateness(paneLateness, Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
                  .discardingFiredPanes())
          .apply("MergePaneCounts", Combine.perKey(new MergePaneCounts()))
          .apply("ToPaneUpdate", ParDo.of(new ToPaneUpdate(panes, slide)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), new PaneUpdate.PaneUpdateCoder()))
          .apply("GroupFirings", new GroupPerStep<>());
    }
  }

  /**
   * A bounded input: no data is late and the watermark jumps to the end in one step, so every pane
   * is on time and all are gathered in one grouping. The streaming path would give the same result,
   * but through one firing per pane, and a runner like the DirectRunner pays tens of milliseconds
   * of set-up for every bundle: one pane firing each.
   */
  static final class GatherAllPanes
      extends PTransform<
          PCollection<KV<String, Map<String, Long>>>,
          PCollection<KV<String, Iterable<PaneUpdate>>>> {
    private final long slide;

    GatherAllPanes(long slide) {
      this.slide = slide;
    }

    @Override
    public PCollection<KV<String, Iterable<PaneUpdate>>> expand(
        PCollection<KV<String, Map<String, Long>>> counts) {
      return counts
          .apply(
              "GlobalWindow",
              Window.<KV<String, Map<String, Long>>>into(new GlobalWindows())
                  .triggering(DefaultTrigger.of())
                  .withAllowedLateness(Duration.ZERO)
                  .discardingFiredPanes())
          .apply("StampPane", ParDo.of(new StampPane(slide)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), new PaneUpdate.PaneUpdateCoder()))
          .apply("GroupPartialCounts", GroupByKey.create())
          .apply("MergeByPane", ParDo.of(new MergeByPane()))
          .setCoder(
              KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(new PaneUpdate.PaneUpdateCoder())));
    }
  }

  /**
   * Names each partial count's pane by its timestamp (the pane's last instant, see
   * CountPerPaneInBundle).
   */
  static final class StampPane extends DoFn<KV<String, Map<String, Long>>, KV<String, PaneUpdate>> {
    private final long slide;

    StampPane(long slide) {
      this.slide = slide;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Map<String, Long>> counts,
        @Timestamp Instant ts,
        OutputReceiver<KV<String, PaneUpdate>> out) {
      out.output(
          KV.of(
              counts.getKey(),
              new PaneUpdate(Math.floorDiv(ts.getMillis(), slide), true, counts.getValue())));
    }
  }

  /**
   * Sums the partial counts of each pane, so each pane reaches {@link RollWindows} once, in pane
   * order.
   */
  static final class MergeByPane
      extends DoFn<KV<String, Iterable<PaneUpdate>>, KV<String, Iterable<PaneUpdate>>> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<PaneUpdate>> partials,
        OutputReceiver<KV<String, Iterable<PaneUpdate>>> out) {
      MergePaneCounts merge = new MergePaneCounts();
      TreeMap<Long, Map<String, Long>> byPane = new TreeMap<>();
      for (PaneUpdate u : partials.getValue()) {
        merge.addInput(byPane.computeIfAbsent(u.pane, p -> merge.createAccumulator()), u.counts);
      }
      List<PaneUpdate> panes = new ArrayList<>(byPane.size());
      byPane.forEach((pane, counts) -> panes.add(new PaneUpdate(pane, true, counts)));
      out.output(KV.of(partials.getKey(), panes));
    }
  }

  /** Records which pane (and which part of it) fired and whether it was the on-time firing. */
  static final class ToPaneUpdate
      extends DoFn<KV<String, Map<String, Long>>, KV<String, PaneUpdate>> {
    private final LatenessMarkedPanes panes;
    private final long slide;

    ToPaneUpdate(LatenessMarkedPanes panes, long slide) {
      this.panes = panes;
      this.slide = slide;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Map<String, Long>> counts,
        IntervalWindow window,
        PaneInfo pane,
        OutputReceiver<KV<String, PaneUpdate>> out) {
      long paneNumber = Math.floorDiv(window.start().getMillis(), slide);
      boolean onTime = pane.getTiming() == PaneInfo.Timing.ON_TIME;
      out.output(
          KV.of(
              counts.getKey(),
              new PaneUpdate(paneNumber, onTime, panes.isMarkPart(window), counts.getValue())));
    }
  }
}
