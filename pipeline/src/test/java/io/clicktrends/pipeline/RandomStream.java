package io.clicktrends.pipeline;

import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.testdata.ClickstreamGenerator;
import io.clicktrends.testdata.Zipf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A seeded random stream with its watermark: events drift forward in event time, most arrive in
 * order, some out of order but ahead of the watermark, some late within the allowed lateness and
 * some beyond it. The same stream is rendered as a {@link TestStream} and as {@link Arrival}s for
 * the reference computation, so both see the same watermark at every arrival. Public for bench's
 * {@code RandomStreamsSparkTest}, which replays the same stream on the SparkRunner.
 */
public final class RandomStream {
  public final TrendConfig config;
  public final List<Arrival> arrivals = new ArrayList<>();
  public final TestStream<ClickEvent> testStream;

  /**
   * A stream whose settings (window, slide, K, a whole number of slides of lateness) are drawn from
   * the seed too, with rising trends on.
   */
  public RandomStream(long seed) {
    this(new Random(seed));
  }

  /**
   * A stream for the given settings; late events are drawn relative to its allowed lateness,
   * whatever it is.
   */
  public RandomStream(long seed, TrendConfig config) {
    this(new Random(seed), config);
  }

  private RandomStream(Random r) {
    this(r, drawConfig(r));
  }

  private static TrendConfig drawConfig(Random r) {
    long slide = (1 + r.nextInt(6)) * 10_000L; // 10 s .. 60 s
    int slices = 1 + r.nextInt(6);
    long lateness = r.nextInt(4) * slide;
    List<Dimension> dims =
        List.of(Dimension.add_to_cart, Dimension.search, Dimension.category_view);
    // rising trends on, with a least count of 1 to 3 (small streams: low enough that keys are
    // listed)
    return TrendConfig.of(
            Duration.millis(slide * slices),
            Duration.millis(slide),
            1 + r.nextInt(4),
            Duration.millis(lateness),
            dims)
        .withRising(1 + (int) (slide / 10_000) % 3);
  }

  private RandomStream(Random r, TrendConfig config) {
    this.config = config;
    long slide = config.windowSlide().getMillis();
    int slices = config.slicesPerWindow();
    long lateness = config.allowedLateness().getMillis();
    int events = 150 + r.nextInt(150);
    Zipf keys = new Zipf(5 + r.nextInt(30), 0.5 + r.nextDouble());
    EventType[] types = {
      EventType.add_to_cart, EventType.search, EventType.category_view, EventType.purchase
    };
    long clock = 1_396_346_400_000L + r.nextInt(1_000_000); // 2014-04-01T10:00Z plus up to ~17 min
    long watermark = Long.MIN_VALUE;
    TestStream.Builder<ClickEvent> b = TestStream.create(AvroCoder.of(ClickEvent.class));
    for (int i = 0; i < events; i++) {
      clock += r.nextInt((int) slide / 4 + 1);
      long t;
      double kind = r.nextDouble();
      if (kind < 0.70 || watermark == Long.MIN_VALUE) {
        t = clock; // in order
      } else if (kind < 0.85) {
        t = Math.max(watermark + 1, clock - r.nextInt((int) slide)); // out of order, not late
      } else if (kind < 0.95) {
        t =
            watermark
                - 1
                - r.nextInt((int) Math.max(1, lateness + slide)); // late, often within lateness
      } else {
        t =
            watermark
                - 1
                - lateness
                - slide * slices
                - r.nextInt((int) slide); // beyond the lateness
      }
      ClickEvent e =
          ClickstreamGenerator.event(i, t, types[r.nextInt(types.length)], keys.sample(r), 1);
      b = b.addElements(TimestampedValue.of(e, new Instant(t)));
      arrivals.add(new Arrival(e, watermark));
      if (r.nextDouble() < 0.15) {
        long next = clock - r.nextInt((int) slide * 2);
        if (next > watermark) {
          watermark = next;
          b = b.advanceWatermarkTo(new Instant(watermark));
        }
      }
    }
    testStream = b.advanceWatermarkToInfinity();
  }
}
