package io.clicktrends.schema;

/**
 * Where trends travel by default, and how a broker URI is shown: the one home of these facts for
 * the pipeline's sink, the fan-out, the broker resolver and the benchmarks.
 */
public final class AmqpDefaults {
  /**
   * The broker on this machine with RabbitMQ's default user, as a fresh RabbitMQ install accepts
   * it.
   */
  public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672";

  /**
   * The durable topic exchange trends are published to (routing key {@code trend.<dimension>}, and
   * {@code trend.<dimension>.rising} for rising trends; {@code schemas/README.md}).
   */
  public static final String DEFAULT_EXCHANGE = "clicktrends.trends";

  private AmqpDefaults() {}

  /**
   * An AMQP URI for logs and messages, its user-info (credentials) replaced by {@code ***}: {@code
   * amqp://user:secret@host:5672} is {@code amqp://***@host:5672}; {@code null} is {@code "null"}.
   */
  public static String mask(String uri) {
    if (uri == null) {
      return "null";
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }
}
