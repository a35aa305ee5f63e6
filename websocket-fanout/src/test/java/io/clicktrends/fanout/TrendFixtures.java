package io.clicktrends.fanout;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import io.clicktrends.schema.TrendJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Trends and a confirming publisher (as the pipeline's sink publishes them). */
final class TrendFixtures implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;
  private final String exchange;

  TrendFixtures(String uri, String exchange) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    connection = f.newConnection("test-publisher");
    channel = connection.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    channel.confirmSelect();
    this.exchange = exchange;
  }

  static Trend trend(
      String dimension, long windowEndSeconds, long paneIndex, String... keysByRank) {
    return trend(dimension, Instant.ofEpochSecond(windowEndSeconds), paneIndex, keysByRank);
  }

  static Trend trend(String dimension, Instant end, long paneIndex, String... keysByRank) {
    List<TrendItem> items = new ArrayList<>();
    long count = 10L * keysByRank.length;
    for (String k : keysByRank) {
      items.add(new TrendItem(k, count));
      count -= 10;
    }
    return Trend.newBuilder()
        .setDimension(dimension)
        .setWindowStart(end.minusSeconds(600))
        .setWindowEnd(end)
        .setTotal(items.stream().mapToLong(TrendItem::getCount).sum())
        .setItems(items)
        .setTiming(paneIndex == 0 ? "ON_TIME" : "LATE")
        .setPaneIndex(paneIndex)
        .setEmittedAt(Instant.now())
        .build();
  }

  void publish(Trend... trends) throws Exception {
    for (Trend t : trends) {
      AMQP.BasicProperties props =
          new AMQP.BasicProperties.Builder()
              .contentType("application/json")
              .deliveryMode(2)
              .messageId(TrendJson.messageId(t))
              .build();
      channel.basicPublish(
          exchange,
          "trend." + t.getDimension(),
          props,
          TrendJson.toJson(t).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(10_000);
  }

  /**
   * Publishes {@code json} as the pipeline would, with routing key {@code trend.<routingSuffix>}.
   */
  void publishJson(String routingSuffix, String messageId, String json) throws Exception {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .messageId(messageId)
            .build();
    channel.basicPublish(
        exchange, "trend." + routingSuffix, props, json.getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(10_000);
  }

  /**
   * A rising trend as the pipeline publishes it: the Trend JSON with {@code "kind":"rising"} and
   * items carrying {@code previous} and {@code score}; {@code keysAndCounts} alternates key, count,
   * previous.
   */
  static String risingJson(String dimension, Instant windowEnd, Object... keysCountsPrevious) {
    com.fasterxml.jackson.databind.node.ObjectNode n =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    n.put("dimension", dimension);
    n.put("kind", "rising");
    n.put("windowStart", windowEnd.minusSeconds(600).toString());
    n.put("windowEnd", windowEnd.toString());
    com.fasterxml.jackson.databind.node.ArrayNode items = n.putArray("items");
    long total = 0;
    for (int i = 0; i < keysCountsPrevious.length; i += 3) {
      long c = ((Number) keysCountsPrevious[i + 1]).longValue();
      long b = ((Number) keysCountsPrevious[i + 2]).longValue();
      total += c;
      items
          .addObject()
          .put("key", (String) keysCountsPrevious[i])
          .put("count", c)
          .put("previous", b)
          .put("score", (c - b) / Math.sqrt(c + b));
    }
    n.put("total", total);
    n.put("timing", "ON_TIME");
    n.put("paneIndex", 0);
    n.put("emittedAt", Instant.now().toString());
    return n.toString();
  }

  /**
   * Publishes a rising trend (see {@link #risingJson}) with routing key {@code
   * trend.<dimension>.rising}.
   */
  void publishRising(String dimension, Instant windowEnd, Object... keysCountsPrevious)
      throws Exception {
    publishJson(
        dimension + ".rising",
        dimension + "/" + windowEnd.toEpochMilli() + "/rising/ON_TIME/0",
        risingJson(dimension, windowEnd, keysCountsPrevious));
  }

  void deleteExchange() throws Exception {
    channel.exchangeDelete(exchange);
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
