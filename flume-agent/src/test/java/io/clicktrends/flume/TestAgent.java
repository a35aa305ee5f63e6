package io.clicktrends.flume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clicktrends.flume.agent.FlumeAgent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;
import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;

/**
 * A real agent from the production configuration on loopback free ports and temp dirs, plus client
 * helpers.
 */
final class TestAgent extends ExternalResource {
  static final ObjectMapper JSON = new ObjectMapper();
  private final TemporaryFolder tmp = new TemporaryFolder();
  private final HttpClient http = HttpClient.newHttpClient();
  FlumeAgent agent;
  Path logDir;
  long startMillis;
  private final int sinkTimeoutSeconds;
  private final Map<String, String> overrides;
  private boolean monitored;

  /**
   * The production sink timeout (120 s): an unacked batch does not come back on its own during a
   * test.
   */
  TestAgent() {
    this(120);
  }

  /** A short sink timeout, for tests that must see what happens once it passes. */
  TestAgent(int sinkTimeoutSeconds) {
    this(sinkTimeoutSeconds, Map.of());
  }

  /**
   * The production configuration with some properties set otherwise (e.g. a short TAILDIR
   * idleTimeout).
   */
  TestAgent(int sinkTimeoutSeconds, Map<String, String> overrides) {
    this.sinkTimeoutSeconds = sinkTimeoutSeconds;
    this.overrides = Map.copyOf(overrides);
  }

  /** With Flume's HTTP monitoring on a free port ({@code agent.monitoringEndpoint()}). */
  TestAgent monitored() {
    this.monitored = true;
    return this;
  }

  @Override
  protected void before() throws Throwable {
    tmp.create();
    logDir = tmp.newFolder("weblogs").toPath();
    long t0 = System.nanoTime();
    FlumeAgent.Builder builder = FlumeAgent.builder();
    if (!overrides.isEmpty()) {
      // Properties.load keeps the last value of a key: appended lines override the shipped ones.
      StringBuilder config = new StringBuilder();
      try (InputStream in =
          FlumeAgent.class.getResourceAsStream(FlumeAgent.DEFAULT_CONFIG_RESOURCE)) {
        config.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      }
      overrides.forEach((k, v) -> config.append(k).append(" = ").append(v).append('\n'));
      Path file = tmp.newFile("agent-template.properties").toPath();
      Files.writeString(file, config);
      builder.configFile(file);
    }
    agent =
        builder
            .dataDir(tmp.newFolder("flume").toPath())
            .bind("127.0.0.1")
            .freePorts()
            .accessLogs(logDir + "/access.*\\.log")
            .sinkTimeoutSeconds(sinkTimeoutSeconds)
            .monitoringPort(monitored ? FlumeAgent.freePort() : 0)
            .build()
            .start(Duration.ofSeconds(60));
    startMillis = (System.nanoTime() - t0) / 1_000_000;
  }

  @Override
  protected void after() {
    if (agent != null) {
      agent.stop();
    }
    tmp.delete();
  }

  static String click(String id, String type, String key) {
    String field =
        switch (type) {
          case "search" -> "query";
          case "category_view" -> "category";
          default -> "productId";
        };
    return "{\"eventId\":\""
        + id
        + "\",\"eventTime\":"
        + System.currentTimeMillis()
        + ",\"type\":\""
        + type
        + "\",\"sessionId\":\"s-"
        + id
        + "\",\""
        + field
        + "\":\""
        + key
        + "\"}";
  }

  void sendRpc(List<byte[]> bodies) throws EventDeliveryException {
    RpcClient client = RpcClientFactory.getDefaultInstance("127.0.0.1", agent.avroPort(), 100);
    try {
      List<Event> events = new ArrayList<>();
      for (byte[] b : bodies) {
        events.add(EventBuilder.withBody(b));
      }
      client.appendBatch(events);
    } finally {
      client.close();
    }
  }

  HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return post(body.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<String> post(byte[] body) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(agent.httpEndpoint()))
            .header("Content-Type", "text/plain;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** Every dead-letter JSON line written so far. */
  List<JsonNode> deadLetters() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(agent.deadLetterDir())) {
      for (Path f : files.toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line));
          }
        }
      }
    }
    return out;
  }

  /**
   * Polls {@code condition} until true or the deadline (a condition, not a sleep, is what we wait
   * for).
   */
  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
