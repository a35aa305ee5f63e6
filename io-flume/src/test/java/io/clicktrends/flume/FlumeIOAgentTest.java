package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import io.clicktrends.schema.ClickEvent;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real agent: RpcClient + HTTP + access logs in, FlumeIO on the DirectRunner out, dead letters
 * on the side.
 */
public class FlumeIOAgentTest {
  private static final Logger LOG = LoggerFactory.getLogger(FlumeIOAgentTest.class);
  @ClassRule public static final TestAgent AGENT = new TestAgent();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private PCollection<String> readIds(long n, String... addresses) {
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(addresses)
                .withMaxNumRecords(n)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(60)));
    return events.apply(MapElements.into(TypeDescriptors.strings()).via(e -> e.getEventId()));
  }

  @Test
  public void rpcAndHttpEventsArriveExactlyOnce() throws Exception {
    LOG.info("agent started in {} ms", AGENT.startMillis);
    List<String> expected = new ArrayList<>();
    List<byte[]> rpc = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String id = "rpc-" + i;
      expected.add(id);
      rpc.add(TestAgent.click(id, "product_view", "p" + (i % 7)).getBytes(StandardCharsets.UTF_8));
    }
    long t0 = System.nanoTime();
    AGENT.sendRpc(rpc);
    for (int batch = 0; batch < 4; batch++) {
      List<String> clicks = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = "http-" + batch + "-" + i;
        expected.add(id);
        clicks.add(TestAgent.click(id, "search", "red shoes " + i % 3));
      }
      HttpResponse<String> r = AGENT.post("[" + String.join(",", clicks) + "]");
      assertThat(r.body(), r.statusCode(), equalTo(200));
    }
    long ingestMillis = (System.nanoTime() - t0) / 1_000_000;
    PAssert.that(readIds(expected.size(), AGENT.agent.sparkSinkAddress()))
        .containsInAnyOrder(expected);
    long r0 = System.nanoTime();
    p.run().waitUntilFinish();
    long readMillis = (System.nanoTime() - r0) / 1_000_000;
    LOG.info(
        "MEASURED: {} events into the agent in {} ms ({} ev/s); FlumeIO bounded read + DirectRunner {} ms"
            + " ({} ev/s incl. pipeline start)",
        expected.size(),
        ingestMillis,
        expected.size() * 1000L / Math.max(1, ingestMillis),
        readMillis,
        expected.size() * 1000L / Math.max(1, readMillis));
  }

  @Test
  public void badInputIsDeadLetteredWithItsReasonWhileGoodEventsArrive() throws Exception {
    int deadBefore = AGENT.deadLetters().size();
    long now = System.currentTimeMillis();
    List<byte[]> mix =
        List.of(
            TestAgent.click("good-1", "add_to_cart", "p1").getBytes(StandardCharsets.UTF_8),
            "{\"eventTime\": 1, \"type\":".getBytes(StandardCharsets.UTF_8),
            ("{\"eventTime\":"
                    + now
                    + ",\"type\":\"search\",\"sessionId\":\"s\",\"query\":{\"q\":1}}")
                .getBytes(StandardCharsets.UTF_8),
            "{\"type\":\"search\",\"sessionId\":\"s\",\"query\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
            ("{\"eventTime\":" + now + ",\"type\":\"teleport\",\"sessionId\":\"s\"}")
                .getBytes(StandardCharsets.UTF_8),
            TestAgent.click("good-2", "category_view", "shoes").getBytes(StandardCharsets.UTF_8));
    AGENT.sendRpc(mix);
    byte[] huge = new byte[10 * 1024 * 1024];
    Arrays.fill(huge, (byte) 'x');
    AGENT.sendRpc(List.of(huge));
    // HTTP: one bad element in an array is dead-lettered, the others go through; a non-JSON body is
    // a 400.
    HttpResponse<String> ok =
        AGENT.post(
            "["
                + TestAgent.click("good-3", "search", "hat")
                + ",{\"eventTime\":\"yesterday\",\"type\":\"search\",\"sessionId\":\"s\"}]");
    assertThat(ok.statusCode(), equalTo(200));
    HttpResponse<String> bad = AGENT.post("this is not json");
    assertThat(bad.statusCode(), equalTo(400));
    assertThat(bad.body(), containsString("MALFORMED_JSON"));
    HttpResponse<String> tooBig = AGENT.post(huge);
    assertThat(tooBig.statusCode(), equalTo(400));
    assertThat(tooBig.body(), containsString("BODY_TOO_LARGE"));

    PAssert.that(readIds(3, AGENT.agent.sparkSinkAddress()))
        .containsInAnyOrder("good-1", "good-2", "good-3");
    p.run().waitUntilFinish();

    TestAgent.await(
        "7 dead letters",
        Duration.ofSeconds(30),
        () -> {
          try {
            return AGENT.deadLetters().size() >= deadBefore + 7;
          } catch (IOException e) {
            return false;
          }
        });
    List<JsonNode> dead = AGENT.deadLetters();
    Map<String, Long> reasons =
        dead.stream()
            .collect(
                Collectors.groupingBy(
                    n -> n.get("reason").asText(), TreeMap::new, Collectors.counting()));
    LOG.info("dead-letter reasons: {}", reasons);
    for (String r :
        List.of(
            "MALFORMED_JSON",
            "WRONG_TYPE",
            "MISSING_EVENT_TIME",
            "INVALID_UTF8",
            "UNKNOWN_TYPE",
            "BODY_TOO_LARGE")) {
      assertThat(reasons.keySet(), hasItem(r));
    }
    JsonNode big =
        dead.stream()
            .filter(n -> n.get("reason").asText().equals("BODY_TOO_LARGE"))
            .findFirst()
            .get();
    assertThat(big.get("originalSize").asLong(), equalTo(10L * 1024 * 1024));
    assertThat(big.get("detail").asText(), containsString("10485760 bytes"));
  }

  @Test
  public void accessLogLinesBecomeClickEvents() throws Exception {
    String ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0";
    String productView =
        "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000] \"GET /product/sku-42 HTTP/1.1\" 200 5120 \"https://shop.example/\" \""
            + ua
            + "\"";
    List<String> lines =
        List.of(
            productView,
            productView, // the same line again in the same second: a second view (a reload), not a
            // duplicate
            "203.0.113.7 - - [02/Apr/2024:11:17:50 +0000] \"GET /category/garden%20tools HTTP/1.1\" 200 812 \"-\" \""
                + ua
                + "\"",
            "198.51.100.2 - alice [02/Apr/2024:11:18:01 +0200] \"GET /search?q=red+shoes&page=2 HTTP/2.0\" 200 77 \"-\" \"curl/8.5\"",
            "198.51.100.2 - alice [02/Apr/2024:11:18:03 +0200] \"POST /cart/add?product=sku-7 HTTP/1.1\" 302 0 \"-\" \"curl/8.5\"",
            "198.51.100.2 - - [02/Apr/2024:11:18:04 +0200] \"GET /static/app.css HTTP/1.1\" 200 999 \"-\" \"curl/8.5\"",
            "garbage that is not a log line");
    int deadBefore = AGENT.deadLetters().size();
    Files.write(
        AGENT.logDir.resolve("access.log"),
        lines,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(AGENT.agent.sparkSinkAddress())
                .withMaxNumRecords(5)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(60)));
    PAssert.that(
            events.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        e ->
                            e.getType()
                                + " "
                                + (e.getProductId() != null
                                    ? e.getProductId()
                                    : e.getCategory() != null ? e.getCategory() : e.getQuery())
                                + " "
                                + e.getEventTime())))
        .containsInAnyOrder(
            "product_view sku-42 2024-04-02T11:17:46Z",
            "product_view sku-42 2024-04-02T11:17:46Z",
            "category_view garden tools 2024-04-02T11:17:50Z",
            "search red shoes 2024-04-02T09:18:01Z",
            "add_to_cart sku-7 2024-04-02T09:18:03Z");
    // Before, the eventId was a hash of the line alone: the two views shared one and the unbounded
    // read's dedup
    // (DirectRunner) dropped the second. Now the line's file and byte offset are part of it.
    PAssert.thatSingleton(
            events
                .apply(
                    "EventIds",
                    MapElements.into(TypeDescriptors.strings()).via(e -> e.getEventId()))
                .apply(Distinct.create())
                .apply(Count.globally()))
        .isEqualTo(5L);
    p.run().waitUntilFinish();
    TestAgent.await(
        "2 dead log lines",
        Duration.ofSeconds(30),
        () -> {
          try {
            return AGENT.deadLetters().size() >= deadBefore + 2;
          } catch (IOException e) {
            return false;
          }
        });
    Set<String> details = new HashSet<>();
    for (JsonNode n : AGENT.deadLetters().subList(deadBefore, deadBefore + 2)) {
      assertThat(n.get("reason").asText(), equalTo("UNPARSEABLE_LOG_LINE"));
      details.add(n.get("detail").asText());
    }
    LOG.info("dead log lines: {}", details);
  }
}
