package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The service end to end: real broker, real WebSocket clients. Each test uses its own dimensions.
 */
public class FanoutEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static AmqpBrokerResolver.ResolvedBroker broker;
  private static FanoutServer server;
  private static TrendFixtures publisher;
  private static URI ws;

  @BeforeClass
  public static void start() throws Exception {
    broker = AmqpBrokerResolver.resolve();
    System.out.println("FanoutEndToEndTest runs against the " + broker);
    String exchange = "clicktrends.test.fanout." + UUID.randomUUID();
    server =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri(broker.uri())
                .setExchange(exchange)
                .setClientQueue(8)
                .setStallTimeoutSeconds(3)
                .build());
    assertThat(
        "fan-out consumes from the broker",
        server.awaitBrokerReady(Duration.ofSeconds(10)),
        equalTo(true));
    publisher = new TrendFixtures(broker.uri(), exchange);
    ws = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
  }

  @AfterClass
  public static void stop() throws Exception {
    publisher.deleteExchange();
    publisher.close();
    server.close();
    broker.close();
  }

  private static List<String> dimensionsOf(JsonNode snapshot) {
    List<String> out = new ArrayList<>();
    snapshot.get("trends").forEach(t -> out.add(t.get("dimension").asText()));
    return out;
  }

  private static Trend trendOf(JsonNode message) {
    assertThat(message.get("type").asText(), equalTo("trend"));
    return TrendJson.fromJson(message.get("trend").toString());
  }

  @Test
  public void snapshotOnConnectThenUpdatesWithoutStaleOrDuplicateResults() throws Exception {
    try (WsClient first = WsClient.connect(ws)) {
      assertThat(first.next(WAIT).get("type").asText(), equalTo("snapshot"));
      Trend w1 = TrendFixtures.trend("e2e_a", 1_000_000_600L, 0, "x", "y");
      publisher.publish(w1);
      assertThat(nextTrendOf(first, "e2e_"), equalTo(w1));

      try (WsClient second = WsClient.connect(ws)) {
        JsonNode snapshot = second.next(WAIT);
        assertThat(snapshot.get("type").asText(), equalTo("snapshot"));
        assertThat(dimensionsOf(snapshot), hasItem("e2e_a"));
        for (JsonNode t : snapshot.get("trends")) {
          if (t.get("dimension").asText().equals("e2e_a")) {
            assertThat(TrendJson.fromJson(t.toString()), equalTo(w1));
          }
        }

        Trend w2 = TrendFixtures.trend("e2e_a", 1_000_000_610L, 0, "y", "x");
        Trend w2late = TrendFixtures.trend("e2e_a", 1_000_000_610L, 1, "y", "z", "x");
        // w1 again (a redelivery) and w2 again (a duplicate) must not reach the browsers
        publisher.publish(w2, w1, w2, w2late);
        for (WsClient c : List.of(first, second)) {
          assertThat(nextTrendOf(c, "e2e_"), equalTo(w2));
          assertThat(nextTrendOf(c, "e2e_"), equalTo(w2late));
        }
      }
    }
    // the snapshot now carries the window before the latest, for rank movement
    try (WsClient third = WsClient.connect(ws)) {
      JsonNode snapshot = third.next(WAIT);
      List<String> prev = new ArrayList<>();
      snapshot
          .get("previous")
          .forEach(t -> prev.add(t.get("dimension").asText() + "@" + t.get("windowEnd").asText()));
      assertThat(prev, hasItem("e2e_a@2001-09-09T01:56:40Z"));
    }
  }

  /**
   * A rising trend (routing key trend.<dimension>.rising, "kind":"rising") of the same dimension
   * and window as a top trend is forwarded beside it with its items' previous counts and scores,
   * and does not replace it.
   */
  @Test
  public void aRisingTrendIsKeptBesideTheTopTrendOfTheSameWindow() throws Exception {
    try (WsClient c = WsClient.connect(ws)) {
      c.nextOfType("snapshot", WAIT);
      Trend top = TrendFixtures.trend("rise_a", 1_000_000_600L, 0, "shoes", "hats");
      publisher.publish(top);
      publisher.publishRising("rise_a", top.getWindowEnd(), "boots", 40L, 3L, "scarf", 9L, 2L);
      JsonNode first = nextTrendNodeOf(c, "rise_");
      assertThat(first.get("kind").asText(), equalTo("top"));
      assertThat(TrendJson.fromJson(first.toString()), equalTo(top));
      JsonNode rising = nextTrendNodeOf(c, "rise_");
      assertThat(rising.get("kind").asText(), equalTo("rising"));
      assertThat(rising.get("items").get(0).get("key").asText(), equalTo("boots"));
      assertThat(rising.get("items").get(0).get("count").asLong(), equalTo(40L));
      assertThat(rising.get("items").get(0).get("previous").asLong(), equalTo(3L));
      assertThat(rising.get("items").get(0).get("score").asDouble(), equalTo(37 / Math.sqrt(43)));
      assertThat(rising.get("receivedAt").isTextual(), equalTo(true));
    }
    try (WsClient later = WsClient.connect(ws)) {
      List<String> kinds = new ArrayList<>();
      for (JsonNode t : later.nextOfType("snapshot", WAIT).get("trends")) {
        if (t.get("dimension").asText().equals("rise_a")) {
          kinds.add(t.get("kind").asText() + ":" + t.get("items").get(0).get("key").asText());
        }
      }
      assertThat(kinds, equalTo(List.of("rising:boots", "top:shoes")));
    }
  }

  private static JsonNode nextTrendNodeOf(WsClient client, String prefix) throws Exception {
    while (true) {
      JsonNode m = client.next(WAIT);
      if (m.get("type").asText().equals("trend")
          && m.get("trend").get("dimension").asText().startsWith(prefix)) {
        return m.get("trend");
      }
    }
  }

  @Test
  public void aClientGetsOnlyTheDimensionsItSubscribedTo() throws Exception {
    Trend b1 = TrendFixtures.trend("sub_b", 1_000_000_600L, 0, "b1");
    Trend c1 = TrendFixtures.trend("sub_c", 1_000_000_600L, 0, "c1");
    try (WsClient all = WsClient.connect(ws)) {
      all.nextOfType("snapshot", WAIT);
      // Wait until the fan-out holds both before the second client connects, so its snapshot has
      // them.
      publisher.publish(b1, c1);
      assertThat(nextTrendOf(all, "sub_"), equalTo(b1));
      assertThat(nextTrendOf(all, "sub_"), equalTo(c1));
      try (WsClient onlyB = WsClient.connect(ws)) {
        onlyB.nextOfType("snapshot", WAIT);
        onlyB.send("{\"type\":\"subscribe\",\"dimensions\":[\"sub_b\"]}");
        JsonNode filtered = onlyB.nextOfType("snapshot", WAIT);
        assertThat(dimensionsOf(filtered), equalTo(List.of("sub_b")));

        Trend c2 = TrendFixtures.trend("sub_c", 1_000_000_610L, 0, "c2");
        Trend b2 = TrendFixtures.trend("sub_b", 1_000_000_610L, 0, "b2");
        publisher.publish(c2, b2);
        assertThat(nextTrendOf(all, "sub_"), equalTo(c2));
        assertThat(nextTrendOf(all, "sub_"), equalTo(b2));
        assertThat(trendOf(onlyB.next(WAIT)), equalTo(b2)); // c2 skipped

        onlyB.send("not json");
        assertThat(onlyB.next(WAIT).get("type").asText(), equalTo("error"));
      }
    }
  }

  /**
   * The next trend whose dimension starts with {@code prefix}, skipping other tests' stragglers.
   */
  private static Trend nextTrendOf(WsClient client, String prefix) throws Exception {
    while (true) {
      JsonNode m = client.next(WAIT);
      if (m.get("type").asText().equals("trend")
          && m.get("trend").get("dimension").asText().startsWith(prefix)) {
        return trendOf(m);
      }
    }
  }

  @Test
  public void aClientThatStopsReadingDoesNotDelayTheOthers() throws Exception {
    long droppedBefore = (long) server.metrics().dropped.get();
    try (WsClient stalled = WsClient.connect(ws, null, false);
        WsClient fast1 = WsClient.connect(ws);
        WsClient fast2 = WsClient.connect(ws)) {
      fast1.nextOfType("snapshot", WAIT);
      fast2.nextOfType("snapshot", WAIT);
      // ~16 MB in 400 trends of ~40 kB: far more than the socket buffers of the stalled client hold
      String big = "k".repeat(4000);
      int n = 400;
      List<Trend> burst = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String[] keys = new String[10];
        for (int k = 0; k < 10; k++) {
          keys[k] = big + i + "-" + k;
        }
        burst.add(TrendFixtures.trend("bulk", 1_000_000_000L + 10L * i, 0, keys));
      }
      long t0 = System.nanoTime();
      publisher.publish(burst.toArray(new Trend[0]));
      Trend last = burst.get(n - 1);
      for (WsClient c : List.of(fast1, fast2)) {
        Instant previousEnd = Instant.EPOCH;
        Trend got;
        do {
          got = nextTrendOf(c, "bulk");
          assertThat("in order", got.getWindowEnd().isAfter(previousEnd), equalTo(true));
          previousEnd = got.getWindowEnd();
        } while (!got.equals(last));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "fast clients received the last of %d trends (%.1f MB) %.2f s after the burst began, "
              + "beside a stalled client; dropped (all clients, drop-oldest): %d%n",
          n, n * 40_000 / 1e6, seconds, (long) server.metrics().dropped.get() - droppedBefore);
      assertThat(seconds, lessThan(5.0));
      assertThat((long) server.metrics().dropped.get() - droppedBefore, greaterThan(0L));

      // The stalled client's send has not completed for the stall timeout (3 s): the next broadcast
      // disconnects it. Fast clients keep getting each trend meanwhile.
      long disconnectedBefore = (long) server.metrics().disconnectedSlow.get();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      int i = 0;
      while ((long) server.metrics().disconnectedSlow.get() == disconnectedBefore) {
        assertThat(
            "stalled client disconnected within 15 s", System.nanoTime() < deadline, equalTo(true));
        Trend tick = TrendFixtures.trend("tick", 1_000_000_000L + 10L * i++, 0, "t");
        publisher.publish(tick);
        for (WsClient c : List.of(fast1, fast2)) {
          Trend got;
          do {
            got = trendOf(c.nextOfType("trend", WAIT));
          } while (!got.equals(tick));
        }
      }
      System.out.println("stalled client disconnected after " + i + " further trends");
      assertThat((long) server.metrics().disconnectedSlow.get(), equalTo(disconnectedBefore + 1));
    }
  }

  @Test
  public void broadcastLatencyStaysWellUnderASecond() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int c = 0; c < 5; c++) {
        WsClient client = WsClient.connect(ws);
        client.nextOfType("snapshot", WAIT);
        clients.add(client);
      }
      long[] nanos = new long[50];
      for (int i = 0; i < nanos.length; i++) {
        Trend t = TrendFixtures.trend("latency", 1_000_000_000L + 10L * i, 0, "a", "b", "c");
        long t0 = System.nanoTime();
        publisher.publish(t);
        for (WsClient c : clients) {
          Trend got;
          do {
            got = trendOf(c.nextOfType("trend", WAIT));
          } while (!got.equals(t));
        }
        nanos[i] = System.nanoTime() - t0;
      }
      java.util.Arrays.sort(nanos);
      System.out.printf(
          "publish (with confirm) -> received by all 5 WebSocket clients: p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
          nanos[25] / 1e6, nanos[47] / 1e6, nanos[49] / 1e6);
      assertThat(nanos[49], lessThan(Duration.ofSeconds(1).toNanos()));
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  public void theOriginCheckRefusesOtherSites() throws Exception {
    UpgradeException e =
        assertThrows(
            UpgradeException.class, () -> WsClient.connect(ws, "http://evil.example", true));
    assertThat(e.getResponseStatusCode(), equalTo(403));
    try (WsClient own = WsClient.connect(ws, "http://127.0.0.1:" + server.port(), true)) {
      assertThat(own.next(WAIT).get("type").asText(), equalTo("snapshot"));
    }
  }

  @Test
  public void healthAndMetrics() throws Exception {
    publisher.publish(TrendFixtures.trend("health_d", 1_000_000_600L, 0, "h"));
    try (WsClient c = WsClient.connect(ws)) {
      c.nextOfType("snapshot", WAIT);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(server.uri().resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode(), equalTo(200));
      JsonNode h = MAPPER.readTree(health.body());
      assertThat(h.get("brokerConnected").asBoolean(), equalTo(true));
      assertThat(h.get("clients").asInt(), greaterThan(0));
      assertThat(h.get("lastUpdateAgeSeconds").isNumber(), equalTo(true));

      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(server.uri().resolve("/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(
          metrics.headers().firstValue("content-type").orElse(""), containsString("text/plain"));
      for (String name :
          List.of(
              "clicktrends_fanout_messages_in_total",
              "clicktrends_fanout_messages_out_total",
              "clicktrends_fanout_clients ",
              "clicktrends_fanout_dropped_messages_total",
              "clicktrends_fanout_broadcast_latency_seconds_count")) {
        assertThat(metrics.body(), containsString(name));
      }
      assertThat(metrics.body(), not(containsString("guest")));

      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(server.uri()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.body(), containsString("<script src=\"app.js\""));
      assertThat(
          page.headers().firstValue("content-security-policy").orElse(""),
          containsString("script-src 'self'"));
      assertThat(
          http.send(
                  HttpRequest.newBuilder(server.uri().resolve("/nope")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          equalTo(404));
    }
  }
}
