package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.util.Collection;
import java.util.Set;

/**
 * The messages sent to browsers. Every one is a JSON object with a {@code type}:
 *
 * <ul>
 *   <li>{@code {"type":"snapshot","trends":[Trend...],"previous":[Trend...]}}: on connect and after a
 *       subscription, the latest trend of each (subscribed) dimension and, where known, the one of
 *       the window before it (for rank movement);
 *   <li>{@code {"type":"trend","trend":Trend}}: an update;
 *   <li>{@code {"type":"error","message":"..."}}: a client message the server did not understand.
 * </ul>
 *
 * Trend objects are the wire format of schemas/README.md.
 */
final class Envelopes {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Envelopes() {}

  static String snapshot(Collection<Trend> latest, Collection<Trend> previous, Set<String> dimensions) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "snapshot");
    ArrayNode trends = n.putArray("trends");
    latest.stream().filter(t -> wanted(dimensions, t)).forEach(t -> trends.add(TrendJson.toNode(t)));
    ArrayNode prev = n.putArray("previous");
    previous.stream().filter(t -> wanted(dimensions, t)).forEach(t -> prev.add(TrendJson.toNode(t)));
    return n.toString();
  }

  static String trend(Trend t) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "trend");
    n.set("trend", TrendJson.toNode(t));
    return n.toString();
  }

  static String error(String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", "error");
    n.put("message", message);
    return n.toString();
  }

  /** A null set means all dimensions. */
  static boolean wanted(Set<String> dimensions, Trend t) {
    return dimensions == null || dimensions.contains(t.getDimension());
  }
}
