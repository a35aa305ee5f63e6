package io.clicktrends.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trend as the fan-out receives it: the {@link Trend} of schemas' wire format plus its kind
 * ({@code "top"}, the count ranking, or {@code "rising"}, the keys taking off; a message without
 * {@code kind} is a top trend) and, for rising trends, each item's count in the window before
 * ({@code previous}) and its {@code score}. Those fields are optional in the wire format, so the
 * fan-out reads them itself and forwards them to browsers.
 */
final class TrendMessage {
  static final String TOP = "top";
  static final String RISING = "rising";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Trend trend;
  private final String kind;

  /** Per item, null where the message has none. */
  private final Long[] previous;

  private final Double[] score;

  TrendMessage(Trend trend, String kind, Long[] previous, Double[] score) {
    this.trend = trend;
    this.kind = kind;
    this.previous = previous;
    this.score = score;
  }

  /** A top trend. */
  static TrendMessage top(Trend t) {
    int n = t.getItems().size();
    return new TrendMessage(t, TOP, new Long[n], new Double[n]);
  }

  /** Parses a broker message; throws {@link IllegalArgumentException} naming what is wrong. */
  static TrendMessage parse(String json) {
    Trend t = TrendJson.fromJson(json);
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trend is not valid JSON", e);
    }
    JsonNode k = n.get("kind");
    String kind = k == null || k.isNull() ? TOP : k.asText();
    if (!kind.equals(TOP) && !kind.equals(RISING)) {
      throw new IllegalArgumentException(
          "trend field kind must be \"top\" or \"rising\", got \"" + kind + "\"");
    }
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
    return new TrendMessage(t, kind, previous, score);
  }

  Trend trend() {
    return trend;
  }

  String kind() {
    return kind;
  }

  String dimension() {
    return trend.getDimension();
  }

  /**
   * The wire format sent to browsers: the Trend JSON with {@code kind}, items' {@code
   * previous}/{@code score} where known and {@code label} where {@code labels} has one, and {@code
   * receivedAt} (when this service got it).
   */
  ObjectNode toNode(Labels labels, long receivedAtMillis) {
    ObjectNode n = TrendJson.toNode(trend);
    n.put("kind", kind);
    JsonNode items = n.get("items");
    for (int i = 0; i < items.size(); i++) {
      ObjectNode item = (ObjectNode) items.get(i);
      if (previous[i] != null) {
        item.put("previous", previous[i]);
      }
      if (score[i] != null) {
        item.put("score", score[i]);
      }
      String label = labels.label(trend.getDimension(), item.get("key").asText());
      if (label != null) {
        item.put("label", label);
      }
    }
    if (receivedAtMillis > 0) {
      n.put("receivedAt", java.time.Instant.ofEpochMilli(receivedAtMillis).toString());
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrendMessage m
        && m.trend.equals(trend)
        && m.kind.equals(kind)
        && Arrays.equals(m.previous, previous)
        && Arrays.equals(m.score, score);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trend, kind);
  }

  @Override
  public String toString() {
    return kind + " " + TrendJson.messageId(trend);
  }
}
