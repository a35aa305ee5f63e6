package io.clicktrends.flume;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.streaming.flume.sink.EventBatch;

/**
 * Hands a closed reader's connection, still opening or open with its getEventBatch waiting or
 * answered but unread, to the next reader of the same sink in this JVM.
 *
 * <p>Why: the SparkRunner closes its cached reader when a micro-batch takes longer than 1.5 batch
 * intervals and restores a new one from the checkpoint mark for the next, which reads for only 200
 * ms. Connecting and handshaking in that time often fails on a loaded machine, so a reader per
 * micro-batch could read nothing for many batches in a row (seen: 15 s), each one leaving a request
 * that took a batch only to nack it. Handed over, the request's answer is read by the next reader
 * at once, on the same connection.
 *
 * <p>The batch of a handed-over request is in no checkpoint mark; the reader that takes it acks it
 * through its own marks. A request nobody takes within {@link #KEEP_MILLIS} is retired (nacked when
 * answered, so Flume hands its events out again).
 */
final class RequestHandoff {
  static final long KEEP_MILLIS = 10_000;

  /**
   * A connection still opening, or an open one and its getEventBatch (if any) sent at {@code
   * sentAt}.
   */
  record Waiting(
      String address,
      CompletableFuture<SinkConnection> opening,
      SinkConnection connection,
      CompletableFuture<EventBatch> request,
      long sentAt) {
    static Waiting opening(String address, CompletableFuture<SinkConnection> opening) {
      return new Waiting(address, opening, null, null, 0);
    }

    static Waiting requesting(
        SinkConnection connection, CompletableFuture<EventBatch> request, long sentAt) {
      return new Waiting(connection.address(), null, connection, request, sentAt);
    }

    boolean usable() {
      return opening != null ? !opening.isCompletedExceptionally() : connection.isOpen();
    }

    void retire() {
      if (opening != null) {
        opening.thenAccept(SinkConnection::close);
      } else {
        connection.release(request);
      }
    }
  }

  private RequestHandoff() {}

  /**
   * Leaves {@code waiting} for the next reader of its sink; one left earlier and not taken is
   * retired.
   */
  static void leave(Waiting waiting) {
    String address = waiting.address();
    Waiting previous = WorkerState.WAITING_REQUESTS.put(address, waiting);
    if (previous != null) {
      previous.retire();
    }
    WorkerState.HANDOFF_EXPIRY.schedule(
        () -> {
          if (WorkerState.WAITING_REQUESTS.remove(address, waiting)) {
            waiting.retire();
          }
        },
        KEEP_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** What is left for {@code address} now, without taking it; for tests. */
  static Waiting peek(String address) {
    return WorkerState.WAITING_REQUESTS.get(address);
  }

  /** What a closed reader of {@code address} left, if anything and still usable; else null. */
  static Waiting take(String address) {
    Waiting w = WorkerState.WAITING_REQUESTS.remove(address);
    if (w != null && !w.usable()) {
      w.retire(); // closes it; an answer that did arrive is nacked
      return null;
    }
    return w;
  }
}
