package io.clicktrends.runner;

import static org.junit.Assert.assertTrue;

import io.clicktrends.pipeline.PipelineMetrics;
import io.clicktrends.pipeline.PipelineMetricsEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.Test;

/**
 * The pipeline's Beam counters on the classic SparkRunner (streaming, {@code local[2]}) reach
 * Prometheus through {@link PipelineMetricsEndpoint} (what {@code bin/clicktrends local
 * --runner=SparkRunner} serves), read from the running SparkPipelineResult.
 *
 * <p>Not this way: Spark's own {@code PrometheusServlet} sink. Beam 2.70 feeds Spark's metrics
 * system ({@code --enableSparkMetricSinks}, on by default) one gauge, {@code
 * <appName>.Beam.Metrics}, whose value is a map of gauges; the servlet prints that map's {@code
 * toString()} as the sample value ({@code metrics_..._clicktrends_Beam_Metrics_Value{type="gauges"}
 * {ParDo_...clicktrends.deadletter_MALFORMED_JSON=
 * org.apache.beam.runners.spark.metrics.BeamMetricSet$ConstantGauge@7eb47fe0, ...}}), which no
 * Prometheus server parses. Seen with this test's pipeline and {@code
 * spark.metrics.conf.*.sink.prometheusServlet.*} set.
 */
public class SparkStreamingMetricsIT {
  private static final long DEADLINE_MS = 120_000;

  static final class CountAsDeadLetter extends DoFn<Long, Void> {
    @ProcessElement
    public void process(@Element Long n) {
      Metrics.counter(
              PipelineMetrics.NAMESPACE,
              PipelineMetrics.deadLetter(io.clicktrends.schema.RejectReason.MALFORMED_JSON))
          .inc();
    }
  }

  private static String get(String url) {
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode() + " " + r.body();
    } catch (Exception e) {
      return e.toString();
    }
  }

  @Test
  public void beamCountersOfTheSparkRunnerAreServedLive() throws Exception {
    Path dir = Files.createTempDirectory("clicktrends-spark-metrics-");
    // by name: this class also compiles on the default (DirectRunner) class path, where the IT does
    // not run
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=SparkRunner",
                "--streaming=true",
                "--sparkMaster=local[2]",
                "--checkpointDir=" + dir.resolve("checkpoint"),
                "--batchIntervalMillis=1000",
                "--appName=clicktrends")
            .create();
    Pipeline p = Pipeline.create(options);
    p.apply(GenerateSequence.from(0).withRate(50, org.joda.time.Duration.standardSeconds(1)))
        .apply(ParDo.of(new CountAsDeadLetter()));
    PipelineResult result = p.run();
    try (PipelineMetricsEndpoint endpoint =
        PipelineMetricsEndpoint.start("127.0.0.1", 0, () -> result)) {
      Pattern ours =
          Pattern.compile(
              "(?m)^clicktrends_pipeline_dead_letters_total\\{reason=\"MALFORMED_JSON\"} (\\S+)$");
      long deadline = System.currentTimeMillis() + DEADLINE_MS;
      String endpointText = "";
      double fromEndpoint = 0;
      while (System.currentTimeMillis() < deadline && fromEndpoint <= 0) {
        assertTrue("pipeline stopped: " + result.getState(), !result.getState().isTerminal());
        endpointText = get("http://127.0.0.1:" + endpoint.port() + "/metrics");
        Matcher m = ours.matcher(endpointText);
        fromEndpoint = m.find() ? Double.parseDouble(m.group(1)) : 0;
        result.waitUntilFinish(
            org.joda.time.Duration.millis(500)); // returns RUNNING after the wait: a poll
      }
      assertTrue(
          "the endpoint serves the SparkRunner's counter:\n" + endpointText, fromEndpoint > 0);
      // and it grows while the pipeline runs
      double first = fromEndpoint;
      while (System.currentTimeMillis() < deadline && fromEndpoint <= first) {
        result.waitUntilFinish(org.joda.time.Duration.millis(500));
        Matcher m = ours.matcher(get("http://127.0.0.1:" + endpoint.port() + "/metrics"));
        fromEndpoint = m.find() ? Double.parseDouble(m.group(1)) : 0;
      }
      assertTrue("the counter grows: " + first + " then " + fromEndpoint, fromEndpoint > first);
    } finally {
      result.cancel();
    }
  }
}
