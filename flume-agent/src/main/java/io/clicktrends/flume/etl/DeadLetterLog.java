package io.clicktrends.flume.etl;

import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Dead-letter warnings, rate-limited: the first dead letter of a reason is logged at once; after
 * that at most one line per reason per minute, with how many were dead-lettered for that reason
 * since the last line and the latest one's detail. What is left when the interceptor closes is
 * logged then. A flood of bad input thus costs a line a minute per reason, and no count is lost.
 */
final class DeadLetterLog {
  static final long PERIOD_MILLIS = 60_000;

  private static final class Pending {
    long count;
    long lastLoggedMillis;
    Rejection latest;
  }

  private final Logger log;
  private final LongSupplier clockMillis;
  private final Map<RejectReason, Pending> byReason = new EnumMap<>(RejectReason.class);

  DeadLetterLog(Logger log, LongSupplier clockMillis) {
    this.log = log;
    this.clockMillis = clockMillis;
  }

  synchronized void record(Rejection rejection) {
    long now = clockMillis.getAsLong();
    Pending p = byReason.get(rejection.reason());
    if (p == null) {
      p = new Pending();
      byReason.put(rejection.reason(), p);
      p.lastLoggedMillis = now;
      log.warn(
          "dead-lettered an event as {}: {} (further ones of this reason are logged once a minute, with their"
              + " count)",
          rejection.reason(),
          rejection.detail());
      return;
    }
    p.count++;
    p.latest = rejection;
    if (now - p.lastLoggedMillis >= PERIOD_MILLIS) {
      emit(rejection.reason(), p, now);
    }
  }

  private void emit(RejectReason reason, Pending p, long now) {
    log.warn(
        "dead-lettered {} event(s) as {} in the last {} s; latest: {}",
        p.count,
        reason,
        (now - p.lastLoggedMillis) / 1000,
        p.latest.detail());
    p.count = 0;
    p.latest = null;
    p.lastLoggedMillis = now;
  }

  /** Logs the counts not yet logged. */
  synchronized void flush() {
    long now = clockMillis.getAsLong();
    byReason.forEach(
        (reason, p) -> {
          if (p.count > 0) {
            emit(reason, p, now);
          }
        });
  }
}
