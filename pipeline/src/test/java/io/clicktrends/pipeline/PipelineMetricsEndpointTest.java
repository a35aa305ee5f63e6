package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.PipelineResult;
import org.junit.Test;

/**
 * The pipeline's /metrics (--metricsPort): the pipeline's Beam counters and the JVM's, scraped over
 * HTTP and parsed.
 */
public class PipelineMetricsEndpointTest {
  /** One sample line of the Prometheus text format: name, optional {labels}, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  /**
   * Every sample of a text-format exposition, "name{labels}" to value; fails on any line that is
   * not one.
   */
  static Map<String, Double> parse(String exposition) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat("a sample line: " + line, m.matches(), equalTo(true));
      samples.put(
          m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  @Test
  public void servesThePipelinesCountersPerReasonAndDimensionAndTheJvms() throws Exception {
    Path input = Files.createTempDirectory("metrics").resolve("clicks.jsonl");
    String ok =
        "{\"eventId\":\"e%d\",\"eventTime\":\"2026-01-01T00:00:0%dZ\",\"type\":\"search\",\"sessionId\":\"s\","
            + "\"query\":\"boots\"}";
    Files.write(
        input,
        List.of(
            String.format(ok, 1, 1),
            String.format(ok, 2, 2),
            "{not json",
            "{also not",
            "{\"eventId\":\"e3\",\"eventTime\":\"2026-01-01T00:00:03Z\",\"type\":\"search\",\"sessionId\":\"s\"}"));
    PipelineResult result =
        ClicktrendsPipeline.build(
                ClicktrendsPipeline.parse(
                    "--input=" + input,
                    "--rabbitmqUri=none",
                    "--archivePath=none",
                    "--windowSize=10s",
                    "--windowSlide=5s"))
            .run();
    result.waitUntilFinish();
    try (PipelineMetricsEndpoint endpoint =
        PipelineMetricsEndpoint.start("127.0.0.1", 0, () -> result)) {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Map<String, Double> samples = parse(text);
      assertThat(
          text,
          samples.get("clicktrends_pipeline_dead_letters_total{reason=\"MALFORMED_JSON\"}"),
          equalTo(2.0));
      assertThat(
          text,
          samples.get("clicktrends_pipeline_missing_keys_total{dimension=\"search\"}"),
          equalTo(1.0));
      assertThat(text, samples, hasKey("jvm_memory_used_bytes{area=\"heap\"}"));
      assertThat(samples.get("jvm_memory_used_bytes{area=\"heap\"}"), greaterThan(0.0));
    }
  }
}
