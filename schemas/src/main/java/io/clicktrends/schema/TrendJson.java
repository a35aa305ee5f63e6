package io.clicktrends.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The Trend wire format on RabbitMQ and WebSocket (see schemas/README.md), a count trend:
 *
 * <pre>
 * {"dimension":"add_to_cart","windowStart":"2014-04-01T10:00:00Z","windowEnd":"2014-04-01T10:10:00Z",
 *  "total":1234,"items":[{"key":"214716935","count":42}],"timing":"ON_TIME","paneIndex":0,"kind":"top",
 *  "emittedAt":"2014-04-01T10:10:05.120Z"}</pre>
 *
 * and a rising trend of the same window, whose items also carry {@code previous} (the count in the
 * previous window {@code [windowStart - windowSize, windowStart)}) and {@code score} ({@code (count
 * - previous) / sqrt(count + previous)}, a double):
 *
 * <pre>
 * {..."items":[{"key":"214716935","count":42,"previous":3,"score":5.7}],"timing":"ON_TIME","paneIndex":0,
 *  "kind":"rising",...}</pre>
 *
 * Times are ISO-8601 UTC. Readers must ignore fields they do not know; a trend without {@code kind}
 * is a count trend.
 */
public final class TrendJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code kind} of a count trend: the K highest counts. */
  public static final String TOP = "top";

  /** {@code kind} of a rising trend: the K highest rises against the previous window. */
  public static final String RISING = "rising";

  private TrendJson() {}

  public static String toJson(Trend trend) {
    return toNode(trend).toString();
  }

  public static ObjectNode toNode(Trend trend) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("dimension", trend.getDimension());
    n.put("windowStart", trend.getWindowStart().toString());
    n.put("windowEnd", trend.getWindowEnd().toString());
    n.put("total", trend.getTotal());
    ArrayNode items = n.putArray("items");
    if (RISING.equals(trend.getKind())) {
      for (RisingItem item : trend.getRising()) {
        items
            .addObject()
            .put("key", item.getKey())
            .put("count", item.getCount())
            .put("previous", item.getPrevious())
            .put("score", item.getScore());
      }
    } else {
      for (TrendItem item : trend.getItems()) {
        items.addObject().put("key", item.getKey()).put("count", item.getCount());
      }
    }
    n.put("timing", trend.getTiming());
    n.put("paneIndex", trend.getPaneIndex());
    n.put("kind", trend.getKind());
    n.put("emittedAt", trend.getEmittedAt().toString());
    return n;
  }

  /** Parses the wire format; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Trend fromJson(String json) {
    return fromNode(tree(json));
  }

  /**
   * A trend as {@link #fromJson} reads it, with each item's {@code previous} and {@code score} as
   * the JSON has them, in the order of the items; null where an item has none.
   */
  public record WithItemFields(Trend trend, List<Long> previous, List<Double> score) {}

  /**
   * {@link #fromJson}, plus each item's {@code previous} (an integer) and {@code score} (a number)
   * where the JSON has them, whatever the trend's kind: for readers that forward those fields as
   * sent (the fan-out). Throws {@link IllegalArgumentException} naming what is wrong, {@link
   * #fromJson}'s refusals first.
   */
  public static WithItemFields fromJsonWithItemFields(String json) {
    JsonNode n = tree(json);
    Trend trend = fromNode(n);
    JsonNode items = n.get("items");
    Long[] previous = new Long[items.size()];
    Double[] score = new Double[items.size()];
    for (int i = 0; i < items.size(); i++) {
      JsonNode p = items.get(i).get("previous");
      if (p != null && !p.isNull()) {
        if (!p.isIntegralNumber()) {
          throw new IllegalArgumentException("trend item field previous must be an integer");
        }
        previous[i] = p.asLong();
      }
      JsonNode s = items.get(i).get("score");
      if (s != null && !s.isNull()) {
        if (!s.isNumber()) {
          throw new IllegalArgumentException("trend item field score must be a number");
        }
        score[i] = s.asDouble();
      }
    }
    return new WithItemFields(
        trend,
        Collections.unmodifiableList(Arrays.asList(previous)),
        Collections.unmodifiableList(Arrays.asList(score)));
  }

  private static JsonNode tree(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trend is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("trend must be a JSON object");
    }
    return n;
  }

  private static Trend fromNode(JsonNode n) {
    List<TrendItem> items = new ArrayList<>();
    List<RisingItem> rising = new ArrayList<>();
    JsonNode kindNode = n.get("kind");
    String kind = kindNode == null || kindNode.isNull() ? TOP : kindNode.asText();
    if (!TOP.equals(kind) && !RISING.equals(kind)) {
      throw new IllegalArgumentException(
          "trend field kind must be \"top\" or \"rising\", not \"" + kind + "\"");
    }
    JsonNode arr = required(n, "items");
    if (!arr.isArray()) {
      throw new IllegalArgumentException("trend field items must be an array");
    }
    for (JsonNode item : arr) {
      String key = required(item, "key").asText();
      long count = required(item, "count").asLong();
      items.add(new TrendItem(key, count));
      if (RISING.equals(kind)) {
        rising.add(
            new RisingItem(
                key,
                count,
                required(item, "previous").asLong(),
                required(item, "score").asDouble()));
      }
    }
    JsonNode pane = n.get("paneIndex");
    return Trend.newBuilder()
        .setDimension(required(n, "dimension").asText())
        .setWindowStart(instant(n, "windowStart"))
        .setWindowEnd(instant(n, "windowEnd"))
        .setTotal(required(n, "total").asLong())
        .setItems(items)
        .setTiming(required(n, "timing").asText())
        .setPaneIndex(pane == null ? 0 : pane.asLong())
        .setKind(kind)
        .setRising(rising)
        .setEmittedAt(instant(n, "emittedAt"))
        .build();
  }

  /**
   * The RabbitMQ message id: {@code <dimension>/<windowEnd millis>/<timing>/<pane index>} for a
   * count trend, with {@code /rising} appended for a rising trend (its pane indexes are its own, so
   * the suffix keeps the ids apart).
   */
  public static String messageId(Trend trend) {
    return trend.getDimension()
        + "/"
        + trend.getWindowEnd().toEpochMilli()
        + "/"
        + trend.getTiming()
        + "/"
        + trend.getPaneIndex()
        + (RISING.equals(trend.getKind()) ? "/rising" : "");
  }

  /**
   * Whether {@code trend} is a rising trend ({@code "kind":"rising"}) rather than a count trend.
   */
  public static boolean isRising(Trend trend) {
    return RISING.equals(trend.getKind());
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("trend field " + field + " is missing");
    }
    return v;
  }

  private static Instant instant(JsonNode n, String field) {
    String text = required(n, field).asText();
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "trend field " + field + " is not an ISO-8601 instant: " + text, e);
    }
  }
}
