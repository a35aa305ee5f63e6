package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trend as the fan-out receives it: the {@link Trend} of schemas' wire format plus its kind
 * ({@code "top"}, the count ranking, or {@code "rising"}, the keys taking off; a message without
 * {@code kind} is a top trend) and, for rising trends, each item's count in the window before
 * ({@code previous}) and its {@code score}, as {@link TrendJson#fromJsonWithItemFields} reads them
 * from the wire format; the fan-out forwards them to browsers.
 */
final class TrendMessage {
  static final String TOP = TrendJson.TOP;
  static final String RISING = TrendJson.RISING;

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

  /**
   * Parses a broker message with {@link TrendJson#fromJsonWithItemFields}; throws {@link
   * IllegalArgumentException} naming what is wrong.
   */
  static TrendMessage parse(String json) {
    TrendJson.WithItemFields m = TrendJson.fromJsonWithItemFields(json);
    return new TrendMessage(
        m.trend(),
        m.trend().getKind(),
        m.previous().toArray(new Long[0]),
        m.score().toArray(new Double[0]));
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
