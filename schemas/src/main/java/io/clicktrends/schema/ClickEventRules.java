package io.clicktrends.schema;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules every valid {@link ClickEvent} obeys. Shared by the ingest (Flume interceptor) and the
 * pipeline's validation step, so both reject the same records for the same reasons.
 */
public final class ClickEventRules {
  /**
   * 2000-01-01T00:00:00Z: anything earlier is a broken clock or a unit mistake (seconds for
   * millis).
   */
  public static final Instant MIN_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");

  /** {@link #MIN_EVENT_TIME} in epoch milliseconds. */
  public static final long MIN_EVENT_TIME_MILLIS = MIN_EVENT_TIME.toEpochMilli();

  /**
   * How far ahead of the server's clock at ingest ({@code ingestTime}) an event time may be, by
   * default: 2 minutes. A client clock further ahead is broken (a device set to the wrong day or
   * time zone), and trusting it would move the watermark past every real click, making them late.
   * Configurable: the interceptor's {@code maxClockSkewSeconds}, the pipeline's {@code
   * --maxClockSkew}.
   */
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(2);

  /** Longest product id, category or query accepted, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private ClickEventRules() {}

  /** {@link #check(ClickEvent, long, long)} with the {@link #DEFAULT_MAX_CLOCK_SKEW}. */
  public static Optional<Rejection> check(ClickEvent event, long nowMillis) {
    return check(event, nowMillis, DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * Returns why {@code event} is invalid at processing time {@code nowMillis}, or empty if it is
   * valid. Never throws for any field value (an event time outside the epoch-millisecond range
   * included).
   *
   * @param nowMillis the checker's clock, epoch milliseconds
   * @param maxClockSkewMillis how far the event time may lie ahead of the server's clock: of {@code
   *     ingestTime}, or of {@code nowMillis} when that is earlier (or ingestTime is absent), in
   *     milliseconds, at least 0
   */
  public static Optional<Rejection> check(
      ClickEvent event, long nowMillis, long maxClockSkewMillis) {
    Instant time = event.getEventTime();
    if (time == null) {
      return reject(RejectReason.MISSING_EVENT_TIME, "eventTime is missing");
    }
    // Compare Instants, never toEpochMilli(): an ISO date in year 1e9 is a valid Instant whose
    // millis overflow a long.
    if (time.isBefore(MIN_EVENT_TIME)) {
      return reject(RejectReason.TIMESTAMP_TOO_OLD, "eventTime " + time + " is before 2000-01-01");
    }
    Instant ingest = event.getIngestTime();
    long serverClock = ingest == null ? nowMillis : Math.min(nowMillis, ingest.toEpochMilli());
    Instant latest = Instant.ofEpochMilli(serverClock).plusMillis(maxClockSkewMillis);
    if (time.isAfter(latest)) {
      return reject(
          RejectReason.TIMESTAMP_IN_FUTURE,
          "eventTime "
              + time
              + " is more than "
              + Duration.ofMillis(maxClockSkewMillis)
              + " ahead of the server clock "
              + Instant.ofEpochMilli(serverClock)
              + " (maxClockSkew)");
    }
    if (event.getType() == null || event.getType() == EventType.UNKNOWN) {
      return reject(RejectReason.UNKNOWN_TYPE, "type is not one this version knows");
    }
    if (event.getSessionId() == null || event.getSessionId().isEmpty()) {
      return reject(RejectReason.MISSING_FIELD, "sessionId is missing");
    }
    String[][] texts = {
      {"eventId", event.getEventId()},
      {"sessionId", event.getSessionId()},
      {"userId", event.getUserId()},
      {"productId", event.getProductId()},
      {"category", event.getCategory()},
      {"query", event.getQuery()},
      {"url", event.getUrl()},
      {"referrer", event.getReferrer()},
      {"userAgent", event.getUserAgent()}
    };
    for (String[] field : texts) {
      int bad = invalidUnicodeAt(field[1]);
      if (bad >= 0) {
        return reject(
            RejectReason.INVALID_UNICODE,
            field[0]
                + " holds "
                + (field[1].charAt(bad) == '\uFFFD'
                    ? "U+FFFD (left where a decoder met invalid text)"
                    : String.format("an unpaired surrogate U+%04X", (int) field[1].charAt(bad)))
                + " at index "
                + bad);
      }
    }
    for (String[] field : new String[][] {texts[3], texts[4], texts[5]}) {
      String value = field[1];
      if (value != null && utf8Length(value) > MAX_KEY_BYTES) {
        return reject(
            RejectReason.KEY_TOO_LONG,
            field[0]
                + " is "
                + utf8Length(value)
                + " bytes, over the "
                + MAX_KEY_BYTES
                + "-byte limit");
      }
    }
    return Optional.empty();
  }

  /**
   * The index of the first char of {@code s} that is not valid Unicode text, or -1: an unpaired
   * surrogate (a JSON {@code \uD800} escape; UTF-8 cannot encode it, Avro would write it as {@code
   * ?} and so make another key), or U+FFFD, which is what a lenient UTF-8 decoder (Avro's, Beam's
   * TextIO) leaves where the bytes were invalid. Both are dead-lettered so that invalid text never
   * becomes a key, whichever path it came by.
   */
  public static int invalidUnicodeAt(String s) {
    if (s == null) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\uFFFD') {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@code s} with every unpaired surrogate replaced by U+FFFD: safe to write as UTF-8 (for details
   * and logs).
   */
  public static String withoutLoneSurrogates(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        if (b != null) {
          b.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        if (b == null) {
          b = new StringBuilder(s.length()).append(s, 0, i);
        }
        b.append('\uFFFD');
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  private static Optional<Rejection> reject(RejectReason reason, String detail) {
    return Optional.of(new Rejection(reason, detail));
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
