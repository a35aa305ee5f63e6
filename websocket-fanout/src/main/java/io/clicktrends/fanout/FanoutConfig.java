package io.clicktrends.fanout;

import io.clicktrends.schema.AmqpDefaults;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The service's settings. Immutable; {@code with*} return copies and refuse a bad value with an
 * {@link IllegalArgumentException} naming the option. The command line is {@link FanoutCommand}.
 */
public final class FanoutConfig {
  private final int port;
  private final String bindHost;
  private final String rabbitmqUri;
  private final String exchange;
  private final Set<String> allowedOrigins;
  private final int clientQueue;
  private final int stallTimeoutSeconds;
  private final int pingIntervalSeconds;
  private final Path labelsFile;
  private final int readinessStaleAfterSeconds;

  private FanoutConfig(
      int port,
      String bindHost,
      String rabbitmqUri,
      String exchange,
      Set<String> allowedOrigins,
      int clientQueue,
      int stallTimeoutSeconds,
      int pingIntervalSeconds) {
    this(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        null,
        120);
  }

  private FanoutConfig(
      int port,
      String bindHost,
      String rabbitmqUri,
      String exchange,
      Set<String> allowedOrigins,
      int clientQueue,
      int stallTimeoutSeconds,
      int pingIntervalSeconds,
      Path labelsFile,
      int readinessStaleAfterSeconds) {
    this.port = port;
    this.bindHost = bindHost;
    this.rabbitmqUri = rabbitmqUri;
    this.exchange = exchange;
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.clientQueue = clientQueue;
    this.stallTimeoutSeconds = stallTimeoutSeconds;
    this.pingIntervalSeconds = pingIntervalSeconds;
    this.labelsFile = labelsFile;
    this.readinessStaleAfterSeconds = readinessStaleAfterSeconds;
  }

  /** Port 8080 on 127.0.0.1 (this machine only), the local broker, exchange clicktrends.trends. */
  public static FanoutConfig defaults() {
    return new FanoutConfig(
        8080,
        "127.0.0.1",
        AmqpDefaults.DEFAULT_URI,
        AmqpDefaults.DEFAULT_EXCHANGE,
        Set.of(),
        256,
        30,
        15);
  }

  /**
   * Parses a comma-separated {@code --allowedOrigins} value: origins like {@code
   * https://host:port}, or {@code *} for any; empty allows only this service's own page.
   */
  public static Set<String> origins(String value) {
    Set<String> out = new LinkedHashSet<>();
    for (String o : value.split(",")) {
      String t = o.trim();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.equals("*")) {
        URI u;
        try {
          u = URI.create(t);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "--allowedOrigins: '" + t + "' is not an origin like https://host:port");
        }
        if (u.getScheme() == null
            || u.getHost() == null
            || (u.getPath() != null && !u.getPath().isEmpty())) {
          throw new IllegalArgumentException(
              "--allowedOrigins: '" + t + "' is not an origin like https://host:port");
        }
      }
      out.add(t.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  public FanoutConfig withPort(int port) {
    range("port", port, 0, 65535);
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withBindHost(String bindHost) {
    return new FanoutConfig(
        port,
        nonEmpty("bindHost", bindHost),
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withRabbitmqUri(String uri) {
    if (!uri.startsWith("amqp://") && !uri.startsWith("amqps://")) {
      throw new IllegalArgumentException(
          "--rabbitmqUri must start with amqp:// or amqps://, got " + AmqpDefaults.mask(uri));
    }
    return new FanoutConfig(
        port,
        bindHost,
        uri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withExchange(String exchange) {
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        nonEmpty("exchange", exchange),
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withAllowedOrigins(Set<String> origins) {
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        origins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withClientQueue(int clientQueue) {
    range("clientQueue", clientQueue, 1, 1_000_000);
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withStallTimeoutSeconds(int s) {
    range("stallTimeout", s, 1, 86_400);
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        s,
        pingIntervalSeconds,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  public FanoutConfig withPingIntervalSeconds(int s) {
    range("pingInterval", s, 1, 3_600);
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        s,
        labelsFile,
        readinessStaleAfterSeconds);
  }

  /**
   * A CSV file of {@code dimension,key,label} rows; the dashboard shows a key's label in its place.
   * Null: none. The file is read when the service starts.
   */
  public FanoutConfig withLabelsFile(Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new IllegalArgumentException("--labels " + file + " is not a readable file");
    }
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        file,
        readinessStaleAfterSeconds);
  }

  /**
   * /health/ready fails when no trend arrived for this many seconds after trends had been arriving
   * (the pipeline stopped publishing, or this instance stopped receiving).
   */
  public FanoutConfig withReadinessStaleAfterSeconds(int s) {
    range("readinessStaleAfter", s, 1, 86_400);
    return new FanoutConfig(
        port,
        bindHost,
        rabbitmqUri,
        exchange,
        allowedOrigins,
        clientQueue,
        stallTimeoutSeconds,
        pingIntervalSeconds,
        labelsFile,
        s);
  }

  public int port() {
    return port;
  }

  public String bindHost() {
    return bindHost;
  }

  public String rabbitmqUri() {
    return rabbitmqUri;
  }

  public String exchange() {
    return exchange;
  }

  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  public int clientQueue() {
    return clientQueue;
  }

  public int stallTimeoutSeconds() {
    return stallTimeoutSeconds;
  }

  public int pingIntervalSeconds() {
    return pingIntervalSeconds;
  }

  public Path labelsFile() {
    return labelsFile;
  }

  public int readinessStaleAfterSeconds() {
    return readinessStaleAfterSeconds;
  }

  @Override
  public String toString() {
    return "port="
        + port
        + " bindHost="
        + bindHost
        + " rabbitmqUri="
        + AmqpDefaults.mask(rabbitmqUri)
        + " exchange="
        + exchange
        + " allowedOrigins="
        + (allowedOrigins.isEmpty() ? "(own page only)" : allowedOrigins)
        + " clientQueue="
        + clientQueue
        + " stallTimeout="
        + stallTimeoutSeconds
        + "s pingInterval="
        + pingIntervalSeconds
        + "s"
        + (labelsFile == null ? "" : " labels=" + labelsFile)
        + " readinessStaleAfter="
        + readinessStaleAfterSeconds
        + "s";
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "--" + name + "=" + v + " is out of range [" + min + ", " + max + "]");
    }
  }

  private static String nonEmpty(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " must not be empty");
    }
    return value.trim();
  }
}
