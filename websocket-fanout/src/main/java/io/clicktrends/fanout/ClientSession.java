package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser. Sends are asynchronous with at most one in flight; the rest wait in a bounded queue.
 * When the queue is full the oldest update is dropped (a newer trend supersedes it anyway), so a
 * slow reader costs the others nothing; a client whose send has not completed for the stall
 * timeout, or which stopped answering pings, is disconnected with a logged reason.
 */
public final class ClientSession implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicLong IDS = new AtomicLong();

  private record Outgoing(String text, long receivedNanos, boolean droppable) {}

  private final Hub hub;
  private final Metrics metrics;
  private final int capacity;
  private final long stallNanos;
  private final String id = "client-" + IDS.incrementAndGet();

  private volatile Session session;
  private volatile Set<String> dimensions; // null = all
  private volatile long lastPongNanos;

  // guarded by this
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private boolean sending;
  private long sendStartedNanos;
  private long droppedHere;
  private boolean closed;

  ClientSession(Hub hub, Metrics metrics, int capacity, long stallNanos) {
    this.hub = hub;
    this.metrics = metrics;
    this.capacity = capacity;
    this.stallNanos = stallNanos;
  }

  Set<String> dimensions() {
    return dimensions;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    session = s;
    lastPongNanos = System.nanoTime();
    LOG.info("{} connected from {}", id, s.getRemoteSocketAddress());
    hub.register(this);
  }

  /** Client messages: {"type":"subscribe","dimensions":["search",...]} (null or absent = all). */
  @Override
  public void onWebSocketText(String text) {
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || !"subscribe".equals(n.path("type").asText())) {
        send(
            Envelopes.error(
                "unknown message; expected {\"type\":\"subscribe\",\"dimensions\":[...]}"),
            0,
            false);
        return;
      }
      JsonNode dims = n.get("dimensions");
      Set<String> wanted = null;
      if (dims != null && !dims.isNull()) {
        if (!dims.isArray()) {
          send(Envelopes.error("dimensions must be an array of names or null"), 0, false);
          return;
        }
        wanted = new LinkedHashSet<>();
        for (JsonNode d : dims) {
          wanted.add(d.asText());
        }
      }
      Set<String> chosen = wanted == null ? null : Set.copyOf(wanted);
      hub.subscribe(this, () -> dimensions = chosen);
    } catch (java.io.IOException e) {
      send(Envelopes.error("message is not JSON"), 0, false);
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    lastPongNanos = System.nanoTime();
  }

  @Override
  public void onWebSocketClose(int status, String reason) {
    LOG.info("{} closed ({} {})", id, status, reason);
    markClosed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("{} error: {}", id, cause.toString());
    markClosed();
  }

  private void markClosed() {
    synchronized (this) {
      closed = true;
      queue.clear();
    }
    hub.unregister(this);
  }

  /** Queues a message; never blocks. {@code receivedNanos} > 0 marks a broadcast to time. */
  void send(String text, long receivedNanos, boolean droppable) {
    Outgoing o = new Outgoing(text, receivedNanos, droppable);
    synchronized (this) {
      if (closed) {
        return;
      }
      if (!sending) {
        startSend(o);
        return;
      }
      long pending = System.nanoTime() - sendStartedNanos;
      if (pending > stallNanos) {
        disconnect("stalled: a send has not completed for " + pending / 1_000_000 + " ms");
        return;
      }
      if (queue.size() >= capacity) {
        dropOldest();
      }
      queue.addLast(o);
    }
  }

  private void dropOldest() {
    // prefer dropping an update; a snapshot is dropped only when nothing else is queued
    Iterator<Outgoing> it = queue.iterator();
    boolean removed = false;
    while (it.hasNext()) {
      if (it.next().droppable()) {
        it.remove();
        removed = true;
        break;
      }
    }
    if (!removed) {
      queue.pollFirst();
    }
    metrics.dropped.inc();
    if (droppedHere++ % 100 == 0) {
      LOG.warn(
          "{} is slow: send queue full ({} messages), dropping the oldest ({} dropped so far)",
          id,
          capacity,
          droppedHere);
    }
  }

  private void startSend(Outgoing o) {
    sending = true;
    sendStartedNanos = System.nanoTime();
    session.sendText(o.text(), Callback.from(() -> sent(o), this::failed));
  }

  private void sent(Outgoing o) {
    metrics.messagesOut.inc();
    if (o.receivedNanos() > 0) {
      metrics.recordLatency(System.nanoTime() - o.receivedNanos());
    }
    synchronized (this) {
      Outgoing next = closed ? null : queue.pollFirst();
      if (next == null) {
        sending = false;
      } else {
        startSend(next);
      }
    }
  }

  private void failed(Throwable t) {
    LOG.debug("{} send failed: {}", id, t.toString());
    synchronized (this) {
      sending = false;
    }
    markClosed();
  }

  /** Called by the hub's keep-alive timer. */
  void ping(long pongTimeoutNanos) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    long silent = System.nanoTime() - lastPongNanos;
    if (silent > pongTimeoutNanos) {
      synchronized (this) {
        disconnect("no pong for " + silent / 1_000_000 + " ms");
      }
      return;
    }
    s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
  }

  // caller holds this
  private void disconnect(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    metrics.disconnectedSlow.inc();
    LOG.warn("disconnecting {} ({}): {}", id, session.getRemoteSocketAddress(), reason);
    // a stalled peer would never read a close frame: drop the connection
    session.disconnect();
    hub.unregister(this);
  }

  @Override
  public String toString() {
    return id;
  }
}
