package io.clicktrends.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;

/**
 * The JSON form of a click as browsers and JSON-lines files send it, and its conversion to a
 * validated {@link ClickEvent}.
 *
 * <pre>
 * {"eventId":"optional","eventTime":1396437466940 or "2014-04-02T11:17:46.940Z","type":"search",
 *  "sessionId":"s-1","query":"red shoes","url":"...","referrer":"...","userAgent":"...","userId":null}
 * </pre>
 *
 * <p>Unknown fields are ignored so trackers can send extra context without breaking ingest. One
 * input holds exactly one JSON object (a leading UTF-8 byte-order mark is ignored); anything after
 * it but whitespace makes it MALFORMED_JSON. No method here throws for any input: each bad value
 * becomes a {@link Rejection} that names the field.
 */
public final class ClickEventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // One record is one JSON value: whatever follows it ("{...}{...}", "[...] garbage") is an error,
  // never dropped.
  private static final ObjectReader ONE_VALUE =
      MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private ClickEventJson() {}

  /** {@link #parse(byte[], long, long)} with {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}. */
  public static ParseResult parse(byte[] body, long ingestTimeMillis) {
    return parse(body, ingestTimeMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * A body as text: strict UTF-8 (malformed or unmappable bytes are refused, never replaced), a
   * leading byte-order mark dropped (it is not content).
   *
   * @throws CharacterCodingException when the bytes are not valid UTF-8
   */
  public static String decodeUtf8(byte[] body) throws CharacterCodingException {
    int from = startsWithBom(body) ? UTF8_BOM.length : 0;
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(body, from, body.length - from))
        .toString();
  }

  /**
   * Parses one JSON object from raw bytes: strict UTF-8, a leading byte-order mark ignored, nothing
   * but whitespace after the object. Never throws: every bad input is a rejection.
   *
   * @param ingestTimeMillis the server's clock now, epoch milliseconds (becomes {@code ingestTime})
   * @param maxClockSkewMillis how far ahead of it the event time may be, milliseconds
   */
  public static ParseResult parse(byte[] body, long ingestTimeMillis, long maxClockSkewMillis) {
    String text;
    try {
      text = decodeUtf8(body);
    } catch (CharacterCodingException e) {
      return ParseResult.rejected(
          RejectReason.INVALID_UTF8, "body is not valid UTF-8: " + e.getMessage());
    }
    return parse(text, ingestTimeMillis, maxClockSkewMillis);
  }

  /** True if {@code bytes} starts with the UTF-8 byte-order mark EF BB BF. */
  public static boolean startsWithBom(byte[] bytes) {
    return bytes.length >= 3
        && bytes[0] == UTF8_BOM[0]
        && bytes[1] == UTF8_BOM[1]
        && bytes[2] == UTF8_BOM[2];
  }

  /**
   * {@code text} without a leading byte-order mark (U+FEFF): editors put one at the start of files.
   */
  public static String withoutBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** {@link #parse(String, long, long)} with {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}. */
  public static ParseResult parse(String json, long ingestTimeMillis) {
    return parse(json, ingestTimeMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * Parses one JSON object (a leading byte-order mark ignored; nothing but whitespace may follow
   * the object). Never throws: every bad input is a rejection, {@link RejectReason#INTERNAL_ERROR}
   * for an unforeseen exception.
   */
  public static ParseResult parse(String json, long ingestTimeMillis, long maxClockSkewMillis) {
    try {
      JsonNode node;
      try {
        node = ONE_VALUE.readTree(withoutBom(json));
      } catch (JsonProcessingException e) {
        return ParseResult.rejected(RejectReason.MALFORMED_JSON, jsonError(e));
      }
      if (node == null || node.isMissingNode() || !node.isObject()) {
        return ParseResult.rejected(
            RejectReason.MALFORMED_JSON,
            "expected a JSON object, got "
                + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType()));
      }
      return fromNode((ObjectNode) node, ingestTimeMillis, maxClockSkewMillis);
    } catch (RuntimeException e) {
      return ParseResult.rejected(Rejection.internalError("ClickEventJson.parse", e));
    }
  }

  /**
   * What is wrong with a JSON text, and where: "not valid JSON at line 2, column 1 (char 27): ...".
   * Trailing content after the first value says so.
   */
  public static String jsonError(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null
            ? ""
            : " at line "
                + at.getLineNr()
                + ", column "
                + at.getColumnNr()
                + (at.getCharOffset() >= 0 ? " (char " + at.getCharOffset() + ")" : "");
    String message = e.getOriginalMessage();
    if (message != null && message.startsWith("Trailing token")) {
      return "content after the first JSON value"
          + where
          + ": one record holds one JSON value ("
          + message
          + ")";
    }
    return "not valid JSON" + where + ": " + message;
  }

  /**
   * {@link #fromNode(ObjectNode, long, long)} with {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}.
   */
  public static ParseResult fromNode(ObjectNode node, long ingestTimeMillis) {
    return fromNode(node, ingestTimeMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * Converts a parsed JSON object to a validated event; never throws.
   *
   * @param ingestTimeMillis the server's clock now, epoch milliseconds (becomes {@code ingestTime})
   * @param maxClockSkewMillis how far ahead of it the event time may be, milliseconds
   */
  public static ParseResult fromNode(
      ObjectNode node, long ingestTimeMillis, long maxClockSkewMillis) {
    try {
      return convert(node, ingestTimeMillis, maxClockSkewMillis);
    } catch (RuntimeException e) {
      return ParseResult.rejected(Rejection.internalError("ClickEventJson.fromNode", e));
    }
  }

  private static ParseResult convert(
      ObjectNode node, long ingestTimeMillis, long maxClockSkewMillis) {
    ClickEvent.Builder b = ClickEvent.newBuilder();
    try {
      String eventId = optionalString(node, "eventId");
      b.setEventId(eventId == null || eventId.isEmpty() ? UUID.randomUUID().toString() : eventId);

      JsonNode time = node.get("eventTime");
      if (time == null || time.isNull()) {
        return ParseResult.rejected(RejectReason.MISSING_EVENT_TIME, "eventTime is missing");
      }
      b.setEventTime(eventTime(time));

      String type = optionalString(node, "type");
      if (type == null) {
        return ParseResult.rejected(RejectReason.MISSING_FIELD, "type is missing");
      }
      EventType eventType = eventType(type);
      if (eventType == null) {
        return ParseResult.rejected(RejectReason.UNKNOWN_TYPE, "unknown type " + quote(type));
      }
      b.setType(eventType);

      String sessionId = optionalString(node, "sessionId");
      if (sessionId == null || sessionId.isEmpty()) {
        return ParseResult.rejected(RejectReason.MISSING_FIELD, "sessionId is missing");
      }
      b.setSessionId(sessionId);
      b.setUserId(optionalString(node, "userId"));
      b.setProductId(optionalString(node, "productId"));
      b.setCategory(optionalString(node, "category"));
      b.setQuery(optionalString(node, "query"));
      b.setUrl(optionalString(node, "url"));
      b.setReferrer(optionalString(node, "referrer"));
      b.setUserAgent(optionalString(node, "userAgent"));
    } catch (BadField e) {
      return ParseResult.rejected(e.reason, e.getMessage());
    }
    b.setIngestTime(Instant.ofEpochMilli(ingestTimeMillis));
    ClickEvent event = b.build();
    return ClickEventRules.check(event, System.currentTimeMillis(), maxClockSkewMillis)
        .map(ParseResult::rejected)
        .orElseGet(() -> ParseResult.valid(event));
  }

  /**
   * The JSON object for {@code event} (the inverse of {@link #parse(String, long)}; ingestTime
   * omitted).
   */
  public static String toJson(ClickEvent event) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("eventId", event.getEventId());
    n.put("eventTime", event.getEventTime().toEpochMilli());
    n.put("type", event.getType().name());
    n.put("sessionId", event.getSessionId());
    putIfPresent(n, "userId", event.getUserId());
    putIfPresent(n, "productId", event.getProductId());
    putIfPresent(n, "category", event.getCategory());
    putIfPresent(n, "query", event.getQuery());
    putIfPresent(n, "url", event.getUrl());
    putIfPresent(n, "referrer", event.getReferrer());
    putIfPresent(n, "userAgent", event.getUserAgent());
    return n.toString();
  }

  /** The event type for a wire name, or null if this version does not know it. */
  public static EventType eventType(String name) {
    if (name == null || name.equals(EventType.UNKNOWN.name())) {
      return null;
    }
    try {
      return EventType.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  /**
   * The event time of an integral epoch-milliseconds number or an ISO-8601 instant string. A time
   * outside the range of epoch milliseconds (a number beyond a long, a date in year 1e9) is out of
   * range, not an overflow: the rules reject it as too old or in the future, naming eventTime.
   */
  private static Instant eventTime(JsonNode time) throws BadField {
    if (time.isIntegralNumber()) {
      if (!time.canConvertToLong()) {
        boolean negative = time.bigIntegerValue().signum() < 0;
        throw new BadField(
            negative ? RejectReason.TIMESTAMP_TOO_OLD : RejectReason.TIMESTAMP_IN_FUTURE,
            "eventTime " + quote(time.asText()) + " is out of the range of epoch milliseconds");
      }
      return Instant.ofEpochMilli(time.longValue());
    }
    if (time.isNumber()) {
      throw new BadField(
          RejectReason.WRONG_TYPE,
          "eventTime " + quote(time.asText()) + " is not whole epoch milliseconds");
    }
    if (time.isTextual()) {
      try {
        return Instant.parse(time.textValue());
      } catch (DateTimeException e) { // DateTimeParseException, and any range error of the parse
        throw new BadField(
            RejectReason.WRONG_TYPE,
            "eventTime "
                + quote(time.textValue())
                + " is neither epoch milliseconds nor an ISO-8601 instant");
      }
    }
    throw new BadField(
        RejectReason.WRONG_TYPE,
        "eventTime must be epoch milliseconds or an ISO-8601 string, got " + time.getNodeType());
  }

  private static String optionalString(ObjectNode node, String field) throws BadField {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      // Numeric ids are common from server-side trackers; accept integers as their decimal text.
      if (v.isIntegralNumber() && !field.equals("type")) {
        return v.asText();
      }
      throw new BadField(
          RejectReason.WRONG_TYPE, field + " must be a string, got " + v.getNodeType());
    }
    return v.textValue();
  }

  private static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "\"" + shown + "\"";
  }

  /** A field whose value cannot be used, with the reason; the message names the field. */
  private static final class BadField extends Exception {
    final RejectReason reason;

    BadField(RejectReason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
