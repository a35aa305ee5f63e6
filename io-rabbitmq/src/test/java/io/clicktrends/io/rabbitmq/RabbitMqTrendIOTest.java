package io.clicktrends.io.rabbitmq;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.Assert.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.schema.AmqpDefaults;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;

/**
 * The sink on the DirectRunner against a real broker (RabbitMQ, or the embedded one outside CI).
 */
public class RabbitMqTrendIOTest {
  private static AmqpBrokerResolver.ResolvedBroker broker;
  private static Connection admin;

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private Channel ch;
  private String exchange;

  @BeforeClass
  public static void startBroker() throws Exception {
    // -Dclicktrends.amqpUri=amqp://guest:guest@127.0.0.1:1 forces the embedded broker
    broker =
        AmqpBrokerResolver.resolve(
            System.getProperty("clicktrends.amqpUri", AmqpDefaults.DEFAULT_URI));
    System.out.println("RabbitMqTrendIOTest runs against the " + broker);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(broker.uri());
    admin = f.newConnection("test-admin");
  }

  @AfterClass
  public static void stopBroker() throws Exception {
    admin.close();
    broker.close();
  }

  @Before
  public void openChannel() throws Exception {
    ch = admin.createChannel();
    exchange = "clicktrends.test." + UUID.randomUUID();
  }

  @After
  public void cleanUp() throws Exception {
    Channel c = admin.createChannel(); // ch may have been closed by a broker error
    try {
      c.exchangeDelete(exchange);
      c.close();
    } catch (java.io.IOException notFound) {
      // Qpid answers 404 (and closes the channel) for an exchange that was never declared
    }
  }

  private RabbitMqTrendIO.Write sink() {
    // a short retry: the failure cases retry once, then must fail the bundle with the broker's
    // reason
    return RabbitMqTrendIO.write()
        .withUri(broker.uri())
        .withExchange(exchange)
        .withConfirmTimeout(Duration.ofSeconds(5))
        .withRetryFor(Duration.ofSeconds(2));
  }

  private String boundQueue(Map<String, Object> args) throws Exception {
    ch.exchangeDeclare(exchange, "topic", true);
    String q = ch.queueDeclare("", false, true, true, args).getQueue();
    ch.queueBind(q, exchange, "trend.#");
    return q;
  }

  private void run(List<Trend> trends, RabbitMqTrendIO.Write sink) {
    pipeline.apply(Create.of(trends).withCoder(AvroCoder.of(Trend.class))).apply(sink);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void trendsLandWithRoutingKeysHeadersAndBodies() throws Exception {
    String q = boundQueue(null);
    List<Trend> trends =
        List.of(
            Trends.trend("search", 1_396_437_600L, 0, "red shoes", "<img src=x onerror=alert(1)>"),
            Trends.trend("add_to_cart", 1_396_437_600L, 0, "214716935"),
            Trends.trend("add_to_cart", 1_396_437_610L, 1, "214716935", "214826623"),
            Trends.rising("add_to_cart", 1_396_437_610L, 1, "214716935"));
    run(trends, sink());

    Map<String, GetResponse> byId = new HashMap<>();
    GetResponse r;
    while ((r = ch.basicGet(q, true)) != null) {
      byId.put(r.getProps().getMessageId(), r);
    }
    assertThat(byId.size(), equalTo(4));
    for (Trend t : trends) {
      GetResponse got = byId.get(TrendJson.messageId(t));
      assertThat("message " + TrendJson.messageId(t), got, notNullValue());
      assertThat(
          got.getEnvelope().getRoutingKey(),
          equalTo("trend." + t.getDimension() + (t.getKind().equals("rising") ? ".rising" : "")));
      assertThat(got.getEnvelope().getExchange(), equalTo(exchange));
      assertThat(got.getProps().getContentType(), equalTo("application/json"));
      assertThat(got.getProps().getDeliveryMode(), equalTo(2));
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8), equalTo(TrendJson.toJson(t)));
      assertThat(TrendJson.fromJson(new String(got.getBody(), StandardCharsets.UTF_8)), equalTo(t));
    }
    assertThat(byId.keySet().contains("add_to_cart/1396437610000/ON_TIME/1"), equalTo(true));
    // the rising trend of the same window and pane index: its own id, its own routing key
    assertThat(
        byId.get("add_to_cart/1396437610000/ON_TIME/1/rising").getEnvelope().getRoutingKey(),
        equalTo("trend.add_to_cart.rising"));
  }

  @Test
  public void theExchangeIsDurableTopic() throws Exception {
    run(List.of(Trends.trend("search", 1_396_437_600L, 0, "a")), sink());
    // a passive declare succeeds only if it exists; redeclaring with other properties fails (406)
    ch.exchangeDeclarePassive(exchange);
    ch.exchangeDeclare(exchange, "topic", true);
  }

  @Test
  public void aTrendNobodyListensToDoesNotFailThePipelineByDefault() {
    run(List.of(Trends.trend("search", 1_396_437_600L, 0, "a")), sink());
  }

  @Test
  public void anUnroutableTrendFailsTheBundleWhenAsked() {
    PipelineExecutionException e =
        assertThrows(
            PipelineExecutionException.class,
            () ->
                run(
                    List.of(Trends.trend("search", 1_396_437_600L, 0, "a")),
                    sink().withFailOnUnroutable(true)));
    // RabbitMQ returns the message (basic.return, then ack); Qpid Broker-J nacks it
    assertThat(
        rootMessage(e),
        anyOf(containsString("returned as unroutable"), containsString("broker nacked")));
  }

  @Test
  public void aMissingExchangeFailsTheBundle() {
    // The broker closes the channel (404 NOT_FOUND) instead of confirming.
    PipelineExecutionException e =
        assertThrows(
            PipelineExecutionException.class,
            () ->
                run(
                    List.of(Trends.trend("search", 1_396_437_600L, 0, "a")),
                    sink().withDeclareExchange(false)));
    assertThat(rootMessage(e), containsString("reply-code=404"));
  }

  @Test
  public void aBrokerNackFailsTheBundle() throws Exception {
    Map<String, Object> args = new HashMap<>();
    args.put("x-max-length", 1);
    args.put("x-overflow", "reject-publish");
    // Own connection: Qpid Broker-J rejects these arguments by closing the whole connection.
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(broker.uri());
    try (Connection c = f.newConnection("test-nack")) {
      Channel full = c.createChannel();
      full.exchangeDeclare(exchange, "topic", true);
      try {
        String q = full.queueDeclare("", false, true, true, args).getQueue();
        full.queueBind(q, exchange, "trend.#");
      } catch (java.io.IOException e) {
        Assume.assumeNoException(
            "this broker ("
                + broker
                + ") does not support x-max-length with "
                + "x-overflow=reject-publish, so it cannot be made to nack; nack case skipped",
            e);
      }
      Assume.assumeTrue(
          "this broker does not nack on x-overflow=reject-publish; nack case skipped",
          brokerNacksWhenFull(c));
      List<Trend> trends = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        trends.add(Trends.trend("search", 1_396_437_600L + 10 * i, 0, "k" + i));
      }
      PipelineExecutionException e =
          assertThrows(PipelineExecutionException.class, () -> run(trends, sink()));
      assertThat(rootMessage(e), containsString("broker nacked"));
    }
  }

  /** Publishes two messages to the full queue (one slot): RabbitMQ nacks at least the second. */
  private boolean brokerNacksWhenFull(Connection c) throws Exception {
    Channel probe = c.createChannel();
    probe.confirmSelect();
    probe.basicPublish(exchange, "trend.probe", null, new byte[0]);
    probe.basicPublish(exchange, "trend.probe", null, new byte[0]);
    try {
      probe.waitForConfirmsOrDie(5000);
      return false;
    } catch (java.io.IOException nacked) {
      return true;
    }
  }

  @Test
  public void invalidSettingsAreRejectedWhenTheTransformIsApplied() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RabbitMqTrendIO.write().withUri("amqp://user:s3cret@host:5672/%zz").validate());
    assertThat(e.getMessage(), not(containsString("s3cret")));
    assertThat(e.getMessage(), containsString("amqp://***@host:5672/%zz"));
    assertThrows(
        IllegalArgumentException.class, () -> RabbitMqTrendIO.write().withExchange(" ").validate());
    assertThrows(
        IllegalArgumentException.class,
        () -> RabbitMqTrendIO.write().withExchange("amq.topic").validate());
    assertThrows(
        IllegalArgumentException.class,
        () -> RabbitMqTrendIO.write().withConfirmTimeout(Duration.ZERO).validate());
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  private static String rootMessage(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
