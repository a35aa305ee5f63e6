package io.clicktrends.broker;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.Assert.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.clicktrends.schema.AmqpDefaults;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.Test;

public class EmbeddedAmqpBrokerTest {

  @Test
  public void rabbitClientPublishesThroughATopicExchangeOnTheEmbeddedBroker() throws Exception {
    try (EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start()) {
      ConnectionFactory f = new ConnectionFactory();
      f.setUri(broker.uri());
      try (Connection c = f.newConnection();
          Channel ch = c.createChannel()) {
        ch.exchangeDeclare("t.x", "topic", true);
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, "t.x", "trend.*");
        ch.confirmSelect();
        ch.basicPublish("t.x", "trend.search", null, "hello".getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(5000);
        GetResponse r = ch.basicGet(q, true);
        assertThat(r, notNullValue());
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8), equalTo("hello"));
        assertThat(r.getEnvelope().getRoutingKey(), equalTo("trend.search"));
      }
    }
  }

  @Test
  public void underCiAMissingBrokerFailsWithAClearMessage() throws Exception {
    int unused;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                AmqpBrokerResolver.resolve(
                    "amqp://guest:guest@127.0.0.1:" + unused, Map.of("CI", "true")));
    assertThat(
        e.getMessage(),
        containsString(
            "RabbitMQ is required under CI=true but nothing answers at 127.0.0.1:" + unused));
  }

  @Test
  public void outsideCiAMissingBrokerStartsTheEmbeddedOne() throws Exception {
    int unused;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    try (AmqpBrokerResolver.ResolvedBroker b =
        AmqpBrokerResolver.resolve("amqp://guest:guest@127.0.0.1:" + unused, Map.of())) {
      assertThat(b.isEmbedded(), equalTo(true));
      assertThat(b.uri(), equalTo("amqp://guest:guest@127.0.0.1:" + unused));
      assertThat(AmqpBrokerResolver.probe(b.uri()), equalTo(null));
    }
  }

  @Test
  public void masksCredentials() {
    assertThat(AmqpDefaults.mask("amqp://user:s3cret@h:5672/vh"), equalTo("amqp://***@h:5672/vh"));
    assertThat(AmqpDefaults.mask("amqp://h:5672"), equalTo("amqp://h:5672"));
    assertThat(AmqpDefaults.mask("amqp://u:p@ss@h"), not(containsString("p@ss")));
  }
}
