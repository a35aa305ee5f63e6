package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ground truth of a live run: exactly how many events of each dimension the agent accepted per
 * slide ("pane": {@code [k * slide, (k + 1) * slide)} of event time, epoch-aligned like the
 * pipeline's windows). A batch is added only after the agent acknowledged it ({@code appendBatch}
 * returned, or the HTTP source answered 2xx), so a window's true total is the sum of its panes
 * here.
 *
 * <p>Thread-safe: senders add concurrently.
 */
final class SentCounts {
  private final long slideMillis;

  /**
   * dimension name (= the event type's name for the five default dimensions) -> pane start millis
   * -> events.
   */
  private final Map<String, ConcurrentSkipListMap<Long, LongAdder>> panes =
      new ConcurrentHashMap<>();

  private final LongAdder events = new LongAdder();

  SentCounts(long slideMillis) {
    this.slideMillis = slideMillis;
  }

  /** Counts an acknowledged batch. */
  void addAccepted(List<ClickEvent> batch) {
    for (ClickEvent e : batch) {
      long t = e.getEventTime().toEpochMilli();
      long pane = Math.floorDiv(t, slideMillis) * slideMillis;
      panes
          .computeIfAbsent(e.getType().name(), d -> new ConcurrentSkipListMap<>())
          .computeIfAbsent(pane, p -> new LongAdder())
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
   * (pane-aligned bounds).
   */
  long total(String dimension, long startMillis, long endMillis) {
    ConcurrentSkipListMap<Long, LongAdder> byPane = panes.get(dimension);
    if (byPane == null) {
      return 0;
    }
    long sum = 0;
    for (LongAdder n : byPane.subMap(startMillis, true, endMillis, false).values()) {
      sum += n.sum();
    }
    return sum;
  }

  /** The dimensions any accepted event counted in. */
  Iterable<String> dimensions() {
    return panes.keySet();
  }

  long slideMillis() {
    return slideMillis;
  }
}
