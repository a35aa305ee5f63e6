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

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final EventType eventType;

  Dimension(EventType eventType) {
    this.eventType = eventType;
  }

  public EventType eventType() {
    return eventType;
  }

  /** The dimension counting events of {@code type}, or null when no dimension counts it (page_view). */
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

  /** Unicode NFKC, lower-cased, trimmed, inner whitespace collapsed: "  Red\u00A0SHOES " becomes "red shoes". */
  public static String normalizeQuery(String query) {
    if (query == null) {
      return null;
    }
    String n = Normalizer.normalize(query, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return WHITESPACE.matcher(n).replaceAll(" ").trim();
  }

  /** Parses a dimension name; the message names the bad value and the known ones. */
  public static Dimension parse(String name) {
    String n = name == null ? "" : name.trim();
    for (Dimension d : values()) {
      if (d.name().equals(n)) {
        return d;
      }
    }
    throw new IllegalArgumentException("--dimensions: unknown dimension \"" + name + "\"; known: "
        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(",")));
  }
}
