package io.clicktrends.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the pipeline's trends from a private queue: an exclusive, auto-delete, server-named queue
 * bound with {@code trend.#} to the run's own exchange (declared here as the pipeline declares it:
 * durable topic), so parallel runs on the same broker never see each other's trends. Must be opened
 * before the pipeline publishes.
 *
 * <p>For each (dimension, windowEnd) it keeps the trend with the highest pane index, and the
 * arrival time (this JVM's wall clock, epoch millis) of the window's first ON_TIME trend.
 * Thread-safe.
 */
final class TrendCollector implements AutoCloseable {
  /** A window's first ON_TIME trend and when it arrived. */
  record OnTime(String dimension, long windowEndMillis, long arrivedMillis) {
    long latencyMillis() {
      return arrivedMillis - windowEndMillis;
    }
  }

  private final Connection connection;
  private final Channel channel;
  private final String exchange;
  private final Map<String, Trend> latest = new ConcurrentHashMap<>();
  private final Map<String, OnTime> onTime = new ConcurrentHashMap<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong risingReceived = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();

  /**
   * Connects and binds the queue.
   *
   * @throws java.io.IOException if the broker refuses the connection, exchange or queue
   */
  TrendCollector(String amqpUri, String exchange) throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setUri(amqpUri);
    this.exchange = exchange;
    this.connection = cf.newConnection("clicktrends-live-bench");
    this.channel = connection.createChannel();
    channel.exchangeDeclare(exchange, "topic", true);
    String queue = channel.queueDeclare("", false, true, true, null).getQueue();
    channel.queueBind(queue, exchange, "trend.#");
    channel.basicConsume(
        queue,
        true,
        (tag, delivery) -> {
          long now = System.currentTimeMillis();
          Trend t;
          try {
            t = TrendJson.fromJson(new String(delivery.getBody(), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            unreadable.incrementAndGet();
            return;
          }
          received.incrementAndGet();
          if (TrendJson.isRising(t)) {
            // rising trends (trend.<dimension>.rising) are counted; the window checks and latencies
            // use count trends
            risingReceived.incrementAndGet();
            return;
          }
          String key = key(t.getDimension(), t.getWindowEnd().toEpochMilli());
          latest.merge(key, t, (old, neu) -> neu.getPaneIndex() >= old.getPaneIndex() ? neu : old);
          if ("ON_TIME".equals(t.getTiming())) {
            onTime.putIfAbsent(
                key, new OnTime(t.getDimension(), t.getWindowEnd().toEpochMilli(), now));
          }
        },
        tag -> {});
  }

  static String key(String dimension, long windowEndMillis) {
    return dimension + "/" + windowEndMillis;
  }

  /** The trend with the highest pane index received for the window, or null. */
  Trend latest(String dimension, long windowEndMillis) {
    return latest.get(key(dimension, windowEndMillis));
  }

  /** Every window's first ON_TIME arrival so far. */
  List<OnTime> onTime() {
    return new ArrayList<>(onTime.values());
  }

  /** Every window's latest trend so far. */
  List<Trend> latestTrends() {
    return new ArrayList<>(latest.values());
  }

  /** Every trend received, count and rising trends. */
  long received() {
    return received.get();
  }

  /** The rising trends among {@link #received()}. */
  long risingReceived() {
    return risingReceived.get();
  }

  /** Messages that were not Trend JSON (should be 0). */
  long unreadable() {
    return unreadable.get();
  }

  /** Closes the connection (the queue goes with it) and deletes the run's exchange. */
  @Override
  public void close() {
    try {
      channel.exchangeDelete(exchange);
    } catch (Exception e) {
      System.err.println("live: could not delete exchange " + exchange + ": " + e);
    }
    try {
      connection.close();
    } catch (Exception e) {
      System.err.println("live: closing the AMQP connection: " + e);
    }
  }
}
