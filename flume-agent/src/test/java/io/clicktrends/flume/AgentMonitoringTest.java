package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;

/**
 * The ETL interceptors' counters, live, through Flume's own HTTP monitoring of an in-process agent
 * started from the shipped configuration: valid, dead-lettered per reason, ignored, one counter
 * group per source.
 */
public class AgentMonitoringTest {
  @Rule public final TestAgent agent = new TestAgent().monitored();

  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode metrics() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(agent.agent.monitoringEndpoint().orElseThrow()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode(), equalTo(200));
      return TestAgent.JSON.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long counter(JsonNode m, String group, String counter) {
    JsonNode g = m.get(group);
    return g == null || g.get(counter) == null ? -1 : Long.parseLong(g.get(counter).asText());
  }

  @Test
  public void etlCountersPerSourceAndReasonAreServedLive() throws Exception {
    // before any event: the groups are there, at zero (no flush at shutdown needed to see them)
    TestAgent.await(
        "the ETL counter groups",
        Duration.ofSeconds(10),
        () ->
            counter(metrics(), "INTERCEPTOR.etl-avro", "EventValidCount") == 0
                && counter(metrics(), "INTERCEPTOR.etl-http", "EventValidCount") == 0);

    agent.sendRpc(
        List.of(
            TestAgent.click("m1", "search", "shoes").getBytes(StandardCharsets.UTF_8),
            TestAgent.click("m2", "search", "hats").getBytes(StandardCharsets.UTF_8),
            TestAgent.click("m3", "product_view", "214000001").getBytes(StandardCharsets.UTF_8),
            "not json".getBytes(StandardCharsets.UTF_8),
            "{\"half\":".getBytes(StandardCharsets.UTF_8)));
    assertThat(
        agent
            .post("[" + TestAgent.click("m4", "search", "scarf") + ",{\"eventId\":\"m5\"}]")
            .statusCode(),
        equalTo(200));

    TestAgent.await(
        "counts of 3 + 2 events via Avro, 1 + 1 via HTTP",
        Duration.ofSeconds(10),
        () -> {
          JsonNode m = metrics();
          return counter(m, "INTERCEPTOR.etl-avro", "EventValidCount") == 3
              && counter(m, "INTERCEPTOR.etl-avro", "EventDeadLetteredCount") == 2
              && counter(m, "INTERCEPTOR.etl-http", "EventValidCount") == 1
              && counter(m, "INTERCEPTOR.etl-http", "EventDeadLetteredCount") == 1;
        });
    JsonNode m = metrics();
    assertThat(counter(m, "INTERCEPTOR.etl-avro", "EventDeadLettered.MALFORMED_JSON"), equalTo(2L));
    assertThat(counter(m, "INTERCEPTOR.etl-avro", "EventIgnoredCount"), equalTo(0L));
    assertThat(m.get("INTERCEPTOR.etl-avro").get("Type").asText(), equalTo("INTERCEPTOR"));
    // the HTTP element without the required fields: one reason counted once, every other reason
    // present at zero
    List<String> nonZero = new java.util.ArrayList<>();
    int reasons = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = m.get("INTERCEPTOR.etl-http").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("EventDeadLettered.")) {
        reasons++;
        if (!e.getValue().asText().equals("0")) {
          nonZero.add(e.getKey() + "=" + e.getValue().asText());
        }
      }
    }
    assertThat(nonZero.size(), equalTo(1));
    assertThat(nonZero.get(0).endsWith("=1"), equalTo(true));
    assertThat(reasons, equalTo(io.clicktrends.schema.RejectReason.values().length));
    // Flume's own groups are served beside them
    assertThat(counter(m, "SOURCE.avro", "EventAcceptedCount"), equalTo(5L));
  }
}
