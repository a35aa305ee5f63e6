package io.clicktrends.flume;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Builds a source the way FlumeIO.read() does, and drives readers, for reader-level tests. */
final class FlumeIOTestAccess {
  private FlumeIOTestAccess() {}

  /** One event per record, so a test can take a mark in the middle of a fetched batch. */
  static FlumeSource source(String address, int batchSize) {
    return new FlumeSource(
        List.of(address),
        new FlumeSource.Settings(
            batchSize, 2_000, 120_000, 5_000, 30_000, Long.MAX_VALUE, true, 1));
  }

  /**
   * The eventIds of the next {@code n} events the reader emits (started here); fails after {@code
   * within}.
   */
  static Set<String> readIds(FlumeReader r, int n, Duration within) throws Exception {
    Set<String> ids = new TreeSet<>();
    long deadline = System.nanoTime() + within.toNanos();
    boolean has = r.start();
    while (true) {
      if (has) {
        ids.add(only(r).getEventId());
        if (ids.size() >= n) {
          return ids; // no further advance(): it would consume (emit) an event the test then
          // ignores
        }
      } else if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + ids.size() + " of " + n + " events within " + within + ": " + ids);
      } else {
        Thread.sleep(10); // advance() does not block by design; poll it
      }
      has = r.advance();
    }
  }

  /** Starts the reader and polls it until its getEventBatch waits on the (empty) sink. */
  static void startUntilWaiting(FlumeReader r) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    boolean has = r.start();
    while (r.waitingSince() == EventTimeWatermark.NOT_WAITING) {
      if (has) {
        throw new AssertionError(
            "the sink should be empty, but the reader emitted " + only(r).getEventId());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no getEventBatch waiting within 30 s");
      }
      Thread.sleep(10);
      has = r.advance();
    }
  }

  /** The one event of the reader's current record (these tests read one event per record). */
  static io.clicktrends.schema.ClickEvent only(FlumeReader r) {
    List<io.clicktrends.schema.ClickEvent> record = r.getCurrent();
    if (record.size() != 1) {
      throw new AssertionError("expected one event per record, got " + record.size());
    }
    return record.get(0);
  }
}
