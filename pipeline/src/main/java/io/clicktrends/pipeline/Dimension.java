package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A trend dimension: which events it counts and what key it ranks them by. */
public enum Dimension {
  add_to_cart(EventType.add_to_cart),
  product_view(EventType.product_view),
  purchase(EventType.purchase),
  remove_from_cart(EventType.remove_from_cart),
  category_view(EventType.category_view),
  search(EventType.search);

  /**
   * A run of Unicode White_Space characters (the Unicode property, 25 code points: tab to carriage
   * return, space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
   * Java's {@code \\s} alone is ASCII-only, and {@code String.strip()} follows {@code
   * Character.isWhitespace}, which leaves out the no-break spaces and U+0085 but takes
   * U+001C..U+001F: neither is the Unicode rule.
   */
  private static final Pattern WHITESPACE = Pattern.compile("\\p{IsWhite_Space}+");

  private final EventType eventType;

  Dimension(EventType eventType) {
    this.eventType = eventType;
  }

  public EventType eventType() {
    return eventType;
  }

  /**
   * The dimension counting events of {@code type}, or null when no dimension counts it (page_view).
   */
  public static Dimension forType(EventType type) {
    for (Dimension d : values()) {
      if (d.eventType == type) {
        return d;
      }
    }
    return null;
  }

  /**
   * The key this event is ranked by in this dimension, or null when the event lacks it (such events
   * are dropped from the dimension and counted).
   */
  public String keyOf(ClickEvent e) {
    String key;
    switch (this) {
      case category_view:
        key = e.getCategory();
        break;
      case search:
        key = normalizeQuery(e.getQuery());
        break;
      default:
        key = e.getProductId();
    }
    return key == null || key.isEmpty() ? null : key;
  }

  /**
   * The search key: Unicode NFKC, lower-cased (root locale), every run of Unicode White_Space
   * characters made one space, leading and trailing ones removed. {@code " Red\u00A0SHOES "},
   * {@code "red\u2028shoes"} and {@code "\uFF32\uFF45\uFF44\u3000\uFF33\uFF28\uFF2F\uFF25\uFF33"}
   * all become {@code "red shoes"}. Characters that are not White_Space (zero-width space U+200B,
   * U+FEFF) are kept: Unicode does not count them as spaces.
   */
  public static String normalizeQuery(String query) {
    if (query == null) {
      return null;
    }
    String n = Normalizer.normalize(query, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    String collapsed = WHITESPACE.matcher(n).replaceAll(" ");
    int from = collapsed.startsWith(" ") ? 1 : 0;
    int to =
        collapsed.length() > from && collapsed.endsWith(" ")
            ? collapsed.length() - 1
            : collapsed.length();
    return collapsed.substring(from, to);
  }

  /** Parses a dimension name; the message names the bad value and the known ones. */
  public static Dimension parse(String name) {
    String n = name == null ? "" : name.trim();
    for (Dimension d : values()) {
      if (d.name().equals(n)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "--dimensions: unknown dimension \""
            + name
            + "\"; known: "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(",")));
  }
}
