package io.clicktrends.fanout;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The service's metrics on the Prometheus Java client, served at /metrics in the Prometheus text
 * format. Each service has its own registry (several can run in one JVM, as in tests); the JVM and
 * process metrics are registered in it too. The names and their meaning are listed in
 * websocket-fanout/README.md.
 */
final class Metrics {
  /** Broadcast latency buckets, seconds: a local WebSocket write takes well under a millisecond. */
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /**
   * End-to-end delay buckets, seconds: the pipeline's out-of-orderness bound is seconds, lateness a
   * minute.
   */
  private static final double[] DELAY_BUCKETS = {0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600};

  final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter messagesIn =
      counter("clicktrends_fanout_messages_in", "Trend messages consumed from RabbitMQ.");
  final Counter trendsAccepted =
      counter(
          "clicktrends_fanout_trends_accepted",
          "Trends that became the latest of their dimension and kind.");
  final Counter trendsIgnored =
      counter(
          "clicktrends_fanout_trends_ignored",
          "Trends ignored as duplicates or older than the latest (older window or lower pane).");
  final Counter trendsInvalid =
      counter("clicktrends_fanout_trends_invalid", "Messages that were not a valid Trend JSON.");
  final Counter trendsFuture =
      counter(
          "clicktrends_fanout_trends_future",
          "Trends refused because their window ends"
              + " more than 5 minutes ahead of this service's clock (a client or agent with a bad clock).");
  final Counter messagesOut =
      counter("clicktrends_fanout_messages_out", "WebSocket messages written to clients.");
  final Counter dropped =
      counter(
          "clicktrends_fanout_dropped_messages",
          "Messages dropped from full client send queues (drop-oldest).");
  final Counter disconnectedSlow =
      counter(
          "clicktrends_fanout_clients_disconnected_slow",
          "Clients disconnected for stalling or missing pongs.");
  final Counter originRejected =
      counter(
          "clicktrends_fanout_origin_rejected", "WebSocket upgrades refused by the origin check.");
  final Counter brokerRecoveries =
      counter(
          "clicktrends_fanout_broker_recoveries",
          "Reconnections to RabbitMQ after a lost connection.");
  final Histogram broadcastLatency =
      Histogram.builder()
          .name("clicktrends_fanout_broadcast_latency_seconds")
          .help("From the AMQP delivery to the WebSocket write completing, per client and message.")
          .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
          .classicOnly()
          .classicUpperBounds(LATENCY_BUCKETS)
          .withoutExemplars()
          .register(registry);
  final Histogram endToEndDelay =
      Histogram.builder()
          .name("clicktrends_fanout_end_to_end_delay_seconds")
          .help(
              "An accepted trend's arrival at this service minus its window's end, per dimension and kind (top or rising).")
          .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
          .labelNames("dimension", "kind")
          .classicOnly()
          .classicUpperBounds(DELAY_BUCKETS)
          .withoutExemplars()
          .register(registry);
  final Gauge lastTrendTimestamp =
      Gauge.builder()
          .name("clicktrends_fanout_last_trend_timestamp_seconds")
          .help(
              "Unix time at which the last trend of each dimension and kind arrived (accepted or not).")
          .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
          .labelNames("dimension", "kind")
          .register(registry);

  /** System.nanoTime() of the last accepted trend, or 0. */
  final AtomicLong lastUpdateNanos = new AtomicLong();

  /** System.nanoTime() of the last trend message that arrived (accepted or not), or 0. */
  final AtomicLong lastArrivalNanos = new AtomicLong();

  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  Metrics() {
    JvmMetrics.builder().register(registry);
  }

  /** Registers the gauges read at scrape time. */
  void bind(IntSupplier clients, BooleanSupplier brokerConnected) {
    GaugeWithCallback.builder()
        .name("clicktrends_fanout_clients")
        .help("Connected WebSocket clients.")
        .callback(cb -> cb.call(clients.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("clicktrends_fanout_broker_connected")
        .help("1 if the RabbitMQ connection is open.")
        .callback(cb -> cb.call(brokerConnected.getAsBoolean() ? 1 : 0))
        .register(registry);
  }

  void recordLatency(long nanos) {
    broadcastLatency.observe(nanos / 1e9);
  }

  /** A trend of {@code dimension} and {@code kind} arrived at {@code arrivalMillis} (epoch ms). */
  void recordArrival(String dimension, String kind, long arrivalMillis) {
    lastTrendTimestamp.labelValues(dimension, kind).set(arrivalMillis / 1e3);
  }

  /**
   * An accepted trend arrived at {@code arrivalMillis} for a window ending at {@code
   * windowEndMillis}.
   */
  void recordDelay(String dimension, String kind, long arrivalMillis, long windowEndMillis) {
    endToEndDelay.labelValues(dimension, kind).observe((arrivalMillis - windowEndMillis) / 1e3);
  }

  String contentType() {
    return writer.getContentType();
  }

  byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }
}
