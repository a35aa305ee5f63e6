package io.clicktrends.fanout;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The service's settings, from command-line flags ({@code --name=value}). Immutable; {@code with*}
 * return copies, so the local mode can build one in code.
 */
public final class FanoutConfig {
  public static final String USAGE = String.join("\n",
      "Usage: java -cp ... io.clicktrends.fanout.FanoutServer [flags]",
      "  --port=8080                 HTTP/WebSocket port (0 = any free port)",
      "  --bindHost=0.0.0.0          address to listen on",
      "  --rabbitmqUri=amqp://guest:guest@127.0.0.1:5672",
      "                              broker to consume trends from (credentials are never logged)",
      "  --exchange=clicktrends.trends",
      "                              durable topic exchange the pipeline publishes to",
      "  --allowedOrigins=           comma-separated origins allowed to open /ws, e.g.",
      "                              https://dash.example.com; empty (default) = only this service's",
      "                              own page (Origin host:port equals the Host header); * = any",
      "  --clientQueue=256           per-client send queue; when full the oldest message is dropped",
      "  --stallTimeout=30           seconds a client may leave a send unfinished before it is disconnected",
      "  --pingInterval=15           seconds between WebSocket pings; no pong for 2 intervals disconnects",
      "  --help                      print this and exit");

  private final int port;
  private final String bindHost;
  private final String rabbitmqUri;
  private final String exchange;
  private final Set<String> allowedOrigins;
  private final int clientQueue;
  private final int stallTimeoutSeconds;
  private final int pingIntervalSeconds;

  private FanoutConfig(int port, String bindHost, String rabbitmqUri, String exchange,
      Set<String> allowedOrigins, int clientQueue, int stallTimeoutSeconds, int pingIntervalSeconds) {
    this.port = port;
    this.bindHost = bindHost;
    this.rabbitmqUri = rabbitmqUri;
    this.exchange = exchange;
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.clientQueue = clientQueue;
    this.stallTimeoutSeconds = stallTimeoutSeconds;
    this.pingIntervalSeconds = pingIntervalSeconds;
  }

  public static FanoutConfig defaults() {
    return new FanoutConfig(8080, "0.0.0.0", "amqp://guest:guest@127.0.0.1:5672",
        "clicktrends.trends", Set.of(), 256, 30, 15);
  }

  /** Thrown for --help, so main can print the usage and exit 0. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super(USAGE);
    }
  }

  /** Parses flags; an unknown flag or a bad value throws IllegalArgumentException naming it. */
  public static FanoutConfig parse(String... args) {
    FanoutConfig c = defaults();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("bad argument '" + arg + "': expected --name=value (see --help)");
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      switch (name) {
        case "port" -> c = c.withPort(intFlag(name, value, 0, 65535));
        case "bindHost" -> c = c.withBindHost(nonEmpty(name, value));
        case "rabbitmqUri" -> c = c.withRabbitmqUri(value);
        case "exchange" -> c = c.withExchange(nonEmpty(name, value));
        case "allowedOrigins" -> c = c.withAllowedOrigins(origins(value));
        case "clientQueue" -> c = c.withClientQueue(intFlag(name, value, 1, 1_000_000));
        case "stallTimeout" -> c = c.withStallTimeoutSeconds(intFlag(name, value, 1, 86_400));
        case "pingInterval" -> c = c.withPingIntervalSeconds(intFlag(name, value, 1, 3_600));
        default -> throw new IllegalArgumentException("unknown flag --" + name + " (see --help)");
      }
    }
    return c;
  }

  private static int intFlag(String name, String value, int min, int max) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v < min || v > max) {
        throw new IllegalArgumentException("--" + name + "=" + value + " is out of range [" + min + ", " + max + "]");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + "=" + value + " is not an integer");
    }
  }

  private static String nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--" + name + " must not be empty");
    }
    return value.trim();
  }

  private static Set<String> origins(String value) {
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
          throw new IllegalArgumentException("--allowedOrigins: '" + t + "' is not an origin like https://host:port");
        }
        if (u.getScheme() == null || u.getHost() == null || (u.getPath() != null && !u.getPath().isEmpty())) {
          throw new IllegalArgumentException("--allowedOrigins: '" + t + "' is not an origin like https://host:port");
        }
      }
      out.add(t.toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  public FanoutConfig withPort(int port) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withBindHost(String bindHost) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withRabbitmqUri(String uri) {
    if (!uri.startsWith("amqp://") && !uri.startsWith("amqps://")) {
      throw new IllegalArgumentException("--rabbitmqUri must start with amqp:// or amqps://, got " + AmqpUris.mask(uri));
    }
    return new FanoutConfig(port, bindHost, uri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withExchange(String exchange) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withAllowedOrigins(Set<String> origins) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, origins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withClientQueue(int clientQueue) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, pingIntervalSeconds);
  }

  public FanoutConfig withStallTimeoutSeconds(int s) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, s, pingIntervalSeconds);
  }

  public FanoutConfig withPingIntervalSeconds(int s) {
    return new FanoutConfig(port, bindHost, rabbitmqUri, exchange, allowedOrigins, clientQueue, stallTimeoutSeconds, s);
  }

  public int port() { return port; }
  public String bindHost() { return bindHost; }
  public String rabbitmqUri() { return rabbitmqUri; }
  public String exchange() { return exchange; }
  public Set<String> allowedOrigins() { return allowedOrigins; }
  public int clientQueue() { return clientQueue; }
  public int stallTimeoutSeconds() { return stallTimeoutSeconds; }
  public int pingIntervalSeconds() { return pingIntervalSeconds; }

  @Override
  public String toString() {
    return "port=" + port + " bindHost=" + bindHost + " rabbitmqUri=" + AmqpUris.mask(rabbitmqUri)
        + " exchange=" + exchange + " allowedOrigins=" + (allowedOrigins.isEmpty() ? "(own page only)" : allowedOrigins)
        + " clientQueue=" + clientQueue + " stallTimeout=" + stallTimeoutSeconds + "s pingInterval=" + pingIntervalSeconds + "s";
  }

}
