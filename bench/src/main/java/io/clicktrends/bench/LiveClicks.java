package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.testdata.ClickstreamGenerator;
import io.clicktrends.testdata.Zipf;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live benchmark's clicks: the five default dimensions' event types (uniform), each with the
 * key its dimension ranks (productId for add_to_cart, product_view and purchase; category for
 * category_view; query for search; see {@link ClickstreamGenerator#event}), drawn Zipf({@code
 * items}, {@code skew}). With {@code searchTerms > 0} the search dimension draws its query from a
 * separate Zipf({@code searchTerms}, skew): the long tail (1,000,000 terms: most queries are seen
 * once in a window).
 *
 * <p>Thread-safe: each thread draws from its own {@link Random} (seeded from the seed and a thread
 * counter), so several senders do not contend on one generator. Event ids are unique per instance
 * ({@code live-<n>}).
 */
final class LiveClicks {
  static final List<EventType> TYPES = ClickstreamGenerator.DEFAULT_TYPES;

  private final Zipf keys;
  private final Zipf searchTerms;
  private final long seed;
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicLong nextThread = new AtomicLong();
  private final ThreadLocal<Random> random;

  /**
   * @param items distinct keys per dimension (at least 1)
   * @param skew Zipf exponent (0 = uniform)
   * @param searchTerms distinct search queries, or 0 to draw them like the other keys
   */
  LiveClicks(int items, double skew, int searchTerms, long seed) {
    this.keys = new Zipf(items, skew);
    this.searchTerms = searchTerms > 0 ? new Zipf(searchTerms, skew) : null;
    this.seed = seed;
    this.random =
        ThreadLocal.withInitial(
            () -> new Random(Workload.mix(this.seed, nextThread.getAndIncrement())));
  }

  /**
   * One click stamped {@code eventTimeMillis} (also its ingest time, as a server-side sender sets
   * neither).
   */
  ClickEvent next(long eventTimeMillis) {
    Random r = random.get();
    EventType type = TYPES.get(r.nextInt(TYPES.size()));
    long id = nextId.getAndIncrement();
    if (type == EventType.search && searchTerms != null) {
      return ClickEvent.newBuilder()
          .setEventId("live-" + id)
          .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
          .setType(type)
          .setSessionId("session-" + r.nextInt(10_000))
          .setQuery("term " + searchTerms.sample(r))
          .setIngestTime(Instant.ofEpochMilli(eventTimeMillis))
          .build();
    }
    ClickEvent e =
        ClickstreamGenerator.event(id, eventTimeMillis, type, keys.sample(r), r.nextInt(10_000));
    e.setEventId("live-" + id);
    return e;
  }
}
