package io.clicktrends.fanout;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** Counters of the service, rendered in the Prometheus text format at /metrics. */
final class Metrics {
  final LongAdder messagesIn = new LongAdder();
  final LongAdder trendsAccepted = new LongAdder();
  final LongAdder trendsIgnored = new LongAdder();
  final LongAdder trendsInvalid = new LongAdder();
  final LongAdder trendsFuture = new LongAdder();
  final LongAdder messagesOut = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder disconnectedSlow = new LongAdder();
  final LongAdder originRejected = new LongAdder();
  final LongAdder brokerRecoveries = new LongAdder();
  /** Broadcast latency: from the AMQP delivery to the WebSocket write completing, per client. */
  final LongAdder latencyCount = new LongAdder();
  final LongAdder latencyNanosSum = new LongAdder();
  final AtomicLong latencyNanosMax = new AtomicLong();
  /** System.nanoTime() of the last accepted trend, or 0. */
  final AtomicLong lastUpdateNanos = new AtomicLong();

  void recordLatency(long nanos) {
    latencyCount.increment();
    latencyNanosSum.add(nanos);
    latencyNanosMax.accumulateAndGet(nanos, Math::max);
  }

  String prometheus(IntSupplier clients, BooleanSupplier brokerConnected) {
    StringBuilder b = new StringBuilder(2048);
    counter(b, "clicktrends_fanout_messages_in_total", "Trend messages consumed from RabbitMQ.", messagesIn.sum());
    counter(b, "clicktrends_fanout_trends_accepted_total", "Trends that became the latest of their dimension.", trendsAccepted.sum());
    counter(b, "clicktrends_fanout_trends_future_total", "Trends refused because their window ends more than 5 minutes ahead of this service's clock (a client or agent with a bad clock).", trendsFuture.sum());
    counter(b, "clicktrends_fanout_trends_ignored_total", "Trends ignored as duplicates or older than the latest (older window or lower pane).", trendsIgnored.sum());
    counter(b, "clicktrends_fanout_trends_invalid_total", "Messages that were not a valid Trend JSON.", trendsInvalid.sum());
    counter(b, "clicktrends_fanout_messages_out_total", "WebSocket messages written to clients.", messagesOut.sum());
    counter(b, "clicktrends_fanout_dropped_messages_total", "Messages dropped from full client send queues (drop-oldest).", dropped.sum());
    counter(b, "clicktrends_fanout_clients_disconnected_slow_total", "Clients disconnected for stalling or missing pongs.", disconnectedSlow.sum());
    counter(b, "clicktrends_fanout_origin_rejected_total", "WebSocket upgrades refused by the origin check.", originRejected.sum());
    counter(b, "clicktrends_fanout_broker_recoveries_total", "Reconnections to RabbitMQ after a lost connection.", brokerRecoveries.sum());
    gauge(b, "clicktrends_fanout_clients", "Connected WebSocket clients.", clients.getAsInt());
    gauge(b, "clicktrends_fanout_broker_connected", "1 if the RabbitMQ connection is open.", brokerConnected.getAsBoolean() ? 1 : 0);
    b.append("# HELP clicktrends_fanout_broadcast_latency_seconds From the AMQP delivery to the WebSocket write completing, per client.\n")
        .append("# TYPE clicktrends_fanout_broadcast_latency_seconds summary\n")
        .append("clicktrends_fanout_broadcast_latency_seconds_sum ").append(latencyNanosSum.sum() / 1e9).append('\n')
        .append("clicktrends_fanout_broadcast_latency_seconds_count ").append(latencyCount.sum()).append('\n');
    gauge(b, "clicktrends_fanout_broadcast_latency_max_seconds", "Largest broadcast latency seen.", latencyNanosMax.get() / 1e9);
    return b.toString();
  }

  private static void counter(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder b, String name, String help, double value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n")
        .append(name).append(' ').append(value).append('\n');
  }
}
