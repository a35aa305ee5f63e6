package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Which configured dimension counts an event, and by which key. Shared by both engines so they skip
 * and count the same events: types no configured dimension counts are skipped; events lacking their
 * dimension's key are skipped and counted ({@code missing_key_<dimension>}).
 */
final class DimensionKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  /** An event's dimension and key. */
  record Keyed(Dimension dimension, String key) {}

  private final Set<Dimension> dimensions;

  DimensionKeys(List<Dimension> dimensions) {
    this.dimensions = EnumSet.copyOf(dimensions);
  }

  /** The event's dimension and key, or null when no configured dimension counts it. */
  Keyed of(ClickEvent event) {
    Dimension d = Dimension.forType(event.getType());
    if (d == null || !dimensions.contains(d)) {
      return null;
    }
    String key = d.keyOf(event);
    if (key == null) {
      Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.missingKey(d)).inc();
      return null;
    }
    return new Keyed(d, key);
  }
}
