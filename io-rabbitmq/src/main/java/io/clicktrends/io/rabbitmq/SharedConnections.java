package io.clicktrends.io.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.clicktrends.schema.AmqpDefaults;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One auto-recovering connection per broker URI and JVM, shared by all the sink's DoFn instances (a
 * runner may create many; each takes its own channel). Reference-counted: the last release closes
 * it.
 */
final class SharedConnections {
  private static final Logger LOG = LoggerFactory.getLogger(SharedConnections.class);
  private static final Map<String, Entry> CONNECTIONS = new HashMap<>();

  private static final class Entry {
    final Connection connection;
    int users;

    Entry(Connection connection) {
      this.connection = connection;
    }
  }

  private SharedConnections() {}

  static synchronized Connection acquire(String uri) throws IOException {
    Entry e = CONNECTIONS.get(uri);
    if (e == null || !isUsable(e.connection)) {
      e = new Entry(open(uri));
      CONNECTIONS.put(uri, e);
    }
    e.users++;
    return e.connection;
  }

  static synchronized void release(String uri, Connection connection) {
    Entry e = CONNECTIONS.get(uri);
    if (e == null || e.connection != connection) {
      closeQuietly(connection);
      return;
    }
    if (--e.users == 0) {
      CONNECTIONS.remove(uri);
      closeQuietly(connection);
    }
  }

  /**
   * An auto-recovering connection is usable even while it reconnects; a closed-by-us one is not.
   */
  private static boolean isUsable(Connection c) {
    return c.isOpen() || c instanceof Recoverable;
  }

  static ConnectionFactory factory(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      // the exception text would contain the URI with its password
      throw new IllegalArgumentException(
          "invalid RabbitMQ URI " + AmqpDefaults.mask(uri) + ": " + e.getClass().getSimpleName());
    }
    return factory;
  }

  private static Connection open(String uri) throws IOException {
    ConnectionFactory factory = factory(uri);
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(1000);
    factory.setConnectionTimeout(5000);
    factory.setRequestedHeartbeat(10);
    Connection c;
    try {
      c = factory.newConnection("clicktrends-trend-sink");
    } catch (TimeoutException e) {
      throw new IOException("timed out connecting to RabbitMQ at " + AmqpDefaults.mask(uri), e);
    } catch (IOException e) {
      throw new IOException(
          "cannot connect to RabbitMQ at " + AmqpDefaults.mask(uri) + ": " + e, e);
    }
    ((Recoverable) c)
        .addRecoveryListener(
            new RecoveryListener() {
              @Override
              public void handleRecovery(Recoverable r) {
                LOG.info("trend sink: connection to {} recovered", AmqpDefaults.mask(uri));
              }

              @Override
              public void handleRecoveryStarted(Recoverable r) {
                LOG.warn("trend sink: connection to {} lost, reconnecting", AmqpDefaults.mask(uri));
              }
            });
    LOG.info("trend sink: connected to {}", AmqpDefaults.mask(uri));
    return c;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed or broker gone: nothing to release
    }
  }
}
