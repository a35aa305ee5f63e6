package io.clicktrends.flume;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything FlumeIO keeps per JVM (a Spark executor, or the DirectRunner's process), in one place.
 * A runner creates, checkpoints, closes and restores readers, and finalizes marks on copies, on
 * other threads, after their reader is gone; so what must outlive a reader lives here, keyed by
 * SparkSink address (or by read), never in a reader:
 *
 * <ul>
 *   <li>{@link #ACK_CONNECTIONS}: one ack connection per sink address, shared by every mark ({@link
 *       SinkAcks}; the SparkSink keys transactions by sequence number, not by connection), with a
 *       lock per address for opening it;
 *   <li>{@link #WAITING_REQUESTS}: a closed reader's connection and its parked getEventBatch,
 *       handed to the next reader of the same sink ({@link RequestHandoff}), and the thread that
 *       retires unclaimed ones;
 *   <li>{@link #CONNECTOR}: the threads that open connections and wait for answers ({@link
 *       SinkConnection});
 *   <li>{@link #RECENT_EVENT_IDS}: the eventIds each unbounded read output recently ({@link
 *       RecentEventIds}, DirectRunner only);
 *   <li>{@link #COUNTERS}: events received, batches acked and connections opened in this JVM, for
 *       logs and tests.
 * </ul>
 */
final class WorkerState {
  static final ConcurrentMap<String, SinkConnection> ACK_CONNECTIONS = new ConcurrentHashMap<>();
  static final ConcurrentMap<String, Object> ACK_CONNECTION_LOCKS = new ConcurrentHashMap<>();
  static final ConcurrentMap<String, RequestHandoff.Waiting> WAITING_REQUESTS =
      new ConcurrentHashMap<>();
  static final ScheduledExecutorService HANDOFF_EXPIRY =
      Executors.newSingleThreadScheduledExecutor(daemon("flumeio-handoff-expiry"));
  static final ExecutorService CONNECTOR = Executors.newCachedThreadPool(daemon("flumeio-connect"));
  static final Map<String, RecentEventIds> RECENT_EVENT_IDS = new ConcurrentHashMap<>();
  static final Counters COUNTERS = new Counters();

  private WorkerState() {}

  /** Totals since this JVM started; tests read differences around what they do. */
  static final class Counters {
    /** Events received from SparkSinks, redeliveries included (before any runner dedup). */
    final AtomicLong eventsReceived = new AtomicLong();

    /** Batches acked to SparkSinks. */
    final AtomicLong batchesAcked = new AtomicLong();

    /** Connections opened to SparkSinks. */
    final AtomicLong connectionsOpened = new AtomicLong();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
