package io.clicktrends.schema;

/**
 * Why an input record did not become a valid {@link ClickEvent}; the code stored in {@link
 * DeadLetter#getReason()}.
 */
public enum RejectReason {
  /** The body is not valid JSON, or not a JSON object. */
  MALFORMED_JSON,
  /** The body is not valid UTF-8. */
  INVALID_UTF8,
  /** The body exceeds the configured size limit. */
  BODY_TOO_LARGE,
  /** A required field (sessionId, or the key a type needs) is absent or empty. */
  MISSING_FIELD,
  /** A field has the wrong JSON type, e.g. a number where a string is expected. */
  WRONG_TYPE,
  /** eventTime is absent or null. */
  MISSING_EVENT_TIME,
  /** The type is not one this version knows. */
  UNKNOWN_TYPE,
  /** eventTime lies before 2000-01-01. */
  TIMESTAMP_TOO_OLD,
  /**
   * eventTime lies more than maxClockSkew (default 2 minutes) ahead of the server's clock at ingest
   * (ingestTime), or is beyond any representable time (e.g. year 1,000,000,000).
   */
  TIMESTAMP_IN_FUTURE,
  /** A product id, category or query is longer than 1 KiB (UTF-8). */
  KEY_TOO_LONG,
  /**
   * An access-log line that is not in combined log format, or whose URL matches no click pattern.
   */
  UNPARSEABLE_LOG_LINE,
  /**
   * A string field holds an unpaired surrogate (a {@code \uD800}-style JSON escape) or U+FFFD (what
   * a decoder leaves where the bytes were not valid UTF-8).
   */
  INVALID_UNICODE,
  /**
   * Processing this one input threw an unexpected exception (a bug: every known bad input has its
   * own reason); the detail names the exception. The input is kept, and the rest of its batch goes
   * on.
   */
  INTERNAL_ERROR
}
