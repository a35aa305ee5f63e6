package io.clicktrends.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Trend wire format on RabbitMQ and WebSocket (see schemas/README.md):
 *
 * <pre>{"dimension":"add_to_cart","windowStart":"2014-04-01T10:00:00Z","windowEnd":"2014-04-01T10:10:00Z",
 *  "total":1234,"items":[{"key":"214716935","count":42}],"timing":"ON_TIME","paneIndex":0,
 *  "emittedAt":"2014-04-01T10:10:05.120Z"}</pre>
 *
 * Times are ISO-8601 UTC. Readers must ignore fields they do not know.
 */
public final class TrendJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
    for (TrendItem item : trend.getItems()) {
      items.addObject().put("key", item.getKey()).put("count", item.getCount());
    }
    n.put("timing", trend.getTiming());
    n.put("paneIndex", trend.getPaneIndex());
    n.put("emittedAt", trend.getEmittedAt().toString());
    return n;
  }

  /** Parses the wire format; throws {@link IllegalArgumentException} naming what is wrong. */
  public static Trend fromJson(String json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trend is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("trend must be a JSON object");
    }
    List<TrendItem> items = new ArrayList<>();
    JsonNode arr = required(n, "items");
    if (!arr.isArray()) {
      throw new IllegalArgumentException("trend field items must be an array");
    }
    for (JsonNode item : arr) {
      items.add(new TrendItem(required(item, "key").asText(), required(item, "count").asLong()));
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
        .setEmittedAt(instant(n, "emittedAt"))
        .build();
  }

  /** The RabbitMQ message id: {@code <dimension>/<windowEnd millis>/<timing>/<pane index>}. */
  public static String messageId(Trend trend) {
    return trend.getDimension() + "/" + trend.getWindowEnd().toEpochMilli() + "/" + trend.getTiming()
        + "/" + trend.getPaneIndex();
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
      throw new IllegalArgumentException("trend field " + field + " is not an ISO-8601 instant: " + text, e);
    }
  }
}
