package io.clicktrends.flume.etl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ClickEventRules;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one web-server access-log line in combined log format into a ClickEvent, when its URL
 * matches one of the configured {@link UrlPattern}s. The event is built as JSON and validated by
 * {@link ClickEventJson#fromNode} so the log path obeys exactly the same rules as the browser path.
 *
 * <p>The line is split by {@link CombinedLogLine}, which undoes the server's escaping inside fields
 * ({@code \"}, {@code \\}, {@code \xHH}) so a quote inside a User-Agent never cuts a field short;
 * the URL is decoded per part by {@link UrlPattern} (a path segment keeps {@code +}, a query value
 * reads it as a space; one decoding, never two).
 *
 * <p>What is not a click: a status of 400 or more, a request field that is not an HTTP request line
 * (what scanners leave: {@code ""}, {@code "-"}, a TLS handshake sent to the HTTP port, {@code
 * "\x16\x03\x01..."}), a URL that matches no pattern. Such lines are dropped and counted when
 * non-clicks are ignored, dead-lettered as {@code UNPARSEABLE_LOG_LINE} otherwise. A line that is
 * not in combined log format at all, or a click URL whose captured part is malformed, is always
 * dead-lettered.
 *
 * <p>Combined logs carry no session: the session id is derived from the client address and
 * User-Agent. The event id is a name-based UUID of the line itself, so re-reading a log (a TAILDIR
 * restart) yields the same ids.
 */
public final class AccessLogParser {
  // method SP request-target [SP HTTP-version] (RFC 9112; HTTP/0.9 has no version); method is an
  // RFC 9110 token
  private static final Pattern REQUEST_LINE =
      Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\\S+)(?: HTTP/\\d+(?:\\.\\d+)?)?");
  // absolute-form (a request through a proxy): scheme://authority before the path
  private static final Pattern ABSOLUTE_FORM =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*");
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The default click URLs; override with the interceptor's {@code urlPattern.*} properties. */
  public static final List<UrlPattern> DEFAULT_PATTERNS =
      List.of(
          new UrlPattern("product_view", "/product/{productId}"),
          new UrlPattern("category_view", "/category/{category}"),
          new UrlPattern("search", "/search?q={query}"),
          new UrlPattern("add_to_cart", "/cart/add?product={productId}"),
          new UrlPattern("remove_from_cart", "/cart/remove?product={productId}"),
          new UrlPattern("purchase", "/checkout/done?product={productId}"));

  private final List<UrlPattern> patterns;
  private final boolean ignoreNonClicks;

  /**
   * @param ignoreNonClicks if true, well-formed lines that are not clicks (assets, errors, unknown
   *     URLs) give null instead of a rejection, so a busy log does not flood the dead-letter file
   */
  public AccessLogParser(List<UrlPattern> patterns, boolean ignoreNonClicks) {
    this.patterns = List.copyOf(patterns);
    this.ignoreNonClicks = ignoreNonClicks;
  }

  /**
   * The event, the rejection, or null for a well-formed non-click line when non-clicks are ignored.
   * {@code origin} (the file and byte offset the line was read at, or null) goes into the eventId,
   * so two identical lines (a reload in the same second) stay two events, while the same line read
   * again after an agent restart keeps its eventId.
   */
  public ParseResult parse(byte[] body, String origin, long ingestTimeMillis) {
    return parse(body, origin, ingestTimeMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * {@link #parse(byte[], String, long)} with event times bounded by {@code ingestTimeMillis +
   * maxClockSkewMillis}.
   */
  public ParseResult parse(
      byte[] body, String origin, long ingestTimeMillis, long maxClockSkewMillis) {
    // A log file written by an editor may start with a byte-order mark: ignore it like every other
    // reader does.
    String line = ClickEventJson.withoutBom(new String(body, StandardCharsets.UTF_8)).strip();
    CombinedLogLine log;
    try {
      log = CombinedLogLine.parse(line);
    } catch (CombinedLogLine.FormatException e) {
      return unparseable("not in combined log format: " + e.getMessage() + ": " + abbreviate(line));
    }
    Instant eventTime;
    try {
      // Kept an Instant: "yyyy" takes up to 19 digits, and year 999999999 overflows epoch millis;
      // the rules reject it.
      eventTime = ZonedDateTime.parse(log.time, CLF_TIME).toInstant();
    } catch (DateTimeException e) {
      return unparseable("bad time [" + log.time + "]");
    }
    int status = Integer.parseInt(log.status);
    if (status >= 400) {
      return nonClick(
          "status "
              + status
              + " for "
              + abbreviate(printable(log.request))
              + " is not a successful click");
    }
    Matcher request = REQUEST_LINE.matcher(log.request);
    if (!request.matches()) {
      return nonClick(
          "request \"" + abbreviate(printable(log.request)) + "\" is not an HTTP request line");
    }
    String target = request.group(2);
    String path = ABSOLUTE_FORM.matcher(target).replaceFirst("");
    int fragment = path.indexOf('#');
    path = fragment < 0 ? path : path.substring(0, fragment);
    for (UrlPattern p : patterns) {
      Optional<Map<String, String>> fields;
      try {
        fields = p.match(path);
      } catch (UrlPattern.MalformedUrlException e) {
        return unparseable(p.eventType() + " URL " + abbreviate(target) + ": " + e.getMessage());
      }
      if (fields.isPresent()) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put(
            "eventId",
            UUID.nameUUIDFromBytes(
                    origin == null ? body : (origin + "\n" + line).getBytes(StandardCharsets.UTF_8))
                .toString());
        n.put("eventTime", eventTime.toString());
        n.put("type", p.eventType());
        String ua = dashToNull(log.userAgent);
        String user = dashToNull(log.user);
        n.put(
            "sessionId",
            "ip-" + log.host + "-" + Integer.toHexString(ua == null ? 0 : ua.hashCode()));
        n.put("userId", user);
        n.put("url", target);
        n.put("referrer", dashToNull(log.referrer));
        n.put("userAgent", ua);
        fields.get().forEach(n::put);
        return ClickEventJson.fromNode(n, ingestTimeMillis, maxClockSkewMillis);
      }
    }
    return nonClick("URL " + abbreviate(target) + " matches no click pattern");
  }

  private ParseResult nonClick(String detail) {
    return ignoreNonClicks ? null : unparseable(detail);
  }

  private static ParseResult unparseable(String detail) {
    return ParseResult.rejected(RejectReason.UNPARSEABLE_LOG_LINE, detail);
  }

  private static String dashToNull(String s) {
    return s == null || s.equals("-") || s.isEmpty() ? null : s;
  }

  /**
   * Control characters (a TLS handshake's bytes) shown as \\xHH in details, so a dead letter stays
   * readable.
   */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                b.append(String.format("\\x%02X", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return b.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
