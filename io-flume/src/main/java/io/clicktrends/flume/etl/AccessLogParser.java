package io.clicktrends.flume.etl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ClickEventRules;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one web-server access-log line in combined log format into a ClickEvent, when its URL matches one of the
 * configured {@link UrlPattern}s. The event is built as JSON and validated by {@link ClickEventJson#fromNode} so the
 * log path obeys exactly the same rules as the browser path.
 *
 * <p>Combined logs carry no session: the session id is derived from the client address and User-Agent. The event id is
 * a name-based UUID of the line itself, so re-reading a log (a TAILDIR restart) yields the same ids.
 */
public final class AccessLogParser {
  // host ident authuser [date] "method target protocol" status bytes "referrer" "user-agent"
  private static final Pattern COMBINED = Pattern.compile(
      "^(\\S+) \\S+ (\\S+) \\[([^\\]]+)] \"(\\S+) (\\S+)(?: [^\"]*)?\" (\\d{3}) \\S+(?: \"([^\"]*)\" \"([^\"]*)\")?.*$");
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The default click URLs; override with the interceptor's {@code urlPattern.*} properties. */
  public static final List<UrlPattern> DEFAULT_PATTERNS = List.of(
      new UrlPattern("product_view", "/product/{productId}"),
      new UrlPattern("category_view", "/category/{category}"),
      new UrlPattern("search", "/search?q={query}"),
      new UrlPattern("add_to_cart", "/cart/add?product={productId}"),
      new UrlPattern("remove_from_cart", "/cart/remove?product={productId}"),
      new UrlPattern("purchase", "/checkout/done?product={productId}"));

  private final List<UrlPattern> patterns;
  private final boolean ignoreNonClicks;

  /**
   * @param ignoreNonClicks if true, well-formed lines that are not clicks (assets, errors, unknown URLs) give null
   *     instead of a rejection, so a busy log does not flood the dead-letter file
   */
  public AccessLogParser(List<UrlPattern> patterns, boolean ignoreNonClicks) {
    this.patterns = List.copyOf(patterns);
    this.ignoreNonClicks = ignoreNonClicks;
  }

  /**
   * The event, the rejection, or null for a well-formed non-click line when non-clicks are ignored. {@code origin}
   * (the file and byte offset the line was read at, or null) goes into the eventId, so two identical lines (a reload
   * in the same second) stay two events, while the same line read again after an agent restart keeps its eventId.
   */
  public ParseResult parse(byte[] body, String origin, long ingestTimeMillis) {
    return parse(body, origin, ingestTimeMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /** {@link #parse(byte[], String, long)} with event times bounded by {@code ingestTimeMillis + maxClockSkewMillis}. */
  public ParseResult parse(byte[] body, String origin, long ingestTimeMillis, long maxClockSkewMillis) {
    // A log file written by an editor may start with a byte-order mark: ignore it like every other reader does.
    String line = ClickEventJson.withoutBom(new String(body, StandardCharsets.UTF_8)).strip();
    Matcher m = COMBINED.matcher(line);
    if (!m.matches()) {
      return unparseable("not in combined log format: " + abbreviate(line));
    }
    Instant eventTime;
    try {
      // Kept an Instant: "yyyy" takes up to 19 digits, and year 999999999 overflows epoch millis; the rules reject it.
      eventTime = ZonedDateTime.parse(m.group(3), CLF_TIME).toInstant();
    } catch (DateTimeException e) {
      return unparseable("bad time [" + m.group(3) + "]");
    }
    int status = Integer.parseInt(m.group(6));
    if (status >= 400) {
      return nonClick("status " + status + " for " + abbreviate(m.group(5)) + " is not a successful click");
    }
    String target = m.group(5);
    for (UrlPattern p : patterns) {
      Optional<Map<String, String>> fields = p.match(target);
      if (fields.isPresent()) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("eventId", UUID.nameUUIDFromBytes(
            origin == null ? body : (origin + "\n" + line).getBytes(StandardCharsets.UTF_8)).toString());
        n.put("eventTime", eventTime.toString());
        n.put("type", p.eventType());
        String ua = dashToNull(m.group(8));
        String user = dashToNull(m.group(2));
        n.put("sessionId", "ip-" + m.group(1) + "-" + Integer.toHexString(ua == null ? 0 : ua.hashCode()));
        n.put("userId", user);
        n.put("url", target);
        n.put("referrer", dashToNull(m.group(7)));
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

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
