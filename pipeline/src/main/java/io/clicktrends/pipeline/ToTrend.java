package io.clicktrends.pipeline;

import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;

/** Turns a dimension's (total, top items) in a window pane into a {@link Trend}. */
final class ToTrend extends DoFn<KV<String, KV<Long, List<TrendItem>>>, Trend> {
  @ProcessElement
  public void process(
      @Element KV<String, KV<Long, List<TrendItem>>> ranked,
      IntervalWindow window,
      PaneInfo pane,
      OutputReceiver<Trend> out) {
    out.output(
        Trend.newBuilder()
            .setDimension(ranked.getKey())
            .setWindowStart(Instant.ofEpochMilli(window.start().getMillis()))
            .setWindowEnd(Instant.ofEpochMilli(window.end().getMillis()))
            .setTotal(ranked.getValue().getKey())
            .setItems(ranked.getValue().getValue())
            .setTiming(pane.getTiming().name())
            .setPaneIndex(pane.getIndex())
            .setEmittedAt(Instant.now())
            .build());
  }
}
