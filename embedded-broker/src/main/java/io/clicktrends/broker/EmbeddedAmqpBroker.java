package io.clicktrends.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.qpid.server.SystemLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Qpid Broker-J running in this JVM: AMQP 0-9-1 only, memory store (nothing survives {@link
 * #close()}), PLAIN auth with guest/guest. It exists so that the local mode and the tests run on a
 * machine without RabbitMQ; it is not a production broker.
 */
public final class EmbeddedAmqpBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAmqpBroker.class);
  private static final String CONFIG = "embedded-broker-config.json";

  private final SystemLauncher launcher;
  private final Path workDir;
  private final String host;
  private final int port;

  private EmbeddedAmqpBroker(SystemLauncher launcher, Path workDir, String host, int port) {
    this.launcher = launcher;
    this.workDir = workDir;
    this.host = host;
    this.port = port;
  }

  /** Starts a broker on 127.0.0.1 at a free port. */
  public static EmbeddedAmqpBroker start() {
    return start("127.0.0.1", 0);
  }

  /**
   * Starts a broker bound to {@code host:port}; port 0 picks a free port. Returns once the port
   * accepts AMQP connections (Qpid's startup is synchronous).
   */
  public static EmbeddedAmqpBroker start(String host, int port) {
    int actualPort = port == 0 ? freePort(host) : port;
    Path workDir;
    try {
      workDir = Files.createTempDirectory("clicktrends-qpid-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    URL config = EmbeddedAmqpBroker.class.getResource(CONFIG);
    Map<String, String> context = new HashMap<>();
    context.put("qpid.work_dir", workDir.toString());
    context.put("qpid.amqp_port", Integer.toString(actualPort));
    context.put("clicktrends.bind_host", host);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "Memory");
    attributes.put("initialConfigurationLocation", config.toExternalForm());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put("context", context);
    SystemLauncher launcher = new SystemLauncher();
    long t0 = System.nanoTime();
    try {
      launcher.startup(attributes);
    } catch (Exception e) {
      launcher.shutdown();
      deleteQuietly(workDir);
      throw new IllegalStateException(
          "could not start the embedded AMQP broker on " + host + ":" + actualPort + ": " + e, e);
    }
    LOG.info(
        "embedded AMQP 0-9-1 broker (Qpid Broker-J) listening on {}:{} (started in {} ms)",
        host,
        actualPort,
        (System.nanoTime() - t0) / 1_000_000);
    return new EmbeddedAmqpBroker(launcher, workDir, host, actualPort);
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The URI clients use, with the broker's fixed guest/guest credentials. */
  public String uri() {
    return "amqp://guest:guest@" + host + ":" + port;
  }

  @Override
  public void close() {
    launcher.shutdown();
    deleteQuietly(workDir);
    LOG.info("embedded AMQP broker on {}:{} stopped", host, port);
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }
}
