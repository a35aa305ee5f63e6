package io.clicktrends.testdata;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded synthetic clickstream: event times spread uniformly over a span, event types drawn from
 * a list, keys drawn from {@code items} keys with a Zipf skew (a few hot products, a long tail).
 * The same seed gives the same events, so benchmarks and randomised tests can be repeated.
 */
public final class ClickstreamGenerator {
  /** The five dimensions' event types, in the benchmark's mix. */
  public static final List<EventType> DEFAULT_TYPES =
      List.of(
          EventType.product_view,
          EventType.add_to_cart,
          EventType.search,
          EventType.category_view,
          EventType.purchase);

  private long seed = 42;
  private int events = 1000;
  private long startMillis = Instant.parse("2014-04-01T10:00:00Z").toEpochMilli();
  private long spanMillis = 3 * 3600_000L;
  private int items = 10_000;
  private double skew = 1.1;
  private List<EventType> types = DEFAULT_TYPES;
  private boolean sorted = true;

  public ClickstreamGenerator seed(long seed) {
    this.seed = seed;
    return this;
  }

  public ClickstreamGenerator events(int events) {
    this.events = events;
    return this;
  }

  public ClickstreamGenerator start(long startMillis) {
    this.startMillis = startMillis;
    return this;
  }

  public ClickstreamGenerator span(long spanMillis) {
    this.spanMillis = spanMillis;
    return this;
  }

  public ClickstreamGenerator items(int items) {
    this.items = items;
    return this;
  }

  public ClickstreamGenerator skew(double skew) {
    this.skew = skew;
    return this;
  }

  public ClickstreamGenerator types(List<EventType> types) {
    this.types = List.copyOf(types);
    return this;
  }

  /** Whether events come in event-time order (true) or in the random order they were drawn. */
  public ClickstreamGenerator sorted(boolean sorted) {
    this.sorted = sorted;
    return this;
  }

  public List<ClickEvent> generate() {
    Random random = new Random(seed);
    Zipf zipf = new Zipf(items, skew);
    long[] times = new long[events];
    for (int i = 0; i < events; i++) {
      times[i] = startMillis + (long) (random.nextDouble() * spanMillis);
    }
    if (sorted) {
      java.util.Arrays.sort(times);
    }
    List<ClickEvent> out = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      EventType type = types.get(random.nextInt(types.size()));
      int rank = zipf.sample(random);
      out.add(event(i, times[i], type, rank, random.nextInt(Math.max(1, events / 10))));
    }
    return out;
  }

  /** Builds the event of the given type whose dimension key is derived from {@code rank}. */
  public static ClickEvent event(
      long id, long eventTimeMillis, EventType type, int rank, int session) {
    ClickEvent.Builder b =
        ClickEvent.newBuilder()
            .setEventId("gen-" + id)
            .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
            .setType(type)
            .setSessionId("session-" + session)
            .setIngestTime(Instant.ofEpochMilli(eventTimeMillis));
    switch (type) {
      case search:
        b.setQuery("query " + rank);
        break;
      case category_view:
        b.setCategory("category-" + rank);
        break;
      case page_view:
        b.setUrl("/page/" + rank);
        break;
      default:
        b.setProductId(Integer.toString(214_000_000 + rank));
    }
    return b.build();
  }
}
