package io.clicktrends.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The JSON form of a click as browsers and JSON-lines files send it, and its conversion to a validated
 * {@link ClickEvent}.
 *
 * <pre>{"eventId":"optional","eventTime":1396437466940 or "2014-04-02T11:17:46.940Z","type":"search",
 *  "sessionId":"s-1","query":"red shoes","url":"...","referrer":"...","userAgent":"...","userId":null}</pre>
 *
 * <p>Unknown fields are ignored so trackers can send extra context without breaking ingest.
 */
public final class ClickEventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ClickEventJson() {}

  /** Parses one JSON object from raw bytes, checking UTF-8 first. */
  public static ParseResult parse(byte[] body, long ingestTimeMillis) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return ParseResult.rejected(RejectReason.INVALID_UTF8, "body is not valid UTF-8: " + e.getMessage());
    }
    return parse(text, ingestTimeMillis);
  }

  /** Parses one JSON object. */
  public static ParseResult parse(String json, long ingestTimeMillis) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON,
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return fromNode((ObjectNode) node, ingestTimeMillis);
  }

  /** Converts a parsed JSON object to a validated event. */
  public static ParseResult fromNode(ObjectNode node, long ingestTimeMillis) {
    ClickEvent.Builder b = ClickEvent.newBuilder();
    try {
      String eventId = optionalString(node, "eventId");
      b.setEventId(eventId == null || eventId.isEmpty() ? UUID.randomUUID().toString() : eventId);

      JsonNode time = node.get("eventTime");
      if (time == null || time.isNull()) {
        return ParseResult.rejected(RejectReason.MISSING_EVENT_TIME, "eventTime is missing");
      }
      b.setEventTime(Instant.ofEpochMilli(eventTimeMillis(time)));

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
    } catch (WrongType e) {
      return ParseResult.rejected(RejectReason.WRONG_TYPE, e.getMessage());
    }
    b.setIngestTime(Instant.ofEpochMilli(ingestTimeMillis));
    ClickEvent event = b.build();
    return ClickEventRules.check(event, System.currentTimeMillis())
        .map(ParseResult::rejected)
        .orElseGet(() -> ParseResult.valid(event));
  }

  /** The JSON object for {@code event} (the inverse of {@link #parse(String, long)}; ingestTime omitted). */
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

  private static long eventTimeMillis(JsonNode time) throws WrongType {
    if (time.isIntegralNumber() && time.canConvertToLong()) {
      return time.longValue();
    }
    if (time.isTextual()) {
      try {
        return Instant.parse(time.textValue()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new WrongType("eventTime " + quote(time.textValue())
            + " is neither epoch milliseconds nor an ISO-8601 instant");
      }
    }
    throw new WrongType("eventTime must be epoch milliseconds or an ISO-8601 string, got " + time.getNodeType());
  }

  private static String optionalString(ObjectNode node, String field) throws WrongType {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      // Numeric ids are common from server-side trackers; accept integers as their decimal text.
      if (v.isIntegralNumber() && !field.equals("type")) {
        return v.asText();
      }
      throw new WrongType(field + " must be a string, got " + v.getNodeType());
    }
    return v.textValue();
  }

  private static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "\"" + shown + "\"";
  }

  private static final class WrongType extends Exception {
    WrongType(String message) {
      super(message);
    }
  }
}
