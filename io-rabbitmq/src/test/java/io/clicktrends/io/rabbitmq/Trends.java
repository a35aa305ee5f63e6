package io.clicktrends.io.rabbitmq;

import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import java.time.Instant;
import java.util.List;

/** Small trend fixtures. */
final class Trends {
  private Trends() {}

  static Trend trend(String dimension, long windowEndSeconds, long paneIndex, String... keys) {
    Instant end = Instant.ofEpochSecond(windowEndSeconds);
    List<TrendItem> items = new java.util.ArrayList<>();
    long count = keys.length * 10L;
    for (String k : keys) {
      items.add(new TrendItem(k, count));
      count -= 10;
    }
    return Trend.newBuilder()
        .setDimension(dimension)
        .setWindowStart(end.minusSeconds(600))
        .setWindowEnd(end)
        .setTotal(items.stream().mapToLong(TrendItem::getCount).sum())
        .setItems(items)
        .setTiming("ON_TIME")
        .setPaneIndex(paneIndex)
        .setEmittedAt(end.plusMillis(120))
        .build();
  }

  /** A rising trend: each key counted 10 in the window and 1 in the previous one. */
  static Trend rising(String dimension, long windowEndSeconds, long paneIndex, String... keys) {
    Trend top = trend(dimension, windowEndSeconds, paneIndex, keys);
    List<TrendItem> items = new java.util.ArrayList<>();
    List<RisingItem> rising = new java.util.ArrayList<>();
    for (String k : keys) {
      items.add(new TrendItem(k, 10L));
      rising.add(new RisingItem(k, 10L, 1L, 9 / Math.sqrt(11)));
    }
    return Trend.newBuilder(top).setKind("rising").setItems(items).setRising(rising).build();
  }
}
