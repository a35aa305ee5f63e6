package io.clicktrends.io.rabbitmq;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.clicktrends.broker.EmbeddedAmqpBroker;
import java.time.Duration;
import org.junit.Test;

/**
 * A broker restart: the publisher fails the batch in flight (the runner would retry it) and
 * publishes again once its connection recovered. Runs on the embedded broker, because restarting
 * the machine's shared RabbitMQ would disturb everyone else using it.
 */
public class TrendPublisherRecoveryTest {

  @Test
  public void publishesAgainAfterABrokerRestart() throws Exception {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start();
    int port = broker.port();
    SinkConfig config = new SinkConfig(broker.uri(), "clicktrends.trends", true, true, Duration.ofSeconds(5));
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

  private static void publishOne(TrendPublisher publisher, int i) throws Exception {
    publisher.startBatch();
    publisher.publish(Trends.trend("search", 1_396_437_600L + i, 0, "k"));
    publisher.awaitConfirms();
  }

  private static Connection connect(String uri) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(uri);
    return f.newConnection();
  }

  private static void bindQueue(String uri) throws Exception {
    try (Connection c = connect(uri); Channel ch = c.createChannel()) {
      ch.exchangeDeclare("clicktrends.trends", "topic", true);
      ch.queueDeclare("recovery-test", true, false, false, null);
      ch.queueBind("recovery-test", "clicktrends.trends", "trend.#");
    }
  }

  private static long countMessages(String uri) throws Exception {
    try (Connection c = connect(uri); Channel ch = c.createChannel()) {
      return ch.messageCount("recovery-test");
    }
  }

  private static void awaitPortAnswers(String uri) throws Exception {
    try (Connection c = connect(uri)) {
      // connecting proves the broker is up; the publisher's own connection recovers independently
    }
  }
}
