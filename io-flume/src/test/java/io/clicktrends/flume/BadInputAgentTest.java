package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/**
 * Bad input through a real agent (Avro RPC and HTTP sources, the ETL interceptor, file channels,
 * SparkSink) read by FlumeIO: bad input is dead-lettered with its reason, never costs the good
 * events of its batch, and nothing is silently dropped. One agent per test, so each test reads
 * exactly what it sent.
 */
public class BadInputAgentTest {
  @Rule public final TestAgent agent = new TestAgent();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static String click(String id, long eventTime, String query) {
    return "{\"eventId\":\""
        + id
        + "\",\"eventTime\":"
        + eventTime
        + ",\"type\":\"search\",\"sessionId\":\"s-"
        + id
        + "\",\"query\":\""
        + query
        + "\"}";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private PCollection<String> read(long n) {
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.agent.sparkSinkAddress())
                .withMaxNumRecords(n)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(60)));
    return events.apply(
        MapElements.into(TypeDescriptors.strings()).via(e -> e.getEventId() + " " + e.getQuery()));
  }

  private List<JsonNode> awaitDeadLetters(int n) throws InterruptedException, IOException {
    TestAgent.await(
        n + " dead letters",
        Duration.ofSeconds(30),
        () -> {
          try {
            return agent.deadLetters().size() >= n;
          } catch (IOException e) {
            return false;
          }
        });
    return agent.deadLetters();
  }

  private static List<String> reasons(List<JsonNode> dead) {
    return dead.stream().map(d -> d.get("reason").asText()).collect(Collectors.toList());
  }

  /** A fast device clock: "boots" at T0, one event 23 h ahead, ten "boots" at T0+1s..T0+10s. */
  @Test
  public void anEventFromAClock23HoursFastIsDeadLetteredAndTheRealClicksAllArrive()
      throws Exception {
    long t0 = System.currentTimeMillis();
    List<byte[]> bodies = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    bodies.add(utf8(click("b-0", t0, "boots")));
    expected.add("b-0 boots");
    bodies.add(utf8(click("future", t0 + 23L * 3600 * 1000, "boots")));
    for (int i = 1; i <= 10; i++) {
      bodies.add(utf8(click("b-" + i, t0 + i * 1000L, "boots")));
      expected.add("b-" + i + " boots");
    }
    agent.sendRpc(bodies);
    PAssert.that(read(11)).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
    List<JsonNode> dead = awaitDeadLetters(1);
    assertThat(reasons(dead), containsInAnyOrder("TIMESTAMP_IN_FUTURE"));
    assertThat(dead.get(0).get("detail").asText(), containsString("eventTime "));
    assertThat(dead.get(0).get("raw").asText(), containsString("\"future\""));
  }

  /**
   * A date in year 1e9 must not throw out of the interceptor (HTTP 500, Avro batch FAILED, all
   * three lost): only its own event is dead-lettered.
   */
  @Test
  public void anOutOfRangeEventTimeCostsOnlyItsOwnEventOverHttpAndAvro() throws Exception {
    long now = System.currentTimeMillis();
    String bad =
        "{\"eventId\":\"bad\",\"eventTime\":\"+1000000000-01-01T00:00:00Z\",\"type\":\"search\","
            + "\"sessionId\":\"s\",\"query\":\"boots\"}";
    HttpResponse<String> r =
        agent.post(
            "["
                + click("ok-1", now, "boots")
                + ","
                + bad
                + ","
                + click("ok-2", now + 1000, "boots")
                + "]");
    assertThat(r.body(), r.statusCode(), equalTo(200));
    agent.sendRpc(
        List.of(
            utf8(click("ok-3", now, "boots")),
            utf8(bad),
            utf8(click("ok-4", now + 1000, "boots"))));
    PAssert.that(read(4))
        .containsInAnyOrder("ok-1 boots", "ok-2 boots", "ok-3 boots", "ok-4 boots");
    p.run().waitUntilFinish();
    List<JsonNode> dead = awaitDeadLetters(2);
    assertThat(reasons(dead), containsInAnyOrder("TIMESTAMP_IN_FUTURE", "TIMESTAMP_IN_FUTURE"));
    for (JsonNode d : dead) {
      assertThat(d.get("detail").asText(), containsString("eventTime +1000000000-01-01T00:00:00Z"));
    }
  }

  /** A malformed value in any field, over HTTP and Avro, is one event's dead letter at most. */
  @Test
  public void fuzzedFieldsNeverFailABatch() throws Exception {
    long now = System.currentTimeMillis();
    List<String> cases = io.clicktrends.schema.MalformedClicks.all(now);
    int expectedValid = 0;
    List<String> http = new ArrayList<>();
    List<byte[]> rpc = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      // unique ids (where the case leaves eventId alone), so the valid ones can be counted at the
      // other end
      ObjectNode n = (ObjectNode) TestAgent.JSON.readTree(cases.get(i));
      if (n.path("eventId").asText().equals("fz")) {
        n.put("eventId", "fz-" + i);
      }
      // non-ASCII escaped, as MalformedClicks writes it: a raw unpaired surrogate would become "?"
      // in the UTF-8 body
      String json =
          TestAgent.JSON
              .writer()
              .with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
              .writeValueAsString(n);
      boolean valid = ClickEventJson.parse(json, now).isValid();
      http.add(json);
      rpc.add(utf8(json));
      if (valid) {
        expectedValid += 2;
      }
    }
    HttpResponse<String> r = agent.post("[" + String.join(",", http) + "]");
    assertThat(r.body(), r.statusCode(), equalTo(200));
    for (int from = 0; from < rpc.size(); from += 100) {
      agent.sendRpc(rpc.subList(from, Math.min(rpc.size(), from + 100)));
    }
    int expectedDead = 2 * cases.size() - expectedValid;
    PCollection<String> read = read(expectedValid);
    PAssert.thatSingleton(read.apply(org.apache.beam.sdk.transforms.Count.globally()))
        .isEqualTo((long) expectedValid);
    p.run().waitUntilFinish();
    List<JsonNode> dead;
    try {
      dead = awaitDeadLetters(expectedDead);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + "; got "
              + agent.deadLetters().size()
              + ": "
              + reasons(agent.deadLetters()).stream()
                  .collect(Collectors.groupingBy(x -> x, Collectors.counting())));
    }
    assertThat(dead.size(), equalTo(expectedDead));
    assertThat(reasons(dead).contains("INTERNAL_ERROR"), equalTo(false));
  }

  /**
   * NDJSON over HTTP is accepted whole; trailing garbage refuses the request; an Avro body holds
   * one.
   */
  @Test
  public void everyParserConsumesItsWholeInput() throws Exception {
    long now = System.currentTimeMillis();
    HttpResponse<String> nd =
        agent.post(click("nd-1", now, "boots") + "\n" + click("nd-2", now, "boots") + "\n");
    assertThat(nd.body(), nd.statusCode(), equalTo(200));
    HttpResponse<String> mixed =
        agent.post("[" + click("nd-3", now, "a") + "]\r\n" + click("nd-4", now, "b"));
    assertThat(mixed.body(), mixed.statusCode(), equalTo(200));
    HttpResponse<String> garbage = agent.post("[" + click("g-1", now, "boots") + "] garbage");
    assertThat(garbage.statusCode(), equalTo(400));
    assertThat(garbage.body(), containsString("MALFORMED_JSON: not valid JSON at line 1, column"));
    HttpResponse<String> scalar = agent.post(click("g-2", now, "boots") + "\n42\n");
    assertThat(scalar.statusCode(), equalTo(400));
    assertThat(scalar.body(), containsString("got NUMBER at line 2, column 1"));
    HttpResponse<String> truncated = agent.post(click("g-3", now, "boots") + "\n{\"eventId\":");
    assertThat(truncated.statusCode(), equalTo(400));
    agent.sendRpc(
        List.of(
            utf8(click("two-1", now, "a") + "\n" + click("two-2", now, "b")),
            utf8(click("one", now, "c"))));
    PAssert.that(read(5))
        .containsInAnyOrder("nd-1 boots", "nd-2 boots", "nd-3 a", "nd-4 b", "one c");
    p.run().waitUntilFinish();
    List<JsonNode> dead = awaitDeadLetters(1);
    assertThat(reasons(dead), containsInAnyOrder("MALFORMED_JSON"));
    assertThat(
        dead.get(0).get("detail").asText(),
        containsString("content after the first JSON value at line 2"));
  }

  /** A leading byte-order mark is not content, over HTTP and Avro. */
  @Test
  public void aLeadingByteOrderMarkIsIgnored() throws Exception {
    long now = System.currentTimeMillis();
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    HttpResponse<String> r =
        agent.post(concat(bom, utf8("[" + click("bom-1", now, "boots") + "]")));
    assertThat(r.body(), r.statusCode(), equalTo(200));
    agent.sendRpc(List.of(concat(bom, utf8(click("bom-2", now, "boots")))));
    PAssert.that(read(2)).containsInAnyOrder("bom-1 boots", "bom-2 boots");
    p.run().waitUntilFinish();
  }

  /**
   * An unpaired surrogate never becomes another key ("?abc"): it is dead-lettered, over HTTP and
   * Avro.
   */
  @Test
  public void unpairedSurrogatesAreDeadLettered() throws Exception {
    long now = System.currentTimeMillis();
    HttpResponse<String> r =
        agent.post("[" + click("lone-1", now, "\\uD800abc") + "," + click("ok", now, "abc") + "]");
    assertThat(r.body(), r.statusCode(), equalTo(200));
    agent.sendRpc(List.of(utf8(click("lone-2", now, "abc\\uDC00"))));
    PAssert.that(read(1)).containsInAnyOrder("ok abc");
    p.run().waitUntilFinish();
    List<JsonNode> dead = awaitDeadLetters(2);
    assertThat(reasons(dead), containsInAnyOrder("INVALID_UNICODE", "INVALID_UNICODE"));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
