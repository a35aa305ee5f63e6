package io.clicktrends.fanout;

import io.clicktrends.schema.Trend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds the latest trends and the connected clients. Registration, subscription and broadcast run
 * under one lock and only enqueue (never block on a socket), so a client's snapshot and the updates
 * after it are in order with nothing missed or repeated.
 */
final class Hub {
  private final TrendStore store = new TrendStore();
  private final Set<ClientSession> clients = ConcurrentHashMap.newKeySet();
  private final Metrics metrics;

  Hub(Metrics metrics) {
    this.metrics = metrics;
  }

  synchronized void register(ClientSession c) {
    clients.add(c);
    c.send(Envelopes.snapshot(store.latest(), store.previousWindows(), c.dimensions()), 0, false);
  }

  /** Applies a subscription change, then sends the matching snapshot. */
  synchronized void subscribe(ClientSession c, Runnable change) {
    change.run();
    c.send(Envelopes.snapshot(store.latest(), store.previousWindows(), c.dimensions()), 0, false);
  }

  void unregister(ClientSession c) {
    clients.remove(c);
  }

  /** A trend from the broker; {@code receivedNanos} is when it was delivered. */
  synchronized void onTrend(Trend t, long receivedNanos) {
    if (store.tooFarAhead(t)) {
      metrics.trendsFuture.increment();
      return;
    }
    if (!store.offer(t)) {
      metrics.trendsIgnored.increment();
      return;
    }
    metrics.trendsAccepted.increment();
    metrics.lastUpdateNanos.set(receivedNanos);
    String message = Envelopes.trend(t);
    for (ClientSession c : clients) {
      if (Envelopes.wanted(c.dimensions(), t)) {
        c.send(message, receivedNanos, true);
      }
    }
  }

  void pingAll(long pongTimeoutNanos) {
    for (ClientSession c : clients) {
      c.ping(pongTimeoutNanos);
    }
  }

  int clients() {
    return clients.size();
  }

  int dimensions() {
    return store.size();
  }
}
