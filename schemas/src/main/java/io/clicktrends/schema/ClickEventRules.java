package io.clicktrends.schema;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules every valid {@link ClickEvent} obeys. Shared by the ingest (Flume interceptor) and the
 * pipeline's validation step, so both reject the same records for the same reasons.
 */
public final class ClickEventRules {
  /** 2000-01-01T00:00:00Z: anything earlier is a broken clock or a unit mistake (seconds for millis). */
  public static final long MIN_EVENT_TIME_MILLIS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
  /** How far ahead of the clock an event may claim to be. */
  public static final long MAX_FUTURE_SKEW_MILLIS = 24L * 60 * 60 * 1000;
  /** Longest product id, category or query accepted, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private ClickEventRules() {}

  /** Returns why {@code event} is invalid at processing time {@code nowMillis}, or empty if it is valid. */
  public static Optional<Rejection> check(ClickEvent event, long nowMillis) {
    if (event.getEventTime() == null) {
      return reject(RejectReason.MISSING_EVENT_TIME, "eventTime is missing");
    }
    long t = event.getEventTime().toEpochMilli();
    if (t < MIN_EVENT_TIME_MILLIS) {
      return reject(RejectReason.TIMESTAMP_TOO_OLD,
          "eventTime " + t + " (" + event.getEventTime() + ") is before 2000-01-01");
    }
    if (t > nowMillis + MAX_FUTURE_SKEW_MILLIS) {
      return reject(RejectReason.TIMESTAMP_IN_FUTURE,
          "eventTime " + t + " (" + event.getEventTime() + ") is more than a day in the future");
    }
    if (event.getType() == null || event.getType() == EventType.UNKNOWN) {
      return reject(RejectReason.UNKNOWN_TYPE, "type is not one this version knows");
    }
    if (event.getSessionId() == null || event.getSessionId().isEmpty()) {
      return reject(RejectReason.MISSING_FIELD, "sessionId is missing");
    }
    for (String[] field : new String[][] {
        {"productId", event.getProductId()},
        {"category", event.getCategory()},
        {"query", event.getQuery()}}) {
      String value = field[1];
      if (value != null && utf8Length(value) > MAX_KEY_BYTES) {
        return reject(RejectReason.KEY_TOO_LONG,
            field[0] + " is " + utf8Length(value) + " bytes, over the " + MAX_KEY_BYTES + "-byte limit");
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> reject(RejectReason reason, String detail) {
    return Optional.of(new Rejection(reason, detail));
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
