package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Duration;

/**
 * The design as first drawn, on Beam's {@link SlidingWindows}: every event goes into each of the
 * windowSize/windowSlide sliding windows it belongs to, and each window counts and ranks its keys.
 * Checked against {@link ReferenceComputation}, the definition of correct, like the other engine.
 * Cost grows with the number of slices per window; see {@link IncrementalEngine} for the fast one.
 * With rising trends, each window's full counts also go to {@link RisingFromWindowCounts}, which
 * pairs them with the previous window's.
 */
final class SlidingWindowsEngine extends PTransform<PCollection<ClickEvent>, PCollection<Trend>> {
  private final TrendConfig config;

  SlidingWindowsEngine(TrendConfig config) {
    this.config = config;
  }

  @Override
  public PCollection<Trend> expand(PCollection<ClickEvent> events) {
    PCollection<KV<String, String>> windowed =
        events
            .apply("KeyByDimension", ParDo.of(new KeyByDimension(config.dimensions())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
            .apply(
                "SlidingEventTimeWindows",
                Window.<KV<String, String>>into(
                        SlidingWindows.of(config.windowSize()).every(config.windowSlide()))
                    // One ON_TIME result when the watermark passes the end, then a LATE correction
                    // per late arrival.
                    .triggering(
                        AfterWatermark.pastEndOfWindow()
                            .withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(
                        config.allowedLateness(), Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
                    .accumulatingFiredPanes());
    PCollection<Trend> counts =
        windowed
            .apply("CountAndRankPerDimension", Combine.perKey(new CountAndRankFn(config.topK())))
            .apply("ToTrend", ParDo.of(new ToTrend()))
            .setCoder(AvroCoder.of(Trend.class));
    if (!config.rising()) {
      return counts;
    }
    // Rising trends pair each window's counts with the previous window's: the two windows' firings
    // meet in a stateful step per dimension, in the global window; the count trends join them
    // there. A bounded input's windows fire all at once, in no order: gathered whole (one group per
    // dimension, taken in window order), every window meets the window before it first.
    boolean bounded = events.isBounded() == PCollection.IsBounded.BOUNDED;
    PCollection<KV<String, RisingFromWindowCounts.Firing>> firings =
        windowed
            .apply("CountPerDimension", Combine.perKey(new CountAllFn()))
            .apply("ToFiring", ParDo.of(new RisingFromWindowCounts.ToFiring()))
            .setCoder(RisingFromWindowCounts.firingCoder());
    PCollection<KV<String, Iterable<RisingFromWindowCounts.Firing>>> grouped =
        bounded
            ? firings
                .apply(
                    "AllFirings",
                    Window.<KV<String, RisingFromWindowCounts.Firing>>into(new GlobalWindows())
                        .triggering(DefaultTrigger.of())
                        .withAllowedLateness(Duration.ZERO)
                        .discardingFiredPanes())
                .apply("GroupAllFirings", GroupByKey.create())
            : firings.apply("GroupFirings", new GroupPerStep<>());
    PCollection<Trend> rising =
        grouped
            .apply("RisingFromWindowCounts", ParDo.of(new RisingFromWindowCounts(config, bounded)))
            .setCoder(AvroCoder.of(Trend.class));
    if (bounded) {
      // the count trends' trigger, so the two can be flattened
      rising = rising.apply("RisingTrendsInGlobalWindow", everyElementInGlobalWindow());
    }
    PCollection<Trend> countsInGlobalWindow =
        counts.apply("CountTrendsInGlobalWindow", everyElementInGlobalWindow());
    return PCollectionList.of(countsInGlobalWindow)
        .and(rising)
        .apply("CountAndRisingTrends", Flatten.pCollections());
  }

  /** A window's full key counts (the rising rule needs every key, not only the top K). */
  static final class CountAllFn
      extends Combine.CombineFn<String, Map<String, Long>, Map<String, Long>> {
    private final CountAndRankFn counts = new CountAndRankFn(1);

    @Override
    public Map<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Long> addInput(Map<String, Long> acc, String key) {
      return counts.addInput(acc, key);
    }

    @Override
    public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accs) {
      return counts.mergeAccumulators(accs);
    }

    @Override
    public Map<String, Long> extractOutput(Map<String, Long> acc) {
      return acc;
    }

    @Override
    public Coder<Map<String, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }

    @Override
    public Coder<Map<String, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }
  }

  private static Window<Trend> everyElementInGlobalWindow() {
    return Window.<Trend>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }
}
