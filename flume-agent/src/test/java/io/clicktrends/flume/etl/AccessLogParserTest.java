package io.clicktrends.flume.etl;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventHeaders;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.Test;

/**
 * Access-log lines: each URL part decoded by its own rules exactly once, the log format's own
 * escaping undone before the fields are read, and what scanners leave ignored (and counted) when
 * non-clicks are ignored.
 */
public class AccessLogParserTest {
  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0";
  private static final AccessLogParser STRICT =
      new AccessLogParser(AccessLogParser.DEFAULT_PATTERNS, false);
  private static final AccessLogParser IGNORING =
      new AccessLogParser(AccessLogParser.DEFAULT_PATTERNS, true);

  /**
   * A combined-format line; {@code request} and {@code ua} are written as they appear in the log
   * (escaped).
   */
  private static String line(String request, int status, String ua) {
    return "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000] \""
        + request
        + "\" "
        + status
        + " 5120 "
        + "\"https://shop.example/\" \""
        + ua
        + "\"";
  }

  private static ParseResult parse(AccessLogParser parser, String line) {
    return parser.parse(
        line.getBytes(StandardCharsets.UTF_8),
        "/var/log/nginx/access.log:0",
        System.currentTimeMillis());
  }

  private static ClickEvent click(String line) {
    ParseResult r = parse(STRICT, line);
    assertThat("valid: " + r + " for " + line, r.isValid(), equalTo(true));
    return r.event();
  }

  private static String key(String target) {
    ClickEvent e = click(line("GET " + target + " HTTP/1.1", 200, UA));
    return e.getProductId() != null
        ? e.getProductId()
        : e.getCategory() != null ? e.getCategory() : e.getQuery();
  }

  private static Rejection dead(ParseResult r) {
    assertThat("rejected: " + r, r == null || r.isValid(), equalTo(false));
    return r.rejection();
  }

  // ---- URL decoding per part ----

  @Test
  public void plusInAPathSegmentIsALiteralPlus() {
    assertThat(key("/product/AB+12"), equalTo("AB+12"));
    assertThat(key("/category/Men+Shoes"), equalTo("Men+Shoes"));
  }

  @Test
  public void pathSegmentsArePercentDecodedExactlyOnce() {
    assertThat(key("/product/AB%2B12"), equalTo("AB+12")); // the same product as AB+12: one key
    assertThat(key("/product/AB%2b12"), equalTo("AB+12"));
    assertThat(
        key("/product/AB%252B12"), equalTo("AB%2B12")); // double-encoded: one decoding leaves %2B
    assertThat(key("/category/garden%20tools"), equalTo("garden tools"));
    assertThat(
        key("/category/Men%2FShoes"),
        equalTo("Men/Shoes")); // an encoded slash stays inside its segment
    assertThat(key("/category/caf%C3%A9"), equalTo("café"));
    assertThat(key("/category/a+b%2Bc%20d"), equalTo("a+b+c d"));
    assertThat(key("/product/sku-42/"), equalTo("sku-42"));
  }

  @Test
  public void plusInAQueryIsASpaceAndEscapesAreDecodedOnce() {
    assertThat(key("/search?q=red+shoes"), equalTo("red shoes"));
    assertThat(key("/search?q=red%20shoes&page=2"), equalTo("red shoes"));
    assertThat(key("/search?page=2&q=AB%2B12"), equalTo("AB+12"));
    assertThat(key("/search?q=100%25"), equalTo("100%"));
    assertThat(key("/search?q=%252B"), equalTo("%2B"));
    assertThat(key("/search?q=a%26b%3Dc"), equalTo("a&b=c"));
    assertThat(key("/cart/add?product=AB+12"), equalTo("AB 12")); // a query: + is a space there
    assertThat(key("/cart/add?product=AB%2B12"), equalTo("AB+12"));
    assertThat(key("/search?q=first&q=second"), equalTo("first"));
    assertThat(
        key("/search?junk=%zz&q=boots"),
        equalTo("boots")); // another parameter's bad escape costs nothing
  }

  @Test
  public void anAbsoluteFormTargetIsDecodedLikeItsPath() {
    assertThat(key("http://shop.example/product/AB+12"), equalTo("AB+12"));
    assertThat(
        click(line("GET http://shop.example/product/AB+12 HTTP/1.1", 200, UA)).getUrl(),
        equalTo("http://shop.example/product/AB+12"));
  }

  @Test
  public void aMalformedEscapeInACapturedPartIsADeadLetterNamingIt() {
    for (String target :
        new String[] {"/product/100%", "/product/%zz", "/product/a%2", "/search?q=50%off"}) {
      Rejection r = dead(parse(STRICT, line("GET " + target + " HTTP/1.1", 200, UA)));
      assertThat(target, r.reason(), equalTo(RejectReason.UNPARSEABLE_LOG_LINE));
      assertThat(target, r.detail(), containsString("malformed percent-escape"));
      // a bad click URL is not a "non-click": it is dead-lettered even when non-clicks are ignored
      assertThat(
          target,
          parse(IGNORING, line("GET " + target + " HTTP/1.1", 200, UA)).isValid(),
          equalTo(false));
    }
    Rejection notUtf8 = dead(parse(STRICT, line("GET /product/%C3%28 HTTP/1.1", 200, UA)));
    assertThat(notUtf8.reason(), equalTo(RejectReason.INVALID_UNICODE));
    assertThat(notUtf8.detail(), containsString("productId"));
  }

  // ---- the log format's own escaping ----

  @Test
  public void apacheEscapedQuotesAndBackslashesStayInsideTheirField() {
    String ua = "Mozilla/5.0 (compatible; \"Bot\" 1.0; C:\\agent)";
    String logged = "Mozilla/5.0 (compatible; \\\"Bot\\\" 1.0; C:\\\\agent)";
    ClickEvent e = click(line("GET /product/AB+12 HTTP/1.1", 200, logged));
    assertThat(e.getUserAgent(), equalTo(ua));
    assertThat(e.getProductId(), equalTo("AB+12"));
    assertThat(e.getSessionId(), equalTo("ip-203.0.113.7-" + Integer.toHexString(ua.hashCode())));
    assertThat(e.getReferrer(), equalTo("https://shop.example/"));
    // A quote in the request target (a client that did not encode it), escaped by Apache
    assertThat(
        click(line("GET /search?q=\\\"boots\\\" HTTP/1.1", 200, UA)).getQuery(),
        equalTo("\"boots\""));
    String referrerLine =
        "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000] \"GET /product/p1 HTTP/1.1\" 200 1 "
            + "\"https://x.example/?a=\\\"b\\\"\" \""
            + UA
            + "\"";
    assertThat(click(referrerLine).getReferrer(), equalTo("https://x.example/?a=\"b\""));
  }

  @Test
  public void nginxHexEscapesAreTurnedBackIntoBytes() {
    ClickEvent e =
        click(
            line("GET /product/AB+12 HTTP/1.1", 200, "Mozilla/5.0 \\x22quoted\\x22 caf\\xC3\\xA9"));
    assertThat(e.getUserAgent(), equalTo("Mozilla/5.0 \"quoted\" café"));
    assertThat(
        key("/category/caf\\xC3\\xA9"),
        equalTo("café")); // a raw UTF-8 byte in the target, logged as \xHH
    assertThat(
        click(line("GET /product/p1 HTTP/1.1", 200, "a\\x09b\\tc")).getUserAgent(),
        equalTo("a\tb\tc"));
    // a raw tab inside the request target is no request line (a server answers 400): not a click
    assertThat(parse(IGNORING, line("GET /search?q=tab\\x09here HTTP/1.1", 200, UA)), nullValue());
    // nginx escape=json
    assertThat(
        click(line("GET /product/p1 HTTP/1.1", 200, "a \\\"b\\\" \\u00e9\\uD83D\\uDE00"))
            .getUserAgent(),
        equalTo("a \"b\" é\uD83D\uDE00"));
    // a backslash that is no escape either server writes is kept
    assertThat(
        click(line("GET /product/p1 HTTP/1.1", 200, "a\\qb \\x4")).getUserAgent(),
        equalTo("a\\qb \\x4"));
    // bytes that are not UTF-8 make the user agent invalid Unicode: a dead letter, not a mangled
    // value
    assertThat(
        dead(parse(STRICT, line("GET /product/p1 HTTP/1.1", 200, "bad \\xC3\\x28"))).reason(),
        equalTo(RejectReason.INVALID_UNICODE));
  }

  @Test
  public void theWholeLineIsRead() {
    // nginx "main": one more quoted field after the user agent
    assertThat(
        click(line("GET /product/p1 HTTP/1.1", 200, UA) + " \"198.51.100.9, 10.0.0.1\"")
            .getProductId(),
        equalTo("p1"));
    // common log format: no referrer, no user agent
    ClickEvent common =
        click(
            "198.51.100.2 - alice [02/Apr/2024:11:18:01 +0200] \"GET /product/p2 HTTP/1.0\" 200 77");
    assertThat(common.getUserId(), equalTo("alice"));
    assertThat(common.getUserAgent(), nullValue());
    // HTTP/0.9 has no version
    assertThat(click(line("GET /product/p3", 200, UA)).getProductId(), equalTo("p3"));
    String[] broken = {
      line("GET /product/p1 HTTP/1.1", 200, UA) + "x", // junk glued to the last field
      line("GET /product/p1 HTTP/1.1", 200, UA).replace("\"" + UA + "\"", "\"" + UA + "\"tail"),
      "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000] \"GET /product/p1 HTTP/1.1\" 200 5120 \"ref\" \"unterminated",
      "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000] \"GET /product/p1 HTTP/1.1\" 2xx 5120",
      "203.0.113.7 - - [02/Apr/2024:11:17:46 +0000 \"GET /product/p1 HTTP/1.1\" 200 5120",
      "garbage that is not a log line",
      ""
    };
    for (String b : broken) {
      Rejection r =
          dead(parse(IGNORING, b)); // not a log line: dead even when non-clicks are ignored
      assertThat(b, r.reason(), equalTo(RejectReason.UNPARSEABLE_LOG_LINE));
      assertThat(b, r.detail(), containsString("not in combined log format"));
    }
  }

  // ---- what scanners leave ----

  /**
   * The TLS handshake's bytes as nginx logs them, an empty request and a request that never came.
   */
  static final List<String> SCANNER_LINES =
      List.of(
          "198.51.100.66 - - [02/Apr/2024:11:17:46 +0000] \"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03\" 400 157 \"-\" \"-\"",
          "198.51.100.66 - - [02/Apr/2024:11:17:47 +0000] \"\" 400 0 \"-\" \"-\"",
          "198.51.100.66 - - [02/Apr/2024:11:17:48 +0000] \"-\" 408 0 \"-\" \"-\"");

  @Test
  public void scannerLinesAreIgnoredAndCountedWhenNonClicksAreIgnored() {
    Context ignore = new Context();
    ignore.put("format", "accesslog");
    ignore.put("accesslog.ignoreNonClicks", "true");
    ClickEventEtlInterceptor.Builder b = new ClickEventEtlInterceptor.Builder();
    b.configure(ignore);
    ClickEventEtlInterceptor interceptor = (ClickEventEtlInterceptor) b.build();
    List<Event> in = new ArrayList<>();
    for (String l : SCANNER_LINES) {
      in.add(EventBuilder.withBody(l, StandardCharsets.UTF_8));
    }
    in.add(
        EventBuilder.withBody(
            line("GET /product/AB+12 HTTP/1.1", 200, UA), StandardCharsets.UTF_8));
    List<Event> out = interceptor.intercept(in);
    assertThat(out.size(), equalTo(1));
    assertThat(out.get(0).getHeaders().get(EventHeaders.STATUS), equalTo(EventHeaders.VALID));
    assertThat(interceptor.ignoredCount(), equalTo(3L));
    assertThat(interceptor.deadCount(), equalTo(0L));
    assertThat(interceptor.validCount(), equalTo(1L));
  }

  @Test
  public void scannerLinesAreDeadLettersWithTheirReasonOtherwise() {
    for (String l : SCANNER_LINES) {
      Rejection r = dead(parse(STRICT, l));
      assertThat(l, r.reason(), equalTo(RejectReason.UNPARSEABLE_LOG_LINE));
      assertThat(l, r.detail(), containsString("is not a successful click"));
    }
    // With a success status (a server that answers anything), a request field that is no request
    // line is no click
    for (String request :
        new String[] {
          "", "-", "\\x16\\x03\\x01\\x02\\x00", "GET", "GET /a b HTTP/1.1", "G\\x00T /"
        }) {
      String l = line(request, 200, "-");
      assertThat(l, parse(IGNORING, l), nullValue());
      Rejection r = dead(parse(STRICT, l));
      assertThat(l, r.detail(), containsString("is not an HTTP request line"));
    }
    assertThat(
        dead(parse(STRICT, SCANNER_LINES.get(0))).detail(), containsString("\\x16\\x03\\x01"));
  }
}
