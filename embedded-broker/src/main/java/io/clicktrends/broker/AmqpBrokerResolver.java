package io.clicktrends.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.clicktrends.schema.AmqpDefaults;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the AMQP broker to use for tests and for the local mode:
 *
 * <ol>
 *   <li>if a broker answers at the given URI (an AMQP connection opens), use it;
 *   <li>else, under {@code CI=true}, fail: CI must test against the real RabbitMQ;
 *   <li>else start an {@link EmbeddedAmqpBroker} (on the URI's port when that port is free, else on
 *       a free one) and log that it did, so a fresh machine without RabbitMQ still works.
 * </ol>
 */
public final class AmqpBrokerResolver {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpBrokerResolver.class);

  private AmqpBrokerResolver() {}

  public static ResolvedBroker resolve() {
    return resolve(AmqpDefaults.DEFAULT_URI);
  }

  public static ResolvedBroker resolve(String uri) {
    return resolve(uri, System.getenv());
  }

  static ResolvedBroker resolve(String uri, Map<String, String> env) {
    URI parsed = URI.create(uri);
    String host = parsed.getHost() == null ? "127.0.0.1" : parsed.getHost();
    int port = parsed.getPort() == -1 ? 5672 : parsed.getPort();
    String failure = probe(uri);
    if (failure == null) {
      LOG.info("using the AMQP broker at {}", AmqpDefaults.mask(uri));
      return new ResolvedBroker(uri, null);
    }
    if ("true".equalsIgnoreCase(env.getOrDefault("CI", ""))) {
      throw new IllegalStateException(
          "RabbitMQ is required under CI=true but nothing answers at "
              + host
              + ":"
              + port
              + " ("
              + failure
              + "); start it (rabbitmq-server -detached) or unset CI"
              + " to fall back to the embedded broker");
    }
    int embeddedPort = portFree(host, port) ? port : 0;
    EmbeddedAmqpBroker broker = EmbeddedAmqpBroker.start(host, embeddedPort);
    LOG.warn(
        "no RabbitMQ answers at {}:{} ({}); running against the EMBEDDED Qpid Broker-J at {}:{}",
        host,
        port,
        failure,
        broker.host(),
        broker.port());
    return new ResolvedBroker(broker.uri(), broker);
  }

  /** Returns null when an AMQP connection opens at {@code uri}, else why not. */
  static String probe(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      throw new IllegalArgumentException("not an AMQP URI: " + AmqpDefaults.mask(uri), e);
    }
    factory.setConnectionTimeout(1000);
    factory.setHandshakeTimeout(2000);
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection c = factory.newConnection("clicktrends-probe")) {
      return null;
    } catch (Exception e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
  }

  private static boolean portFree(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 300);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The broker chosen: its URI, and the embedded broker to stop on close (if one was started). */
  public static final class ResolvedBroker implements AutoCloseable {
    private final String uri;
    private final EmbeddedAmqpBroker embedded;

    ResolvedBroker(String uri, EmbeddedAmqpBroker embedded) {
      this.uri = uri;
      this.embedded = embedded;
    }

    public String uri() {
      return uri;
    }

    public boolean isEmbedded() {
      return embedded != null;
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }

    @Override
    public String toString() {
      return (isEmbedded() ? "embedded broker at " : "broker at ") + AmqpDefaults.mask(uri);
    }
  }
}
