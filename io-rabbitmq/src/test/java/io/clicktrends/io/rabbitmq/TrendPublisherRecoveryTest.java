package io.clicktrends.io.rabbitmq;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.clicktrends.broker.EmbeddedAmqpBroker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A broker restart: the publisher fails the batch in flight and publishes again once its connection
 * recovered; the sink's DoFn retries the bundle itself until then. Runs on the embedded broker,
 * because restarting the machine's shared RabbitMQ would disturb everyone else using it.
 */
public class TrendPublisherRecoveryTest {

  @Test
  public void publishesAgainAfterABrokerRestart() throws Exception {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start();
    int port = broker.port();
    SinkConfig config =
        new SinkConfig(
            broker.uri(), "clicktrends.trends", true, true, Duration.ofSeconds(5), Duration.ZERO);
    try (TrendPublisher publisher = new TrendPublisher(config)) {
      bindQueue(broker.uri());
      publishOne(publisher, 0);

      broker.close();
      broker = EmbeddedAmqpBroker.start("127.0.0.1", port);
      bindQueue(broker.uri()); // memory store: the restarted broker has no queue

      // Retry batches as a runner would, until one is confirmed, within a deadline.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int failures = 0;
      while (true) {
        try {
          publishOne(publisher, 1);
          break;
        } catch (Exception e) {
          failures++;
          if (System.nanoTime() > deadline) {
            throw new AssertionError("publisher did not recover within 20 s", e);
          }
          // the client reconnects on its own 1 s schedule; wait for that, not for a fixed time
          awaitPortAnswers(broker.uri());
        }
      }
      System.out.println("recovered after " + failures + " failed batch(es)");
      assertThat(countMessages(broker.uri()), equalTo(1L));
    } finally {
      broker.close();
    }
  }

  @Test
  public void aBundleKeepsRetryingThroughABrokerRestart() throws Exception {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start();
    int port = broker.port();
    // mandatory: a retry that reaches the restarted broker before the queue is bound comes back and
    // is retried
    SinkConfig config =
        new SinkConfig(
            broker.uri(),
            "clicktrends.trends",
            true,
            true,
            Duration.ofSeconds(5),
            Duration.ofSeconds(60));
    RabbitMqTrendIO.PublishFn fn = new RabbitMqTrendIO.PublishFn(config);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    fn.setup();
    try {
      fn.startBundle();
      broker
          .close(); // gone before the bundle's trend is published: on the DirectRunner this failed
      // the pipeline
      fn.processElement(Trends.trend("search", 1_396_437_600L, 0, "k"));
      Future<?> finishing =
          runner.submit(
              () -> {
                fn.finishBundle();
                return null;
              });
      broker = EmbeddedAmqpBroker.start("127.0.0.1", port);
      bindQueue(broker.uri());
      finishing.get(60, TimeUnit.SECONDS); // an ExecutionException if the bundle gave up
      assertThat(countMessages(broker.uri()), greaterThanOrEqualTo(1L));
    } finally {
      fn.teardown();
      runner.shutdownNow();
      broker.close();
    }
  }

  private static void publishOne(TrendPublisher publisher, int i) throws Exception {
    publisher.startBatch();
    publisher.publish(Trends.trend("search", 1_396_437_600L + i, 0, "k"));
    publisher.finishBatch(); // retryFor zero: one attempt
  }

  private static Connection connect(String uri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    return f.newConnection();
  }

  private static void bindQueue(String uri) throws Exception {
    try (Connection c = connect(uri);
        Channel ch = c.createChannel()) {
      ch.exchangeDeclare("clicktrends.trends", "topic", true);
      ch.queueDeclare("recovery-test", true, false, false, null);
      ch.queueBind("recovery-test", "clicktrends.trends", "trend.#");
    }
  }

  private static long countMessages(String uri) throws Exception {
    try (Connection c = connect(uri);
        Channel ch = c.createChannel()) {
      return ch.messageCount("recovery-test");
    }
  }

  private static void awaitPortAnswers(String uri) throws Exception {
    try (Connection c = connect(uri)) {
      // connecting proves the broker is up; the publisher's own connection recovers independently
    }
  }
}
