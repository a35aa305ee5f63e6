package io.clicktrends.fanout;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the latest trends and the connected clients. Registration, subscription and broadcast run
 * under one lock and only enqueue (never block on a socket), so a client's snapshot and the updates
 * after it are in order with nothing missed or repeated.
 */
final class Hub {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final TrendStore store = new TrendStore();
  private final Set<ClientSession> clients = ConcurrentHashMap.newKeySet();
  private final Metrics metrics;
  private final Labels labels;
  private final int heartbeatSeconds;

  Hub(Metrics metrics) {
    this(metrics, Labels.NONE, 15);
  }

  /**
   * {@code heartbeatSeconds}: how often clients get a heartbeat message (the page's watchdog
   * expects them).
   */
  Hub(Metrics metrics, Labels labels, int heartbeatSeconds) {
    this.metrics = metrics;
    this.labels = labels;
    this.heartbeatSeconds = heartbeatSeconds;
  }

  synchronized void register(ClientSession c) {
    clients.add(c);
    c.send(snapshot(c), 0, false);
  }

  /** Applies a subscription change, then sends the matching snapshot. */
  synchronized void subscribe(ClientSession c, Runnable change) {
    change.run();
    c.send(snapshot(c), 0, false);
  }

  private String snapshot(ClientSession c) {
    return Envelopes.snapshot(
        store.latest(),
        store.previousWindows(),
        c.dimensions(),
        labels,
        System.currentTimeMillis(),
        heartbeatSeconds);
  }

  void unregister(ClientSession c) {
    clients.remove(c);
  }

  /**
   * A trend from the broker; {@code receivedNanos} is when it was delivered, {@code
   * receivedAtMillis} the same as wall time.
   */
  synchronized void onTrend(TrendMessage t, long receivedNanos, long receivedAtMillis) {
    metrics.lastArrivalNanos.set(receivedNanos);
    if (store.tooFarAhead(t)) {
      metrics.trendsFuture.inc();
      return;
    }
    metrics.recordArrival(t.dimension(), t.kind(), receivedAtMillis);
    if (!store.offer(t, receivedAtMillis)) {
      metrics.trendsIgnored.inc();
      return;
    }
    metrics.trendsAccepted.inc();
    // accepted only: a redelivered or replayed old window says nothing about the pipeline's delay
    metrics.recordDelay(
        t.dimension(), t.kind(), receivedAtMillis, t.trend().getWindowEnd().toEpochMilli());
    metrics.lastUpdateNanos.set(receivedNanos);
    String message = Envelopes.trend(t, labels, receivedAtMillis);
    for (ClientSession c : clients) {
      if (Envelopes.wanted(c.dimensions(), t)) {
        c.send(message, receivedNanos, true);
      }
    }
  }

  /**
   * Pings every client, and sends each a heartbeat message (browsers cannot see WebSocket pings).
   */
  void pingAll(long pongTimeoutNanos) {
    String heartbeat = Envelopes.heartbeat(System.currentTimeMillis());
    for (ClientSession c : clients) {
      // one client's failure must cost nobody else: an exception here would end the schedule
      try {
        c.ping(pongTimeoutNanos);
        c.send(heartbeat, 0, true);
      } catch (RuntimeException e) {
        LOG.warn("ping of a client failed; the others are still pinged", e);
      }
    }
  }

  int clients() {
    return clients.size();
  }

  int dimensions() {
    return store.size();
  }
}
