package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * Hand-made events for tests: {@code TestEvents.click(EventType.add_to_cart, "p1",
 * "2014-04-01T10:00:05Z")}.
 */
final class TestEvents {
  private static final AtomicLong IDS = new AtomicLong();

  private TestEvents() {}

  static ClickEvent click(EventType type, String key, String isoTime) {
    return click(type, key, Instant.parse(isoTime).toEpochMilli());
  }

  /** An event whose dimension key is {@code key} (productId, category or query by type). */
  static ClickEvent click(EventType type, String key, long eventTimeMillis) {
    ClickEvent.Builder b =
        ClickEvent.newBuilder()
            .setEventId("t-" + IDS.incrementAndGet())
            .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
            .setType(type)
            .setSessionId("s-1")
            .setIngestTime(Instant.ofEpochMilli(eventTimeMillis));
    switch (type) {
      case search:
        b.setQuery(key);
        break;
      case category_view:
        b.setCategory(key);
        break;
      default:
        b.setProductId(key);
    }
    return b.build();
  }

  /** The event stamped with its own event time, as FlumeIO emits it. */
  static TimestampedValue<ClickEvent> timed(ClickEvent e) {
    return TimestampedValue.of(e, new org.joda.time.Instant(e.getEventTime().toEpochMilli()));
  }

  static org.joda.time.Instant at(String isoTime) {
    return org.joda.time.Instant.parse(isoTime);
  }
}
