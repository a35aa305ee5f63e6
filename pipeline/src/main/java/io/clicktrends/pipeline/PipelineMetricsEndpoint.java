package io.clicktrends.pipeline;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline's Beam counters as Prometheus metrics, read from its {@link PipelineResult}
 * at every scrape, with the JVM's own metrics, at {@code
 * http://<metricsBindAddress>:<metricsPort>/metrics}. It runs where the pipeline was started (the
 * driver, with the runner's aggregated metrics), so it serves the same names on the DirectRunner
 * and the SparkRunner, where Spark's own Prometheus servlet cannot render Beam's metric set.
 *
 * <p>Names (counters, summed over the pipeline's steps; Beam reports attempted values):
 *
 * <ul>
 *   <li>{@code clicktrends_pipeline_dead_letters_total{reason}}: records dead-lettered by the
 *       pipeline's validation, per {@code RejectReason} (Beam counter {@code
 *       clicktrends:deadletter_<REASON>});
 *   <li>{@code clicktrends_pipeline_missing_keys_total{dimension}}: events of a dimension's type
 *       without its key ({@code clicktrends:missing_key_<dimension>});
 *   <li>{@code clicktrends_pipeline_dropped_too_late_total}: (event, window) pairs dropped behind
 *       the allowed lateness by the incremental engine ({@code clicktrends:dropped_too_late}), and
 *       {@code clicktrends_pipeline_dropped_due_to_lateness_total} for Beam's own counter
 *       (sliding-windows engine);
 *   <li>{@code clicktrends_pipeline_<name>_total} for any other counter of the {@code clicktrends}
 *       namespace.
 * </ul>
 */
public final class PipelineMetricsEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineMetricsEndpoint.class);
  private final HTTPServer server;

  private PipelineMetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** The endpoint {@code options} ask for ({@code --metricsPort}), or null when it is off. */
  public static PipelineMetricsEndpoint startIfConfigured(
      ClicktrendsOptions options, PipelineResult result) throws IOException {
    if (options.getMetricsPort() < 0) {
      return null;
    }
    PipelineMetricsEndpoint endpoint =
        start(options.getMetricsBindAddress(), options.getMetricsPort(), () -> result);
    LOG.info(
        "pipeline metrics at http://{}:{}/metrics",
        options.getMetricsBindAddress(),
        endpoint.port());
    return endpoint;
  }

  /** Serves {@code result}'s counters (none while it is null); {@code port} 0 = any free. */
  public static PipelineMetricsEndpoint start(
      String host, int port, Supplier<PipelineResult> result) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    registry.register(new BeamCounters(result));
    return new PipelineMetricsEndpoint(
        HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Converts Beam's counters to Prometheus counter families at each scrape. */
  static final class BeamCounters implements MultiCollector {
    private static final String PREFIX = "clicktrends_pipeline_";
    private final Supplier<PipelineResult> result;

    BeamCounters(Supplier<PipelineResult> result) {
      this.result = result;
    }

    @Override
    public MetricSnapshots collect() {
      PipelineResult r = result.get();
      if (r == null) {
        return MetricSnapshots.of();
      }
      MetricQueryResults all = r.metrics().queryMetrics(MetricsFilter.builder().build());
      // family -> labels -> sum over steps
      Map<String, Map<Labels, Long>> families = new TreeMap<>();
      for (MetricResult<Long> c : all.getCounters()) {
        String namespace = c.getName().getNamespace();
        String name = c.getName().getName();
        long value = attempted(c);
        if (name.equals(PipelineMetrics.BEAM_DROPPED_DUE_TO_LATENESS)) {
          add(families, "dropped_due_to_lateness", Labels.EMPTY, value);
        } else if (!namespace.equals(PipelineMetrics.NAMESPACE)) {
          continue;
        } else if (name.startsWith("deadletter_")) {
          add(
              families,
              "dead_letters",
              Labels.of("reason", name.substring("deadletter_".length())),
              value);
        } else if (name.startsWith("missing_key_")) {
          add(
              families,
              "missing_keys",
              Labels.of("dimension", name.substring("missing_key_".length())),
              value);
        } else {
          add(families, name.replaceAll("[^a-zA-Z0-9_]", "_"), Labels.EMPTY, value);
        }
      }
      MetricSnapshots.Builder out = MetricSnapshots.builder();
      families.forEach(
          (family, points) -> {
            CounterSnapshot.Builder b =
                CounterSnapshot.builder()
                    .name(PREFIX + family)
                    .help(
                        "Beam counter(s) of the pipeline, summed over its steps (see PipelineMetricsEndpoint)");
            points.forEach(
                (labels, v) ->
                    b.dataPoint(
                        CounterDataPointSnapshot.builder().labels(labels).value(v).build()));
            out.metricSnapshot(b.build());
          });
      return out.build();
    }

    private static long attempted(MetricResult<Long> c) {
      Long v = c.getAttempted();
      return v == null ? 0 : v;
    }

    private static void add(
        Map<String, Map<Labels, Long>> families, String family, Labels labels, long value) {
      families.computeIfAbsent(family, f -> new TreeMap<>()).merge(labels, value, Long::sum);
    }
  }
}
