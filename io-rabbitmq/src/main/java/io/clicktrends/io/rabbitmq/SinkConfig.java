package io.clicktrends.io.rabbitmq;

import io.clicktrends.schema.AmqpDefaults;
import java.io.Serializable;
import java.time.Duration;

/** The sink's settings, immutable and serializable so they travel with the DoFn to the workers. */
final class SinkConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  final String uri;
  final String exchange;
  final boolean declareExchange;
  final boolean failOnUnroutable;
  final Duration confirmTimeout;

  /**
   * How long a bundle keeps retrying a failed publish (broker restart, lost connection) before it
   * fails.
   */
  final Duration retryFor;

  SinkConfig(
      String uri,
      String exchange,
      boolean declareExchange,
      boolean failOnUnroutable,
      Duration confirmTimeout,
      Duration retryFor) {
    this.uri = uri;
    this.exchange = exchange;
    this.declareExchange = declareExchange;
    this.failOnUnroutable = failOnUnroutable;
    this.confirmTimeout = confirmTimeout;
    this.retryFor = retryFor;
  }

  @Override
  public String toString() {
    return "uri="
        + AmqpDefaults.mask(uri)
        + ", exchange="
        + exchange
        + ", declareExchange="
        + declareExchange
        + ", failOnUnroutable="
        + failOnUnroutable
        + ", confirmTimeout="
        + confirmTimeout
        + ", retryFor="
        + retryFor;
  }
}
