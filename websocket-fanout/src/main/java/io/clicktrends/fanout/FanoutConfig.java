package io.clicktrends.fanout;

import com.google.auto.value.AutoValue;
import io.clicktrends.schema.AmqpDefaults;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The service's settings. Immutable, on AutoValue like the project's IOs ({@code FlumeIO.Read},
 * {@code RabbitMqTrendIO.Write}): start from {@link #builder()} (the defaults) or {@link
 * #toBuilder()}, set what differs, {@link Builder#build()}. {@code build()} checks every rule once
 * and refuses a bad value with an {@link IllegalArgumentException} naming the option and what it
 * allows. The command line is {@link FanoutCommand}.
 *
 * <pre>{@code
 * FanoutConfig config = FanoutConfig.builder().setRabbitmqUri(uri).setPort(0).build();
 * }</pre>
 */
@AutoValue
public abstract class FanoutConfig {
  FanoutConfig() {}

  public abstract int port();

  public abstract String bindHost();

  public abstract String rabbitmqUri();

  public abstract String exchange();

  public abstract Set<String> allowedOrigins();

  public abstract int clientQueue();

  public abstract int stallTimeoutSeconds();

  public abstract int pingIntervalSeconds();

  /** See {@link Builder#setLabelsFile}; null: none. */
  public abstract @Nullable Path labelsFile();

  public abstract int readinessStaleAfterSeconds();

  /** These settings, to change some of them. */
  public abstract Builder toBuilder();

  /**
   * The defaults: port 8080 on 127.0.0.1 (this machine only), the local broker, exchange
   * clicktrends.trends, only this service's own page may open /ws, no labels.
   */
  public static Builder builder() {
    return new AutoValue_FanoutConfig.Builder()
        .setPort(8080)
        .setBindHost("127.0.0.1")
        .setRabbitmqUri(AmqpDefaults.DEFAULT_URI)
        .setExchange(AmqpDefaults.DEFAULT_EXCHANGE)
        .setAllowedOrigins(Set.of())
        .setClientQueue(256)
        .setStallTimeoutSeconds(30)
        .setPingIntervalSeconds(15)
        .setLabelsFile(null)
        .setReadinessStaleAfterSeconds(120);
  }

  /** {@code builder().build()}. */
  public static FanoutConfig defaults() {
    return builder().build();
  }

  @AutoValue.Builder
  public abstract static class Builder {
    Builder() {}

    /** HTTP/WebSocket port, 0 to 65535 (0: any free port). */
    public abstract Builder setPort(int port);

    /** Address to listen on (trimmed); 0.0.0.0 for every interface. */
    public abstract Builder setBindHost(String bindHost);

    /** {@code amqp://} or {@code amqps://} broker URI. Never logged unmasked. */
    public abstract Builder setRabbitmqUri(String uri);

    /** Durable topic exchange the pipeline publishes to (trimmed). */
    public abstract Builder setExchange(String exchange);

    /** Origins allowed to open /ws, as {@link FanoutConfig#origins} parses them. */
    public abstract Builder setAllowedOrigins(Set<String> origins);

    /** Per-client send queue, 1 to 1,000,000. */
    public abstract Builder setClientQueue(int clientQueue);

    /** Seconds a client may leave a send unfinished, 1 to 86,400. */
    public abstract Builder setStallTimeoutSeconds(int seconds);

    /** Seconds between WebSocket pings, 1 to 3,600. */
    public abstract Builder setPingIntervalSeconds(int seconds);

    /**
     * A CSV file of {@code dimension,key,label} rows; the dashboard shows a key's label in its
     * place. Null: none. It must be readable when the config is built; it is read when the service
     * starts.
     */
    public abstract Builder setLabelsFile(@Nullable Path file);

    /**
     * /health/ready fails when no trend arrived for this many seconds (1 to 86,400) after trends
     * had been arriving (the pipeline stopped publishing, or this instance stopped receiving).
     */
    public abstract Builder setReadinessStaleAfterSeconds(int seconds);

    abstract String bindHost();

    abstract String exchange();

    abstract Set<String> allowedOrigins();

    abstract FanoutConfig autoBuild();

    /** The settings, checked ({@link FanoutConfig#validate}). */
    public FanoutConfig build() {
      setBindHost(bindHost().trim());
      setExchange(exchange().trim());
      setAllowedOrigins(Set.copyOf(allowedOrigins()));
      FanoutConfig config = autoBuild();
      config.validate();
      return config;
    }
  }

  /**
   * One check per rule, each refusal naming the option as the command line spells it and the values
   * it allows (credentials masked).
   */
  void validate() {
    range("port", port(), 0, 65535);
    nonEmpty("bindHost", bindHost());
    if (!rabbitmqUri().startsWith("amqp://") && !rabbitmqUri().startsWith("amqps://")) {
      throw new IllegalArgumentException(
          "--rabbitmqUri must start with amqp:// or amqps://, got "
              + AmqpDefaults.mask(rabbitmqUri()));
    }
    nonEmpty("exchange", exchange());
    range("clientQueue", clientQueue(), 1, 1_000_000);
    range("stallTimeout", stallTimeoutSeconds(), 1, 86_400);
    range("pingInterval", pingIntervalSeconds(), 1, 3_600);
    if (labelsFile() != null && !Files.isReadable(labelsFile())) {
      throw new IllegalArgumentException("--labels " + labelsFile() + " is not a readable file");
    }
    range("readinessStaleAfter", readinessStaleAfterSeconds(), 1, 86_400);
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

  @Override
  public final String toString() {
    return "port="
        + port()
        + " bindHost="
        + bindHost()
        + " rabbitmqUri="
        + AmqpDefaults.mask(rabbitmqUri())
        + " exchange="
        + exchange()
        + " allowedOrigins="
        + (allowedOrigins().isEmpty() ? "(own page only)" : allowedOrigins())
        + " clientQueue="
        + clientQueue()
        + " stallTimeout="
        + stallTimeoutSeconds()
        + "s pingInterval="
        + pingIntervalSeconds()
        + "s"
        + (labelsFile() == null ? "" : " labels=" + labelsFile())
        + " readinessStaleAfter="
        + readinessStaleAfterSeconds()
        + "s";
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "--" + name + "=" + v + " is out of range [" + min + ", " + max + "]");
    }
  }

  private static void nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " must not be empty");
    }
  }
}
