package io.clicktrends.pipeline;

import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import java.util.List;

/**
 * Canonical one-line forms of a trend without its emission time, for comparing engines, tests and
 * benchmark checksums: {@code windowId} names the (dimension, window), {@code content} its result.
 */
public final class TrendText {
  private TrendText() {}

  /** {@code add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z} */
  public static String windowId(Trend t) {
    return windowId(t.getDimension(), t.getWindowStart().toEpochMilli(), t.getWindowEnd().toEpochMilli());
  }

  public static String windowId(String dimension, long startMillis, long endMillis) {
    return dimension + " " + java.time.Instant.ofEpochMilli(startMillis) + "/" + java.time.Instant.ofEpochMilli(endMillis);
  }

  /** {@code total=3 [214716935=2, 214826623=1]} */
  public static String content(Trend t) {
    return content(t.getTotal(), t.getItems());
  }

  public static String content(long total, List<TrendItem> items) {
    StringBuilder sb = new StringBuilder("total=").append(total).append(" [");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(items.get(i).getKey()).append('=').append(items.get(i).getCount());
    }
    return sb.append(']').toString();
  }

  /** {@code add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z ON_TIME#0 total=3 [214716935=2, 214826623=1]} */
  public static String full(Trend t) {
    return windowId(t) + " " + t.getTiming() + "#" + t.getPaneIndex() + " " + content(t);
  }
}
