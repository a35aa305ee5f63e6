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
 * A click URL template such as {@code /product/{productId}}, {@code /search?q={query}} or
 * {@code /cart/add?product={productId}}: path segments in braces capture one segment, query parameters in braces
 * capture that parameter (which must be present). Captured names are ClickEvent field names.
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
          throw new IllegalArgumentException("query part of " + template + " must be name={field} pairs");
        }
        queryVars.put(kv[0], v.group(1));
      }
    }
  }

  public String eventType() {
    return eventType;
  }

  /** The captured fields if {@code target} (a request path with optional query) matches. */
  public Optional<Map<String, String>> match(String target) {
    int q = target.indexOf('?');
    String p = q < 0 ? target : target.substring(0, q);
    Matcher m = path.matcher(p);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i < pathVars.size(); i++) {
      fields.put(pathVars.get(i), decode(m.group(i + 1)));
    }
    if (!queryVars.isEmpty()) {
      Map<String, String> params = q < 0 ? Map.of() : parseQuery(target.substring(q + 1));
      for (Map.Entry<String, String> e : queryVars.entrySet()) {
        String value = params.get(e.getKey());
        if (value == null || value.isEmpty()) {
          return Optional.empty();
        }
        fields.put(e.getValue(), value);
      }
    }
    return Optional.of(fields);
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      params.putIfAbsent(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%' in a log line: keep it verbatim rather than reject the click
    }
  }

  @Override
  public String toString() {
    return eventType + " " + template;
  }
}
