package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ground truth of a live run: exactly how many events of each dimension the agent accepted per
 * slide ("slice": {@code [k * slide, (k + 1) * slide)} of event time, epoch-aligned like the
 * pipeline's windows). A batch is added only after the agent acknowledged it ({@code appendBatch}
 * returned, or the HTTP source answered 2xx), so a window's true total is the sum of its slices
 * here.
 *
 * <p>Thread-safe: senders add concurrently.
 */
final class SentCounts {
  private final long slideMillis;

  /**
   * dimension name (= the event type's name for the five default dimensions) -> slice start millis
   * -> events.
   */
  private final Map<String, ConcurrentSkipListMap<Long, LongAdder>> slices =
      new ConcurrentHashMap<>();

  private final LongAdder events = new LongAdder();

  SentCounts(long slideMillis) {
    this.slideMillis = slideMillis;
  }

  /** Counts an acknowledged batch. */
  void addAccepted(List<ClickEvent> batch) {
    for (ClickEvent e : batch) {
      long t = e.getEventTime().toEpochMilli();
      long slice = Math.floorDiv(t, slideMillis) * slideMillis;
      slices
          .computeIfAbsent(e.getType().name(), d -> new ConcurrentSkipListMap<>())
          .computeIfAbsent(slice, p -> new LongAdder())
          .increment();
    }
    events.add(batch.size());
  }

  /** Events accepted so far. */
  long events() {
    return events.sum();
  }

  /**
   * Events of {@code dimension} accepted with event time in {@code [startMillis, endMillis)}
   * (slice-aligned bounds).
   */
  long total(String dimension, long startMillis, long endMillis) {
    ConcurrentSkipListMap<Long, LongAdder> bySlice = slices.get(dimension);
    if (bySlice == null) {
      return 0;
    }
    long sum = 0;
    for (LongAdder n : bySlice.subMap(startMillis, true, endMillis, false).values()) {
      sum += n.sum();
    }
    return sum;
  }

  /** The dimensions any accepted event counted in. */
  Iterable<String> dimensions() {
    return slices.keySet();
  }

  long slideMillis() {
    return slideMillis;
  }
}
