package io.clicktrends.schema;

/** The Flume event headers the ingest path sets and reads. */
public final class EventHeaders {
  /** {@value #VALID} or {@value #DEAD}; the multiplexing channel selector routes on it. */
  public static final String STATUS = "clicktrends.status";

  public static final String VALID = "valid";
  public static final String DEAD = "dead";

  /** A {@link io.clicktrends.schema.RejectReason} name, on dead events. */
  public static final String REASON = "clicktrends.reason";

  /** Human-readable detail naming the offending value, on dead events. */
  public static final String DETAIL = "clicktrends.detail";

  /** Size of the body as received, when the dead-letter copy is truncated. */
  public static final String ORIGINAL_SIZE = "clicktrends.originalSize";

  /**
   * Optional per-event override of the interceptor's input format: {@code json} or {@code
   * accesslog}.
   */
  public static final String FORMAT = "clicktrends.format";

  /**
   * Flume's Avro tooling (AvroEventSerializer, the Avro sinks' readers) looks for one of these two.
   */
  public static final String SCHEMA_LITERAL = "flume.avro.schema.literal";

  /**
   * The writer schema's CRC-64-AVRO fingerprint of its parsing canonical form, 16 hex digits (the
   * default).
   */
  public static final String SCHEMA_FINGERPRINT = "clicktrends.schema.fingerprint";

  public static final String SCHEMA_URL = "flume.avro.schema.url";

  private EventHeaders() {}
}
