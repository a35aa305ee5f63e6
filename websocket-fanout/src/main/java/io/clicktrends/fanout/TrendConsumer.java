package io.clicktrends.fanout;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoverableConnection;
import com.rabbitmq.client.RecoveryListener;
import io.clicktrends.schema.AmqpDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes trends from the exchange through this instance's own queue: server-named, exclusive,
 * auto-delete, bound with {@code trend.#}. Every fan-out instance gets every trend, and a stopped
 * instance leaves no queue filling up behind it; nothing is lost that matters, because the next
 * window's trend replaces whatever was missed. Reconnects on its own: the first connection is
 * retried every second until the broker answers; after that the client's automatic recovery
 * reconnects and re-declares the queue (under a new server-assigned name), its binding and the
 * consumer.
 */
final class TrendConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrendConsumer.class);
  private static final String BINDING = "trend.#";

  private final String uri;
  private final String exchange;
  private final Hub hub;
  private final Metrics metrics;
  private final ScheduledExecutorService scheduler;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile Connection connection;
  private volatile boolean closed;

  TrendConsumer(
      String uri, String exchange, Hub hub, Metrics metrics, ScheduledExecutorService scheduler) {
    this.uri = uri;
    this.exchange = exchange;
    this.hub = hub;
    this.metrics = metrics;
    this.scheduler = scheduler;
  }

  void start() {
    scheduler.execute(this::connect);
  }

  boolean isConnected() {
    Connection c = connection;
    return c != null && c.isOpen();
  }

  /** Waits until the queue is bound and consuming (first connection only). */
  boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void connect() {
    if (closed) {
      return;
    }
    Connection c = null;
    try {
      ConnectionFactory f = new ConnectionFactory();
      try {
        f.setUri(uri);
      } catch (Exception e) {
        throw new IllegalArgumentException("invalid --rabbitmqUri " + AmqpDefaults.mask(uri));
      }
      f.setAutomaticRecoveryEnabled(true);
      f.setTopologyRecoveryEnabled(true);
      f.setNetworkRecoveryInterval(1000);
      f.setRequestedHeartbeat(10);
      f.setConnectionTimeout(3000);
      c = f.newConnection("clicktrends-fanout");
      Channel ch = c.createChannel();
      ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
      String queue = ch.queueDeclare().getQueue(); // server-named, exclusive, auto-delete
      ch.queueBind(queue, exchange, BINDING);
      ch.basicQos(256);
      ch.basicConsume(
          queue,
          false,
          (tag, delivery) -> deliver(ch, delivery),
          tag -> {
            LOG.warn("consumer on {} cancelled by the broker", queue);
          });
      listenForRecovery(c);
      connection = c;
      LOG.info(
          "consuming trends from {} exchange {} through queue {} ({})",
          AmqpDefaults.mask(uri),
          exchange,
          queue,
          BINDING);
      ready.countDown();
    } catch (IllegalArgumentException e) { // a bad URI: thrown before any connection exists
      LOG.error(e.getMessage());
    } catch (Exception e) {
      // Connected but the declarations failed (e.g. ACCESS_REFUSED, an exchange of another type):
      // close it, or
      // every retry would leave one more recovering connection behind.
      closeQuietly(c);
      LOG.warn(
          "RabbitMQ at {} not reachable or refused the set-up ({}); retrying in 1 s",
          AmqpDefaults.mask(uri),
          e.toString());
      if (!closed) {
        scheduler.schedule(this::connect, 1, TimeUnit.SECONDS);
      }
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.abort(1000);
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }

  private void listenForRecovery(Connection c) {
    RecoverableConnection rc = (RecoverableConnection) c;
    rc.addRecoveryListener(
        new RecoveryListener() {
          @Override
          public void handleRecoveryStarted(Recoverable r) {
            LOG.warn("lost the connection to RabbitMQ at {}; reconnecting", AmqpDefaults.mask(uri));
          }

          @Override
          public void handleRecovery(Recoverable r) {
            metrics.brokerRecoveries.inc();
            LOG.info(
                "reconnected to RabbitMQ at {}; exchange, queue, binding and consumer re-declared",
                AmqpDefaults.mask(uri));
          }
        });
    if (c instanceof com.rabbitmq.client.impl.recovery.AutorecoveringConnection arc) {
      arc.addQueueRecoveryListener(
          (oldName, newName) ->
              LOG.info("queue re-declared after reconnect: {} -> {}", oldName, newName));
    }
  }

  private void deliver(Channel ch, Delivery d) throws IOException {
    long received = System.nanoTime();
    long receivedAtMillis = System.currentTimeMillis();
    metrics.messagesIn.inc();
    try {
      TrendMessage t = TrendMessage.parse(new String(d.getBody(), StandardCharsets.UTF_8));
      hub.onTrend(t, received, receivedAtMillis);
    } catch (IllegalArgumentException e) {
      metrics.trendsInvalid.inc();
      LOG.warn(
          "ignoring message {} from {}: {}",
          d.getProperties().getMessageId(),
          d.getEnvelope().getRoutingKey(),
          e.getMessage());
    } finally {
      ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // broker gone
      }
    }
  }
}
