package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import io.clicktrends.schema.TrendJson;
import java.util.List;

/**
 * Canonical one-line forms of a trend without its emission time, for comparing engines, tests and
 * benchmark checksums: {@code windowId} names the (dimension, window), {@code content} its result.
 */
public final class TrendText {
  private TrendText() {}

  /**
   * {@code add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z} for a count trend, with {@code
   * rising} appended for a rising trend ({@link #risingWindowId}).
   */
  public static String windowId(Trend t) {
    String id =
        windowId(
            t.getDimension(), t.getWindowStart().toEpochMilli(), t.getWindowEnd().toEpochMilli());
    return TrendJson.isRising(t) ? id + " rising" : id;
  }

  /**
   * {@code add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z rising}: the rising trend of the
   * window.
   */
  public static String risingWindowId(String dimension, long startMillis, long endMillis) {
    return windowId(dimension, startMillis, endMillis) + " rising";
  }

  public static String windowId(String dimension, long startMillis, long endMillis) {
    return dimension
        + " "
        + java.time.Instant.ofEpochMilli(startMillis)
        + "/"
        + java.time.Instant.ofEpochMilli(endMillis);
  }

  /** {@code total=3 [214716935=2, 214826623=1]}, or for a rising trend {@link #risingContent}. */
  public static String content(Trend t) {
    return TrendJson.isRising(t)
        ? risingContent(t.getTotal(), t.getRising())
        : content(t.getTotal(), t.getItems());
  }

  /**
   * {@code total=9 rising [boots=6/1/1.8898223650461359]}: key=count/previous/score, score in full.
   */
  public static String risingContent(long total, List<RisingItem> items) {
    StringBuilder sb = new StringBuilder("total=").append(total).append(" rising [");
    for (int i = 0; i < items.size(); i++) {
      RisingItem r = items.get(i);
      sb.append(i == 0 ? "" : ", ")
          .append(r.getKey())
          .append('=')
          .append(r.getCount())
          .append('/')
          .append(r.getPrevious())
          .append('/')
          .append(r.getScore());
    }
    return sb.append(']').toString();
  }

  public static String content(long total, List<TrendItem> items) {
    StringBuilder sb = new StringBuilder("total=").append(total).append(" [");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : ", ")
          .append(items.get(i).getKey())
          .append('=')
          .append(items.get(i).getCount());
    }
    return sb.append(']').toString();
  }

  /**
   * {@code add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z ON_TIME#0 total=3 [214716935=2,
   * 214826623=1]}
   */
  public static String full(Trend t) {
    return windowId(t) + " " + t.getTiming() + "#" + t.getPaneIndex() + " " + content(t);
  }
}
