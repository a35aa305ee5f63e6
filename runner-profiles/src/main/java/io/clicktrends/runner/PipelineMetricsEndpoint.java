package io.clicktrends.runner;

import io.clicktrends.pipeline.PipelineMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;

/**
 * The running pipeline's Beam counters in the Prometheus text format at {@code http://host:port/metrics}, read from
 * its {@link PipelineResult} at each scrape (the runner aggregates them: the DirectRunner, and the SparkRunner in
 * {@code local[N]}, whose driver is this JVM). Attempted values: a streaming run has no committed ones.
 *
 * <ul>
 *   <li>{@code clicktrends_pipeline_dead_letters_total{reason}}: records dead-lettered by the pipeline, per reason;
 *   <li>{@code clicktrends_pipeline_missing_keys_total{dimension}}: events without the key their dimension ranks;
 *   <li>{@code clicktrends_pipeline_dropped_too_late_total}: (event, window) pairs the incremental engine dropped
 *       behind the allowed lateness;
 *   <li>{@code clicktrends_pipeline_dropped_due_to_lateness_total}: Beam's own count of what its windowing dropped
 *       behind the allowed lateness;
 *   <li>{@code clicktrends_pipeline_<name>_total}: any other counter of the {@code clicktrends} namespace.
 * </ul>
 */
final class PipelineMetricsEndpoint implements AutoCloseable {
  static final String PREFIX = "clicktrends_pipeline_";

  private final HTTPServer server;

  private PipelineMetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Serves {@code result}'s counters on {@code host:port} (0 = any free port). */
  static PipelineMetricsEndpoint start(PipelineResult result, String host, int port) throws IOException {
    return start(() -> result.metrics().allMetrics(), host, port);
  }

  static PipelineMetricsEndpoint start(Supplier<MetricQueryResults> metrics, String host, int port) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new BeamCounters(metrics));
    return new PipelineMetricsEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry)
        .buildAndStart());
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  /** Beam's counters as Prometheus counter families, summed over steps. */
  static final class BeamCounters implements MultiCollector {
    private final Supplier<MetricQueryResults> metrics;

    BeamCounters(Supplier<MetricQueryResults> metrics) {
      this.metrics = metrics;
    }

    @Override
    public MetricSnapshots collect() {
      // family -> label value ("" for none) -> value
      Map<String, Map<String, Double>> families = new TreeMap<>();
      Map<String, String[]> meta = new LinkedHashMap<>(); // family -> {help, label name or null}
      add(families, meta, "dead_letters", "reason", "", "Records the pipeline dead-lettered, per reason.", 0);
      add(families, meta, "missing_keys", "dimension", "", "Events without the key their dimension ranks by.", 0);
      add(families, meta, "dropped_too_late", null, "",
          "(event, window) pairs the incremental engine dropped behind the allowed lateness.", 0);
      add(families, meta, "dropped_due_to_lateness", null, "",
          "(element, window) pairs Beam's windowing dropped behind the allowed lateness.", 0);
      for (MetricResult<Long> c : metrics.get().getCounters()) {
        String ns = c.getName().getNamespace();
        String name = c.getName().getName();
        long v = c.getAttempted() == null ? 0 : c.getAttempted();
        if (name.equals(PipelineMetrics.BEAM_DROPPED_DUE_TO_LATENESS)) {
          add(families, meta, "dropped_due_to_lateness", null, "", null, v);
        } else if (!ns.equals(PipelineMetrics.NAMESPACE)) {
          continue;
        } else if (name.startsWith("deadletter_")) {
          add(families, meta, "dead_letters", "reason", name.substring("deadletter_".length()), null, v);
        } else if (name.startsWith("missing_key_")) {
          add(families, meta, "missing_keys", "dimension", name.substring("missing_key_".length()), null, v);
        } else {
          String family = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
          add(families, meta, family, null, "", "Beam counter clicktrends/" + name + ".", v);
        }
      }
      MetricSnapshots.Builder out = MetricSnapshots.builder();
      families.forEach((family, values) -> {
        String[] m = meta.get(family);
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(PREFIX + family).help(m[0]);
        values.forEach((label, v) -> {
          if (m[1] != null && label.isEmpty()) {
            return; // a labelled family without samples yet
          }
          b.dataPoint(CounterDataPointSnapshot.builder().value(v)
              .labels(m[1] == null ? Labels.EMPTY : Labels.of(m[1], label)).build());
        });
        out.metricSnapshot(b.build());
      });
      return out.build();
    }

    private static void add(Map<String, Map<String, Double>> families, Map<String, String[]> meta, String family,
        String labelName, String labelValue, String help, long value) {
      meta.putIfAbsent(family, new String[] {help, labelName});
      families.computeIfAbsent(family, f -> new TreeMap<>()).merge(labelValue, (double) value, Double::sum);
    }
  }
}
