package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.broker.EmbeddedAmqpBroker;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.net.URI;
import java.time.Duration;
import org.junit.Test;

/**
 * A real broker restart (the embedded broker stopped and started on the same port; the machine's
 * shared RabbitMQ is never restarted): the service reconnects, re-declares its queue, and trends
 * published afterwards reach a browser that stayed connected.
 */
public class FanoutBrokerRestartTest {

  @Test
  public void trendsFlowAgainAfterTheBrokerRestarts() throws Exception {
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start();
    int port = broker.port();
    try (FanoutServer server =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri(broker.uri())
                .build())) {
      assertThat(server.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
      try (WsClient client =
          WsClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))) {
        client.nextOfType("snapshot", Duration.ofSeconds(5));
        try (TrendFixtures before = new TrendFixtures(broker.uri(), "clicktrends.trends")) {
          Trend t0 = TrendFixtures.trend("restart", 1_000_000_000L, 0, "a");
          before.publish(t0);
          assertThat(
              TrendJson.fromJson(
                  client.nextOfType("trend", Duration.ofSeconds(5)).get("trend").toString()),
              equalTo(t0));
        } catch (Exception ignoredOnClose) {
          // closing the publisher may race the restart below; it published already
        }

        broker.close();
        broker = EmbeddedAmqpBroker.start("127.0.0.1", port);
        long restarted = System.nanoTime();

        // Until the service has re-declared its queue, published trends route nowhere; publish a
        // newer
        // window on each poll until one arrives, within a deadline.
        try (TrendFixtures after = new TrendFixtures(broker.uri(), "clicktrends.trends")) {
          long deadline = restarted + Duration.ofSeconds(20).toNanos();
          for (int i = 1; ; i++) {
            assertThat(
                "trends flow again within 20 s of the restart",
                System.nanoTime() < deadline,
                equalTo(true));
            after.publish(TrendFixtures.trend("restart", 1_000_000_000L + 10L * i, 0, "b"));
            try {
              client.nextOfType("trend", Duration.ofMillis(500));
              break;
            } catch (AssertionError notYet) {
              // the service is still reconnecting
            }
          }
        }
        System.out.printf(
            "trends reached the browser again %.2f s after the broker restarted%n",
            (System.nanoTime() - restarted) / 1e9);
        assertThat(server.isBrokerConnected(), equalTo(true));
        assertThat((long) server.metrics().brokerRecoveries.get(), equalTo(1L));
      }
    } finally {
      broker.close();
    }
  }
}
