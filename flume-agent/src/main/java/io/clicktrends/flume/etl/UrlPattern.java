package io.clicktrends.flume.etl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A click URL template such as {@code /product/{productId}}, {@code /search?q={query}} or {@code
 * /cart/add?product={productId}}: path segments in braces capture one segment, query parameters in
 * braces capture that parameter (which must be present). Captured names are ClickEvent field names.
 *
 * <p>Each part of the URL is decoded by its own rules, exactly once, after matching on the raw
 * (still encoded) target:
 *
 * <ul>
 *   <li>a path segment is percent-decoded (RFC 3986) and {@code +} stays a literal plus: {@code
 *       /product/AB+12} is {@code AB+12}, {@code /product/AB%2B12} is {@code AB+12}, {@code
 *       /category/Men%2FShoes} is {@code Men/Shoes} (the segment is split off before decoding);
 *   <li>a query parameter's name and value are decoded as {@code
 *       application/x-www-form-urlencoded}, where {@code +} is a space: {@code /search?q=red+shoes}
 *       is {@code red shoes};
 *   <li>decoding happens once: {@code %252B} is {@code %2B}, never {@code +};
 *   <li>a captured part with a malformed escape ({@code %} not followed by two hex digits) makes
 *       {@link #match} throw {@link MalformedUrlException} (the click is dead-lettered, not guessed
 *       at); escapes that decode to bytes that are not UTF-8 become U+FFFD, which the validation
 *       rules reject as invalid Unicode.
 * </ul>
 *
 * Decoding uses the JDK's {@link URLDecoder} (form rules) for both: for a path segment each {@code
 * +} is escaped as {@code %2B} first, so the decoder keeps it a plus.
 */
public final class UrlPattern {
  private static final Pattern VAR = Pattern.compile("\\{(\\w+)}");

  private final String eventType;
  private final String template;
  private final Pattern path;
  private final List<String> pathVars = new ArrayList<>();
  private final Map<String, String> queryVars = new LinkedHashMap<>(); // parameter -> field

  public UrlPattern(String eventType, String template) {
    this.eventType = eventType;
    this.template = template;
    int q = template.indexOf('?');
    String pathPart = q < 0 ? template : template.substring(0, q);
    StringBuilder regex = new StringBuilder();
    Matcher m = VAR.matcher(pathPart);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(pathPart.substring(last, m.start()))).append("([^/?#]+)");
      pathVars.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(pathPart.substring(last))).append("/?");
    this.path = Pattern.compile(regex.toString());
    if (q >= 0) {
      for (String pair : template.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        Matcher v = kv.length == 2 ? VAR.matcher(kv[1]) : null;
        if (v == null || !v.matches()) {
          throw new IllegalArgumentException(
              "query part of " + template + " must be name={field} pairs");
        }
        queryVars.put(kv[0], v.group(1));
      }
    }
  }

  public String eventType() {
    return eventType;
  }

  /**
   * The captured fields if {@code target} (a request path with optional query, as sent: still
   * percent-encoded) matches.
   *
   * @throws MalformedUrlException if it matches but a captured part has a malformed percent-escape
   */
  public Optional<Map<String, String>> match(String target) {
    int q = target.indexOf('?');
    String p = q < 0 ? target : target.substring(0, q);
    Matcher m = path.matcher(p);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i < pathVars.size(); i++) {
      fields.put(pathVars.get(i), decodePathSegment(pathVars.get(i), m.group(i + 1)));
    }
    if (!queryVars.isEmpty()) {
      Map<String, String> params = q < 0 ? Map.of() : rawQueryParams(target.substring(q + 1));
      for (Map.Entry<String, String> e : queryVars.entrySet()) {
        String raw = params.get(e.getKey());
        if (raw == null || raw.isEmpty()) {
          return Optional.empty();
        }
        fields.put(e.getValue(), decodeQueryPart(e.getValue(), raw));
      }
    }
    return Optional.of(fields);
  }

  /**
   * Parameter name (decoded) to raw value, the first occurrence of each; a pair whose name has a
   * malformed escape is skipped (it cannot be one this pattern captures, and another parameter's
   * junk must not cost the click).
   */
  private static Map<String, String> rawQueryParams(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      try {
        params.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8), eq < 0 ? "" : pair.substring(eq + 1));
      } catch (IllegalArgumentException malformedName) {
        // skipped, see above
      }
    }
    return params;
  }

  /** A path segment: percent-escapes decoded once, {@code +} a literal plus. */
  static String decodePathSegment(String field, String raw) {
    return decode(field, raw, raw.replace("+", "%2B"));
  }

  /** A query parameter value (form encoding): percent-escapes decoded once, {@code +} a space. */
  static String decodeQueryPart(String field, String raw) {
    return decode(field, raw, raw);
  }

  private static String decode(String field, String raw, String prepared) {
    try {
      return URLDecoder.decode(prepared, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new MalformedUrlException(
          field
              + " '"
              + abbreviate(raw)
              + "' has a malformed percent-escape ("
              + e.getMessage()
              + ")");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  /**
   * A matching URL whose captured part cannot be decoded; the message names the field and the raw
   * value.
   */
  public static final class MalformedUrlException extends RuntimeException {
    MalformedUrlException(String message) {
      super(message);
    }
  }

  @Override
  public String toString() {
    return eventType + " " + template;
  }
}
