package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;

/**
 * The design as first drawn, kept as the definition of correct: every event goes into each of the
 * windowSize/windowSlide sliding windows it belongs to, and each window counts and ranks its keys.
 * Cost grows with the number of panes per window; see {@link IncrementalEngine} for the fast one.
 */
final class ReferenceEngine extends PTransform<PCollection<ClickEvent>, PCollection<Trend>> {
  private final TrendConfig config;

  ReferenceEngine(TrendConfig config) {
    this.config = config;
  }

  @Override
  public PCollection<Trend> expand(PCollection<ClickEvent> events) {
    return events
        .apply("KeyByDimension", ParDo.of(new KeyByDimension(config.dimensions())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
        .apply("SlidingEventTimeWindows",
            Window.<org.apache.beam.sdk.values.KV<String, String>>into(
                    SlidingWindows.of(config.windowSize()).every(config.windowSlide()))
                // One ON_TIME result when the watermark passes the end, then a LATE correction per late arrival.
                .triggering(AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(config.allowedLateness(), Window.ClosingBehavior.FIRE_IF_NON_EMPTY)
                .accumulatingFiredPanes())
        .apply("CountAndRankPerDimension", Combine.perKey(new CountAndRankFn(config.topK())))
        .apply("ToTrend", ParDo.of(new ToTrend()))
        .setCoder(AvroCoder.of(Trend.class));
  }
}
