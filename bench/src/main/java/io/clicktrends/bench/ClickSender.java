package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flume.Event;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;

/**
 * Sends one batch of clicks to a Flume agent and returns only once the agent has accepted all of it
 * (the batch is committed to its channels); throws if it did not. One instance per sender thread:
 * neither Flume's {@code RpcClient} nor the pacing wants sharing.
 */
interface ClickSender extends AutoCloseable {
  /** Sends the batch; returns normally only when the agent acknowledged every event of it. */
  void send(List<ClickEvent> batch) throws Exception;

  @Override
  void close();

  /**
   * {@code avro}: Flume's RpcClient to the Avro source; {@code http}: JSON arrays POSTed to the
   * HTTP source.
   */
  static ClickSender open(String via, String host, int avroPort, int httpPort, int batchSize) {
    return switch (via) {
      case "avro" -> new AvroRpc(host, avroPort, batchSize);
      case "http" -> new HttpJson(host, httpPort);
      default -> throw new IllegalArgumentException("--via=" + via + " must be avro or http");
    };
  }

  /**
   * Flume's own RpcClient to the Avro source, one JSON click per Flume event body (as servers send
   * them).
   */
  final class AvroRpc implements ClickSender {
    private final RpcClient client;

    AvroRpc(String host, int port, int batchSize) {
      client = RpcClientFactory.getDefaultInstance(host, port, batchSize);
    }

    @Override
    public void send(List<ClickEvent> batch) throws Exception {
      List<Event> events = new ArrayList<>(batch.size());
      for (ClickEvent e : batch) {
        events.add(EventBuilder.withBody(ClickEventJson.toJson(e), StandardCharsets.UTF_8));
      }
      client.appendBatch(events); // EventDeliveryException if the source did not commit the batch
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /**
   * The HTTP source as the browser tracker uses it: one JSON array per POST, accepted on a 2xx
   * answer.
   */
  final class HttpJson implements ClickSender {
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    HttpJson(String host, int port) {
      endpoint = URI.create("http://" + host + ":" + port + "/");
    }

    @Override
    public void send(List<ClickEvent> batch) throws Exception {
      StringBuilder body = new StringBuilder(batch.size() * 200).append('[');
      for (int i = 0; i < batch.size(); i++) {
        body.append(i == 0 ? "" : ",").append(ClickEventJson.toJson(batch.get(i)));
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("HTTP source answered " + r.statusCode() + ": " + r.body());
      }
    }

    @Override
    public void close() {}
  }
}
