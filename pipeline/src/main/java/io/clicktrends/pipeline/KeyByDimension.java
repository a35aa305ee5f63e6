package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/** Maps each event to (dimension, key) by {@link DimensionKeys}, stamped with its event time. */
final class KeyByDimension extends DoFn<ClickEvent, KV<String, String>> {
  private final DimensionKeys keys;

  KeyByDimension(List<Dimension> dimensions) {
    this.keys = new DimensionKeys(dimensions);
  }

  @ProcessElement
  public void process(@Element ClickEvent event, OutputReceiver<KV<String, String>> out) {
    DimensionKeys.Keyed k = keys.of(event);
    if (k != null) {
      out.outputWithTimestamp(
          KV.of(k.dimension().name(), k.key()), new Instant(event.getEventTime().toEpochMilli()));
    }
  }
}
