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

  static Trend trend(String dimension, long windowEndSeconds, long paneIndex, String... keysByRank) {
    Instant end = Instant.ofEpochSecond(windowEndSeconds);
    List<TrendItem> items = new ArrayList<>();
    long count = 10L * keysByRank.length;
    for (String k : keysByRank) {
      items.add(new TrendItem(k, count));
      count -= 10;
    }
    return Trend.newBuilder().setDimension(dimension).setWindowStart(end.minusSeconds(600)).setWindowEnd(end)
        .setTotal(items.stream().mapToLong(TrendItem::getCount).sum()).setItems(items)
        .setTiming(paneIndex == 0 ? "ON_TIME" : "LATE").setPaneIndex(paneIndex).setEmittedAt(Instant.now()).build();
  }

  void publish(Trend... trends) throws Exception {
    for (Trend t : trends) {
      AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
          .deliveryMode(2).messageId(TrendJson.messageId(t)).build();
      channel.basicPublish(exchange, "trend." + t.getDimension(), props,
          TrendJson.toJson(t).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(10_000);
  }

  void deleteExchange() throws Exception {
    channel.exchangeDelete(exchange);
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
