package io.clicktrends.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Known-bad inputs for the robustness tests of every reader of clicks (the codec, the Flume
 * interceptor and HTTP handler, ParseClickLines, replay): a good click with one field at a time
 * replaced by a malformed value. Each must give an event or a dead letter with its reason, never an
 * exception.
 */
public final class MalformedClicks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectWriter ASCII = JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  /** Every field of the JSON form. */
  public static final List<String> FIELDS =
      List.of(
          "eventId",
          "eventTime",
          "type",
          "sessionId",
          "userId",
          "productId",
          "category",
          "query",
          "url",
          "referrer",
          "userAgent");

  /**
   * Malformed values, as JSON: huge and negative numbers, wrong types, invalid Unicode,
   * out-of-range dates.
   */
  public static final List<String> VALUES =
      List.of(
          "null",
          "true",
          "false",
          "0",
          "-1",
          "1.5",
          "-0.0",
          "1e400",
          "-1e400",
          "1E+20",
          "9223372036854775807",
          "-9223372036854775808",
          "9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999999999999999999999",
          "-" + "9".repeat(900),
          "1" + "0".repeat(900),
          "[]",
          "[1,2]",
          "{}",
          "{\"a\":{\"b\":[null]}}",
          "\"\"",
          "\" \"",
          "\"x\"",
          "\"search\"",
          "\"\\uD800abc\"",
          "\"abc\\uDC00\"",
          "\"\\uDBFF\"",
          "\"\\uFFFD\"",
          "\"\\u0000\"",
          "\"\\uFEFF\"",
          "\"" + "\u00e9".repeat(600) + "\"",
          // every accepted form of a time (epoch millis above; ISO-8601 instants here), out of
          // range or broken
          "\"+1000000000-01-01T00:00:00Z\"",
          "\"-1000000000-01-01T00:00:00Z\"",
          "\"+999999999-12-31T23:59:59.999Z\"",
          "\"-999999999-01-01T00:00:00Z\"",
          "\"+1000000000-12-31T23:59:59.999999999Z\"",
          "\"+1000000001-01-01T00:00:00Z\"",
          "\"+1000000000-01-01T00:00:00+18:00\"",
          "\"2014-13-01T00:00:00Z\"",
          "\"2014-02-30T00:00:00Z\"",
          "\"2014-04-01T25:00:00Z\"",
          "\"2014-04-01T10:00:00\"",
          "\"2014-04-01T10:00:00+99:00\"",
          "\"2014-04-01\"",
          "\"1396346400000\"",
          "\"0001-01-01T00:00:00Z\"",
          "\"9999-12-31T23:59:59Z\"",
          "\"2014-04-01T10:00:00.0000000001Z\"");

  private MalformedClicks() {}

  /**
   * A good search click at {@code eventTimeMillis} (eventId "fz"), once per field and malformed
   * value with that field replaced: {@code FIELDS.size() * VALUES.size()} JSON objects, each on one
   * line, in ASCII (non-ASCII escaped).
   */
  public static List<String> all(long eventTimeMillis) {
    List<String> out = new ArrayList<>();
    String base =
        "{\"eventId\":\"fz\",\"eventTime\":"
            + eventTimeMillis
            + ",\"type\":\"search\",\"sessionId\":\"s\",\"query\":\"q\"}";
    for (String field : FIELDS) {
      for (String value : VALUES) {
        try {
          ObjectNode n = (ObjectNode) JSON.readTree(base);
          n.set(field, JSON.readTree(value));
          // Non-ASCII escaped: a "\\uD800" must reach the reader as the escape, which any file or
          // body encoding keeps
          // (a raw unpaired surrogate written as UTF-8 would become "?" before the reader sees it).
          out.add(ASCII.writeValueAsString(n));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("bad fixture " + value, e);
        }
      }
    }
    return out;
  }
}
