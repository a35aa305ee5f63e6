package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;

/**
 * The messages sent to browsers. Every one is a JSON object with a {@code type}:
 *
 * <ul>
 *   <li>{@code
 *       {"type":"snapshot","trends":[Trend...],"previous":[Trend...],"serverTime":"...","heartbeatSeconds":15}}:
 *       on connect and after a subscription, the latest trend of each (subscribed) dimension and
 *       kind and, where known, the one of the window before it (for rank movement);
 *   <li>{@code {"type":"trend","trend":Trend}}: an update;
 *   <li>{@code {"type":"heartbeat","serverTime":"..."}}: every {@code heartbeatSeconds}, so a page
 *       can tell a silent connection from a quiet pipeline;
 *   <li>{@code {"type":"error","message":"..."}}: a client message the server did not understand.
 * </ul>
 *
 * Trend objects are the wire format of schemas/README.md plus {@code kind} ({@code top} or {@code
 * rising}), items' {@code previous}, {@code score} (rising trends) and {@code label} (from {@code
 * --labels}), and {@code receivedAt}, when this service received the trend.
 */
final class Envelopes {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Envelopes() {}

  static String snapshot(
      Collection<TrendStore.Entry> latest,
      Collection<TrendStore.Entry> previous,
      Set<String> dimensions,
      Labels labels,
      long serverTimeMillis,
      int heartbeatSeconds) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "snapshot");
    ArrayNode trends = n.putArray("trends");
    latest.stream()
        .filter(e -> wanted(dimensions, e.message()))
        .forEach(e -> trends.add(e.message().toNode(labels, e.receivedAtMillis())));
    ArrayNode prev = n.putArray("previous");
    previous.stream()
        .filter(e -> wanted(dimensions, e.message()))
        .forEach(e -> prev.add(e.message().toNode(labels, e.receivedAtMillis())));
    n.put("serverTime", Instant.ofEpochMilli(serverTimeMillis).toString());
    n.put("heartbeatSeconds", heartbeatSeconds);
    return n.toString();
  }

  static String trend(TrendMessage t, Labels labels, long receivedAtMillis) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "trend");
    n.set("trend", t.toNode(labels, receivedAtMillis));
    return n.toString();
  }

  static String heartbeat(long serverTimeMillis) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "heartbeat");
    n.put("serverTime", Instant.ofEpochMilli(serverTimeMillis).toString());
    return n.toString();
  }

  static String error(String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "error");
    n.put("message", message);
    return n.toString();
  }

  /** A null set means all dimensions. */
  static boolean wanted(Set<String> dimensions, TrendMessage t) {
    return dimensions == null || dimensions.contains(t.dimension());
  }
}
