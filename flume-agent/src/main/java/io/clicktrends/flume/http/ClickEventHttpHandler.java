package io.clicktrends.flume.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.EventHeaders;
import io.clicktrends.schema.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.http.HTTPBadRequestException;
import org.apache.flume.source.http.HTTPSourceHandler;

/**
 * Flume {@code HTTPSource} handler for browsers: the body is one JSON click or a JSON array of
 * clicks, or several of those separated by whitespace (NDJSON, one per line); a leading UTF-8
 * byte-order mark is ignored. Each element becomes one Flume event whose body is that element's
 * JSON; the ETL interceptor validates it, so one bad element is dead-lettered while the others of
 * the same request go through.
 *
 * <p>What Flume's HTTPSource lets a handler do, and therefore what this one does:
 *
 * <ul>
 *   <li>return events (answered 200), or throw {@link HTTPBadRequestException} (answered 400, the
 *       message in the body after "Bad request from client."). So a body that is not JSON at all,
 *       not UTF-8, over the size limit, or from a disallowed Origin is refused with a 400 that
 *       names the reason code; it does not reach the dead-letter file (a thrown handler puts
 *       nothing in the channel), the source only logs it.
 *   <li>no response headers and no OPTIONS: the source owns the response and does not route OPTIONS
 *       to handlers, so there is no CORS preflight. The tracker therefore sends a CORS "simple
 *       request" ({@code text/plain} body via {@code sendBeacon} or {@code fetch(..., {mode:
 *       "no-cors", keepalive: true})}), which needs no preflight and ignores the response. For
 *       allowed origins we still add {@code Access-Control-Allow-Origin} through Jetty's own
 *       request object when it is available, so a page may read the status.
 * </ul>
 *
 * <p>Limits: a request body of at most {@code maxBodyBytes} (over it: 400 BODY_TOO_LARGE, nothing
 * kept); each element then passes the interceptor's own per-event {@code maxBodyBytes} (64 KiB;
 * over it: a dead letter). The tracker keeps its requests far below both, and replaces a click too
 * large to send by a stand-in ({@value #OVERSIZE}) that becomes a BODY_TOO_LARGE dead letter here.
 *
 * <p>Configuration ({@code sources.<name>.handler.}): {@code maxBodyBytes} (default 1 MiB for a
 * whole batch), {@code allowedOrigins} (comma-separated origins or {@code *}; default {@code *}).
 */
public final class ClickEventHttpHandler implements HTTPSourceHandler {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The field of the tracker's stand-in for a click too large to send (see clicktrends.js). */
  static final String OVERSIZE = "_oversize";

  private int maxBodyBytes = 1024 * 1024;
  private Set<String> allowedOrigins = Set.of("*");

  @Override
  public void configure(Context context) {
    maxBodyBytes = context.getInteger("maxBodyBytes", 1024 * 1024);
    String origins = context.getString("allowedOrigins", "*").trim();
    allowedOrigins = Set.of(origins.split("\\s*,\\s*"));
  }

  @Override
  public List<Event> getEvents(HttpServletRequest request)
      throws HTTPBadRequestException, Exception {
    checkOrigin(request);
    byte[] body = readBody(request);
    String text;
    try {
      text = ClickEventJson.decodeUtf8(body);
    } catch (CharacterCodingException e) {
      throw bad(RejectReason.INVALID_UTF8, "body is not valid UTF-8");
    }
    List<JsonNode> values = jsonValues(ClickEventJson.withoutBom(text));
    List<Event> events = new ArrayList<>();
    for (JsonNode value : values) {
      for (JsonNode element : value.isArray() ? value : List.of(value)) {
        events.add(toEvent(element, request));
      }
    }
    return events;
  }

  /**
   * Every JSON value of the body, which is one value or several separated by whitespace (NDJSON:
   * one per line), each an object or an array. The whole body is read: anything that is not such a
   * value (trailing garbage, a scalar, a truncated value) refuses the whole request with a 400
   * naming its position, rather than taking a prefix and answering 200 for data it dropped.
   */
  static List<JsonNode> jsonValues(String text) throws HTTPBadRequestException {
    List<JsonNode> values = new ArrayList<>();
    try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        JsonNode value = MAPPER.readTree(parser);
        if (!value.isObject() && !value.isArray()) {
          throw bad(
              RejectReason.MALFORMED_JSON,
              "expected JSON objects or arrays of objects, got "
                  + value.getNodeType()
                  + " at line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr());
        }
        values.add(value);
      }
    } catch (JsonProcessingException e) {
      throw bad(RejectReason.MALFORMED_JSON, ClickEventJson.jsonError(e));
    } catch (
        IOException e) { // reading a String: only parse errors, which are JsonProcessingExceptions
      throw new IllegalStateException(e);
    }
    if (values.isEmpty()) {
      throw bad(
          RejectReason.MALFORMED_JSON,
          "expected a JSON object or an array of objects, got nothing");
    }
    return values;
  }

  /**
   * One element as a Flume event for the interceptor, which validates it: a bad element is
   * dead-lettered there while the others of the same request go through. Non-object elements are
   * passed on as they are, for the same reason.
   */
  private static Event toEvent(JsonNode element, HttpServletRequest request) {
    if (element.isObject() && element.has(OVERSIZE)) {
      return oversizeStandIn((ObjectNode) element);
    }
    byte[] json;
    try {
      if (element.isObject()) {
        fillFromRequest((ObjectNode) element, request);
      }
      json = MAPPER.writeValueAsBytes(element);
    } catch (IOException | RuntimeException e) {
      // Never lose the request's other elements over one: pass its text on, the interceptor
      // dead-letters it.
      json = String.valueOf(element).getBytes(StandardCharsets.UTF_8);
    }
    return EventBuilder.withBody(json, new HashMap<>());
  }

  /**
   * The tracker's stand-in for one click too large to send ({@code "_oversize": {"bytes", "limit",
   * "head"}}, with the click's eventId, type and sessionId): a dead letter BODY_TOO_LARGE naming
   * its size, never a click. Marked dead here; the ETL interceptor passes events already marked
   * dead on to the dead-letter channel.
   */
  private static Event oversizeStandIn(ObjectNode standIn) {
    JsonNode info = standIn.get(OVERSIZE);
    Map<String, String> headers = new HashMap<>();
    headers.put(EventHeaders.STATUS, EventHeaders.DEAD);
    headers.put(EventHeaders.REASON, RejectReason.BODY_TOO_LARGE.name());
    headers.put(
        EventHeaders.DETAIL,
        "the tracker held back event "
            + standIn.path("eventId").asText("?")
            + " ("
            + standIn.path("type").asText("?")
            + "): "
            + info.path("bytes").asText("?")
            + " bytes of JSON, over its "
            + info.path("limit").asText("?")
            + "-byte limit for one click; the body holds its start");
    String size = info.path("bytes").asText("");
    if (size.matches("\\d{1,10}")) {
      headers.put(EventHeaders.ORIGINAL_SIZE, size);
    }
    return EventBuilder.withBody(String.valueOf(standIn).getBytes(StandardCharsets.UTF_8), headers);
  }

  private void checkOrigin(HttpServletRequest request) throws HTTPBadRequestException {
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return; // not a browser cross-origin request (curl, a server, sendBeacon from the same
      // origin)
    }
    if (!allowedOrigins.contains("*") && !allowedOrigins.contains(origin)) {
      throw new HTTPBadRequestException(
          "FORBIDDEN_ORIGIN: origin " + origin + " is not in allowedOrigins");
    }
    org.eclipse.jetty.server.Request jetty =
        org.eclipse.jetty.server.Request.getBaseRequest(request);
    if (jetty != null) {
      jetty.getResponse().setHeader("Access-Control-Allow-Origin", origin);
      jetty.getResponse().setHeader("Vary", "Origin");
    }
  }

  private byte[] readBody(HttpServletRequest request) throws IOException, HTTPBadRequestException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw bad(
          RejectReason.BODY_TOO_LARGE,
          "body is " + declared + " bytes, over the " + maxBodyBytes + "-byte limit");
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body =
          in.readNBytes(
              maxBodyBytes + 1); // chunked bodies have no length: read one byte past the limit
      if (body.length > maxBodyBytes) {
        throw bad(RejectReason.BODY_TOO_LARGE, "body is over the " + maxBodyBytes + "-byte limit");
      }
      return body;
    }
  }

  /**
   * Browsers send their own User-Agent and page; take them from the request when the tracker left
   * them out.
   */
  private static void fillFromRequest(ObjectNode click, HttpServletRequest request) {
    String ua = request.getHeader("User-Agent");
    if (ua != null && !click.hasNonNull("userAgent")) {
      click.put("userAgent", ua);
    }
    String referer = request.getHeader("Referer");
    if (referer != null && !click.hasNonNull("url")) {
      click.put("url", referer);
    }
  }

  private static HTTPBadRequestException bad(RejectReason reason, String detail) {
    return new HTTPBadRequestException(reason.name() + ": " + detail);
  }
}
