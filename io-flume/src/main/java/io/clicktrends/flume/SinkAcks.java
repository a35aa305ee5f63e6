package io.clicktrends.flume;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acks batches from {@code finalizeCheckpoint()}, which a runner may call on a copy of the mark, on
 * another thread, after the reader is gone. The SparkSink keys transactions by sequence number, not
 * by connection, so one shared ack connection per sink address (per JVM) serves every mark.
 */
final class SinkAcks {
  private static final Logger LOG = LoggerFactory.getLogger(SinkAcks.class);

  private SinkAcks() {}

  /**
   * Nacks on the shared connection, not the reader's own, which may have a getEventBatch parked on
   * it. (With Spark's original sink a parked poll also froze every other connection on the same
   * Netty I/O worker; our shaded sink runs requests on an execution handler, see
   * SinkConcurrencyTest.)
   */
  static void nack(String address, String sequenceNumber, int connectTimeoutMillis) {
    try {
      connection(address, connectTimeoutMillis).nack(sequenceNumber);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "FlumeIO: nack of batch {} at {} failed ({}); the sink redelivers it after its timeout",
          sequenceNumber,
          address,
          e.toString());
    }
  }

  static void ack(String address, String sequenceNumber, int connectTimeoutMillis) {
    for (int attempt = 1; attempt <= 2; attempt++) {
      SinkConnection c = null;
      try {
        c = connection(address, connectTimeoutMillis);
        c.ack(sequenceNumber);
        WorkerState.COUNTERS.batchesAcked.incrementAndGet();
        return;
      } catch (IOException | RuntimeException e) {
        if (c != null) {
          WorkerState.ACK_CONNECTIONS.remove(address, c);
          c.close();
        }
        if (attempt == 2) {
          // Not fatal: the sink rolls the batch back after its timeout and hands it out again (at
          // least once).
          LOG.warn(
              "FlumeIO: could not ack batch {} at SparkSink {} ({}); it will be redelivered after the sink's"
                  + " timeout",
              sequenceNumber,
              address,
              e.toString());
        }
      }
    }
  }

  private static SinkConnection connection(String address, int connectTimeoutMillis)
      throws IOException {
    SinkConnection c = WorkerState.ACK_CONNECTIONS.get(address);
    if (c != null && c.isOpen()) {
      return c;
    }
    // One lock per address: a frozen agent delays only its own acks, not every agent's.
    synchronized (WorkerState.ACK_CONNECTION_LOCKS.computeIfAbsent(address, a -> new Object())) {
      c = WorkerState.ACK_CONNECTIONS.get(address);
      if (c == null || !c.isOpen()) {
        c = SinkConnection.openWithin(address, connectTimeoutMillis);
        WorkerState.ACK_CONNECTIONS.put(address, c);
      }
      return c;
    }
  }
}
