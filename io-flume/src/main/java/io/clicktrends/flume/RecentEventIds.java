package io.clicktrends.flume;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The eventIds one read has output in this JVM within the last 10 minutes, at most 100,000 (the
 * bounds of the DirectRunner's own record deduplicator), so a redelivered event is output once.
 *
 * <p>Why: a batch the sink hands out again after a rollback (an unfinalized batch past the sink's
 * timeout) can come back grouped with other rolled-back events, so the runner's dedup by record id,
 * which sees whole batches, misses it. Only for runners that never retry a bundle (the
 * DirectRunner): a retried bundle would drop the events its failed attempt had seen. Per JVM and
 * per read ({@code readId}), like the DirectRunner's deduplicator.
 */
final class RecentEventIds {
  private static final long KEEP_MILLIS = 10 * 60_000;
  private static final int MAX_IDS = 100_000;

  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>(1024, 0.75f, true);

  private RecentEventIds() {}

  static RecentEventIds of(String readId) {
    return WorkerState.RECENT_EVENT_IDS.computeIfAbsent(readId, r -> new RecentEventIds());
  }

  /**
   * True the first time {@code eventId} is offered within the last 10 minutes; false for a repeat.
   */
  synchronized boolean firstTime(String eventId, long nowMillis) {
    Long before = seen.put(eventId, nowMillis);
    while (!seen.isEmpty()) {
      Map.Entry<String, Long> eldest = seen.entrySet().iterator().next();
      if (seen.size() <= MAX_IDS && nowMillis - eldest.getValue() <= KEEP_MILLIS) {
        break;
      }
      seen.remove(eldest.getKey());
    }
    return before == null || nowMillis - before > KEEP_MILLIS;
  }
}
