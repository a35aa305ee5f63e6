package io.clicktrends.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.pipeline.PipelineMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.Test;

/** A DirectRunner pipeline's Beam counters scraped from the endpoint over HTTP and read back sample by sample. */
public class PipelineMetricsEndpointTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

  static final class Count extends DoFn<String, Void> {
    @ProcessElement
    public void process(@Element String s) {
      Metrics.counter(PipelineMetrics.NAMESPACE, s).inc();
    }
  }

  @Test
  public void beamCountersOfARunningPipelineAreServedAsPrometheusCounters() throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    p.apply(Create.of("deadletter_MALFORMED_JSON", "deadletter_MALFORMED_JSON", "deadletter_INVALID_UTF8",
            "missing_key_search", PipelineMetrics.DROPPED_TOO_LATE, "out_of_order_panes"))
        .apply(ParDo.of(new Count()));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    try (PipelineMetricsEndpoint endpoint = PipelineMetricsEndpoint.start(result, "127.0.0.1", 0)) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode(), equalTo(200));
      assertThat(r.body(), containsString("# TYPE clicktrends_pipeline_dead_letters_total counter"));
      Map<String, Double> samples = new TreeMap<>();
      for (String line : r.body().split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher m = SAMPLE.matcher(line);
        assertThat("a well-formed sample: " + line, m.matches(), equalTo(true));
        samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
      assertThat(samples, equalTo(Map.of(
          "clicktrends_pipeline_dead_letters_total{reason=\"INVALID_UTF8\"}", 1.0,
          "clicktrends_pipeline_dead_letters_total{reason=\"MALFORMED_JSON\"}", 2.0,
          "clicktrends_pipeline_missing_keys_total{dimension=\"search\"}", 1.0,
          "clicktrends_pipeline_dropped_too_late_total", 1.0,
          "clicktrends_pipeline_dropped_due_to_lateness_total", 0.0,
          "clicktrends_pipeline_out_of_order_panes_total", 1.0)));
    }
  }
}
