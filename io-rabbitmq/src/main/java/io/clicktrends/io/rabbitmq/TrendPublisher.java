package io.clicktrends.io.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.clicktrends.schema.AmqpDefaults;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes trends in batches with publisher confirms: {@link #publish} sends (and keeps the
 * trend), {@link #finishBatch} returns only when the broker confirmed every message of the batch.
 * An attempt fails on a nack, a return (when unroutable messages must fail), a channel closed by
 * the broker, a lost connection or a confirm timeout; then the whole batch is sent again on a fresh
 * channel every 1 to 5 s until {@code retryFor} has passed (a broker restart), and only then {@link
 * TrendPublishException} is thrown. Plain Java, so the Beam DoFn stays a thin wrapper and this part
 * is testable on its own. One publisher per thread (a DoFn instance is).
 */
final class TrendPublisher implements AutoCloseable {
  static final String CONTENT_TYPE = "application/json";
  private static final Logger LOG = LoggerFactory.getLogger(TrendPublisher.class);
  private static final long FIRST_BACKOFF_MILLIS = 1_000;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final SinkConfig config;
  private final Object lock = new Object();

  /** Sequence number -> message id, of messages sent and not yet confirmed. Guarded by lock. */
  private final NavigableMap<Long, String> outstanding = new TreeMap<>();

  /** Why the current attempt failed, or null. Guarded by lock. */
  private String failure;

  /** The batch's trends, to send again after a failed attempt. */
  private final List<Trend> batch = new ArrayList<>();

  private Connection connection;
  private Channel channel;
  private volatile boolean closing;

  TrendPublisher(SinkConfig config) {
    this.config = config;
  }

  /**
   * Starts a batch: forgets the previous one. Never throws: a failure is retried in finishBatch.
   */
  void startBatch() {
    batch.clear();
    startAttempt();
  }

  /** Makes sure a confirm-mode channel is open; a failure fails this attempt. */
  private void startAttempt() {
    synchronized (lock) {
      outstanding.clear();
      failure = null;
    }
    try {
      if (connection == null) {
        connection = SharedConnections.acquire(config.uri);
      }
      // A channel closed by a broker error (e.g. 404 exchange) is not recovered automatically.
      if (channel == null || !channel.isOpen()) {
        channel = openChannel();
      }
    } catch (IOException | RuntimeException e) {
      failAttempt(e);
    }
  }

  /** Adds a trend to the batch and sends it, unless this attempt has already failed. */
  void publish(Trend trend) {
    batch.add(trend);
    send(trend);
  }

  private void send(Trend trend) {
    synchronized (lock) {
      if (failure != null) {
        return; // the attempt is lost anyway: finishBatch sends the whole batch again
      }
    }
    try {
      basicPublish(trend);
    } catch (IOException | RuntimeException e) {
      failAttempt(e);
    }
  }

  private void basicPublish(Trend trend) throws IOException {
    String messageId = TrendJson.messageId(trend);
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType(CONTENT_TYPE)
            .contentEncoding("utf-8")
            .deliveryMode(2) // persistent
            .messageId(messageId)
            .type("trend")
            .timestamp(Date.from(trend.getEmittedAt()))
            .headers(Map.of("dimension", trend.getDimension()))
            .build();
    byte[] body = TrendJson.toJson(trend).getBytes(StandardCharsets.UTF_8);
    synchronized (lock) {
      outstanding.put(channel.getNextPublishSeqNo(), messageId);
    }
    channel.basicPublish(config.exchange, routingKey(trend), config.failOnUnroutable, props, body);
  }

  /**
   * {@code trend.<dimension>} for a count trend, {@code trend.<dimension>.rising} for a rising
   * trend.
   */
  static String routingKey(Trend trend) {
    return "trend." + trend.getDimension() + (TrendJson.isRising(trend) ? ".rising" : "");
  }

  /**
   * Blocks until every message of the batch is confirmed, sending the batch again after a failed
   * attempt until {@code retryFor} has passed; then throws the last attempt's failure.
   */
  void finishBatch() throws TrendPublishException, InterruptedException {
    long deadline = System.nanoTime() + config.retryFor.toNanos();
    long backoff = FIRST_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        awaitConfirms();
        if (attempt > 1) {
          LOG.info(
              "RabbitMqTrendIO: {} trend(s) confirmed by {} on attempt {}",
              batch.size(),
              AmqpDefaults.mask(config.uri),
              attempt);
        }
        return;
      } catch (TrendPublishException e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) > deadline) {
          throw e;
        }
        LOG.warn(
            "RabbitMqTrendIO: publishing {} trend(s) to exchange {} at {} failed ({}); attempt {} in {} ms",
            batch.size(),
            config.exchange,
            AmqpDefaults.mask(config.uri),
            e.getMessage(),
            attempt + 1,
            backoff);
      }
      Thread.sleep(backoff); // a pause between attempts, not a wait for an event
      backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      startAttempt();
      for (Trend t : batch) {
        send(t);
      }
    }
  }

  /** Blocks until every message of this attempt is confirmed; throws if any is not. */
  private void awaitConfirms() throws TrendPublishException {
    long deadline = System.nanoTime() + config.confirmTimeout.toNanos();
    synchronized (lock) {
      while (failure == null && !outstanding.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TrendPublishException(
              "no publisher confirm within "
                  + config.confirmTimeout
                  + " for "
                  + outstanding.size()
                  + " message(s), first "
                  + outstanding.firstEntry().getValue()
                  + " (exchange "
                  + config.exchange
                  + ")");
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TrendPublishException("interrupted waiting for publisher confirms");
        }
      }
      if (failure != null) {
        throw new TrendPublishException(failure);
      }
    }
  }

  private Channel openChannel() throws IOException {
    Channel ch = connection.createChannel();
    ch.confirmSelect();
    ch.addConfirmListener(
        new ConfirmListener() {
          @Override
          public void handleAck(long seq, boolean multiple) {
            confirmed(seq, multiple, null);
          }

          @Override
          public void handleNack(long seq, boolean multiple) {
            confirmed(seq, multiple, "broker nacked");
          }
        });
    // Only sent for mandatory publishes, i.e. when failOnUnroutable is set.
    ch.addReturnListener(
        r ->
            fail(
                "message "
                    + r.getProperties().getMessageId()
                    + " returned as unroutable by exchange "
                    + r.getExchange()
                    + " ("
                    + r.getReplyCode()
                    + " "
                    + r.getReplyText()
                    + "): no queue is bound for routing key "
                    + r.getRoutingKey()));
    ch.addShutdownListener(
        cause -> {
          if (!closing) {
            fail("channel closed before all messages were confirmed: " + cause.getMessage());
          }
        });
    if (config.declareExchange) {
      ch.exchangeDeclare(config.exchange, BuiltinExchangeType.TOPIC, true);
    }
    return ch;
  }

  private void confirmed(long seq, boolean multiple, String nackReason) {
    synchronized (lock) {
      NavigableMap<Long, String> done =
          multiple ? outstanding.headMap(seq, true) : outstanding.subMap(seq, true, seq, true);
      if (nackReason != null && !done.isEmpty() && failure == null) {
        failure = nackReason + " message(s) " + done.values() + " on exchange " + config.exchange;
      }
      done.clear();
      lock.notifyAll();
    }
  }

  private void failAttempt(Exception e) {
    synchronized (lock) {
      if (failure == null) {
        failure = "publishing to " + AmqpDefaults.mask(config.uri) + " failed: " + e;
      }
      lock.notifyAll();
    }
  }

  private void fail(String reason) {
    synchronized (lock) {
      // a shutdown after a fully confirmed batch loses nothing; the next batch reopens a channel
      if (failure == null && !outstanding.isEmpty()) {
        failure = reason;
      }
      lock.notifyAll();
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      if (channel != null && channel.isOpen()) {
        channel.close();
      }
    } catch (Exception ignored) {
      // broker gone: nothing to release
    }
    if (connection != null) {
      SharedConnections.release(config.uri, connection);
      connection = null;
    }
  }
}
