package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clicktrends.broker.AmqpBrokerResolver;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * /metrics scraped from a running service after trends went through the real broker, read with a
 * strict parser of the exposition format; /health/live and /health/ready.
 */
public class FanoutMetricsAndHealthTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static AmqpBrokerResolver.ResolvedBroker broker;

  @BeforeClass
  public static void start() throws Exception {
    broker = AmqpBrokerResolver.resolve();
    System.out.println("FanoutMetricsAndHealthTest runs against the " + broker);
  }

  @AfterClass
  public static void stop() throws Exception {
    broker.close();
  }

  private static FanoutConfig config(String exchange) {
    return FanoutConfig.builder()
        .setPort(0)
        .setBindHost("127.0.0.1")
        .setRabbitmqUri(broker.uri())
        .setExchange(exchange)
        .build();
  }

  private static HttpResponse<String> get(FanoutServer s, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(s.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static PrometheusText scrape(FanoutServer s) throws Exception {
    HttpResponse<String> r = get(s, "/metrics");
    assertThat(r.statusCode(), equalTo(200));
    assertThat(
        r.headers().firstValue("content-type").orElse(""),
        containsString("text/plain; version=0.0.4"));
    // kept for people who want to see a scrape
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "metrics-scrape.txt"), r.body());
    return PrometheusText.parse(r.body());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  public void metricsAfterTopAndRisingTrendsThroughTheBroker() throws Exception {
    String exchange = "clicktrends.test.metrics." + UUID.randomUUID();
    try (FanoutServer server = FanoutServer.start(config(exchange));
        TrendFixtures publisher = new TrendFixtures(broker.uri(), exchange)) {
      assertThat(server.awaitBrokerReady(WAIT), equalTo(true));
      try (WsClient client =
          WsClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))) {
        client.nextOfType("snapshot", WAIT);
        // windows that ended 45 s ago: the end-to-end delay is at least that
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 45);
        double before = System.currentTimeMillis() / 1e3;
        publisher.publish(TrendFixtures.trend("m_search", end, 0, "shoes", "hats"));
        publisher.publishRising("m_search", end, "boots", 40, 3);
        publisher.publish(TrendFixtures.trend("m_search", end, 0, "shoes", "hats")); // a duplicate
        publisher.publishJson("m_search", "bad", "{\"not\":\"a trend\"}");
        client.nextOfType("trend", WAIT);
        client.nextOfType("trend", WAIT);
        // the latency is observed when the write completes, which may be after the client has read
        // it
        await(
            "two broadcasts timed",
            () ->
                server.metrics().broadcastLatency.collect().getDataPoints().get(0).getCount() == 2);
        await("four messages in", () -> server.metrics().messagesIn.get() == 4);
        double after = System.currentTimeMillis() / 1e3;

        PrometheusText m = scrape(server);
        assertThat(
            m.value("clicktrends_fanout_messages_in_total", "clicktrends_fanout_messages_in_total"),
            equalTo(4.0));
        assertThat(
            m.value(
                "clicktrends_fanout_trends_accepted_total",
                "clicktrends_fanout_trends_accepted_total"),
            equalTo(2.0));
        assertThat(
            m.value(
                "clicktrends_fanout_trends_ignored_total",
                "clicktrends_fanout_trends_ignored_total"),
            equalTo(1.0));
        assertThat(
            m.value(
                "clicktrends_fanout_trends_invalid_total",
                "clicktrends_fanout_trends_invalid_total"),
            equalTo(1.0));
        assertThat(
            m.value("clicktrends_fanout_clients", "clicktrends_fanout_clients"), equalTo(1.0));
        assertThat(
            m.value("clicktrends_fanout_broker_connected", "clicktrends_fanout_broker_connected"),
            equalTo(1.0));
        for (String name :
            List.of(
                "clicktrends_fanout_messages_out_total",
                "clicktrends_fanout_dropped_messages_total",
                "clicktrends_fanout_clients_disconnected_slow_total",
                "clicktrends_fanout_origin_rejected_total",
                "clicktrends_fanout_broker_recoveries_total",
                "clicktrends_fanout_trends_future_total")) {
          assertThat(m.family(name).type(), equalTo("counter"));
        }
        assertThat(
            m.value(
                "clicktrends_fanout_messages_out_total", "clicktrends_fanout_messages_out_total"),
            greaterThanOrEqualTo(3.0)); // the snapshot and two trends

        String latency = "clicktrends_fanout_broadcast_latency_seconds";
        assertThat(m.family(latency).type(), equalTo("histogram"));
        assertThat(m.value(latency, latency + "_count"), equalTo(2.0));
        assertThat(m.value(latency, latency + "_bucket", "le", "+Inf"), equalTo(2.0));

        String delay = "clicktrends_fanout_end_to_end_delay_seconds";
        assertThat(m.family(delay).type(), equalTo("histogram"));
        for (String kind : List.of("top", "rising")) {
          double count = m.value(delay, delay + "_count", "dimension", "m_search", "kind", kind);
          assertThat(count, equalTo(1.0)); // accepted trends only: not the duplicate
          double sum = m.value(delay, delay + "_sum", "dimension", "m_search", "kind", kind);
          assertThat(sum / count, greaterThanOrEqualTo(before - end.getEpochSecond() - 0.001));
          assertThat(sum / count, lessThanOrEqualTo(after - end.getEpochSecond() + 0.001));
          assertThat(
              m.value(
                  delay, delay + "_bucket", "dimension", "m_search", "kind", kind, "le", "30.0"),
              equalTo(0.0));
          double last =
              m.value(
                  "clicktrends_fanout_last_trend_timestamp_seconds",
                  "clicktrends_fanout_last_trend_timestamp_seconds",
                  "dimension",
                  "m_search",
                  "kind",
                  kind);
          assertThat(last, greaterThanOrEqualTo(before - 0.001));
          assertThat(last, lessThanOrEqualTo(after + 0.001));
        }

        // JVM and process metrics
        assertThat(
            m.value("jvm_memory_used_bytes", "jvm_memory_used_bytes", "area", "heap"),
            greaterThan(0.0));
        assertThat(m.value("jvm_threads_current", "jvm_threads_current"), greaterThan(0.0));
        assertThat(
            m.value("process_cpu_seconds_total", "process_cpu_seconds_total"), greaterThan(0.0));
        assertThat(
            m.value("process_start_time_seconds", "process_start_time_seconds"), greaterThan(0.0));
        assertThat(m.families.keySet(), hasItem("jvm_gc_collection_seconds"));
      }
    }
  }

  @Test
  public void readinessFailsWhenTrendsStopAndLivenessDoesNot() throws Exception {
    String exchange = "clicktrends.test.health." + UUID.randomUUID();
    try (FanoutServer server =
            FanoutServer.start(
                config(exchange).toBuilder().setReadinessStaleAfterSeconds(1).build());
        TrendFixtures publisher = new TrendFixtures(broker.uri(), exchange)) {
      assertThat(server.awaitBrokerReady(WAIT), equalTo(true));
      // connected, no trend yet: ready (a fresh pipeline has nothing to say for a window)
      assertThat(get(server, "/health/ready").statusCode(), equalTo(200));
      publisher.publish(TrendFixtures.trend("h_d", 1_000_000_600L, 0, "a"));
      await("trend arrived", () -> server.metrics().messagesIn.get() == 1);
      // trends stop: within a few polls past --readinessStaleAfter readiness fails, liveness stays
      await("readiness fails", () -> status(server, "/health/ready") == 503);
      JsonNode ready = MAPPER.readTree(get(server, "/health/ready").body());
      assertThat(ready.get("ready").asBoolean(), equalTo(false));
      assertThat(ready.get("brokerConnected").asBoolean(), equalTo(true));
      assertThat(ready.get("reasons").get(0).asText(), containsString("no trend arrived"));
      assertThat(get(server, "/health/live").statusCode(), equalTo(200));
      assertThat("/health is liveness", get(server, "/health").statusCode(), equalTo(200));
      // trends again: ready again
      publisher.publish(TrendFixtures.trend("h_d", 1_000_000_610L, 0, "a"));
      await("ready again", () -> status(server, "/health/ready") == 200);
    }
  }

  @Test
  public void withoutTheBrokerTheServiceIsLiveButNotReady() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (FanoutServer server =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri("amqp://guest:guest@127.0.0.1:" + closedPort)
                .build())) {
      HttpResponse<String> ready = get(server, "/health/ready");
      assertThat(ready.statusCode(), equalTo(503));
      List<String> reasons = new ArrayList<>();
      MAPPER.readTree(ready.body()).get("reasons").forEach(r -> reasons.add(r.asText()));
      assertThat(reasons, equalTo(List.of("not connected to the broker")));
      assertThat(get(server, "/health/live").statusCode(), equalTo(200));
      assertThat(get(server, "/health").statusCode(), equalTo(200));
      assertThat(
          scrape(server)
              .value("clicktrends_fanout_broker_connected", "clicktrends_fanout_broker_connected"),
          equalTo(0.0));
    }
  }

  private static int status(FanoutServer s, String path) {
    try {
      return get(s, path).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
