package io.clicktrends.pipeline;

import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Random streams (sizes, slides, K, skew, out-of-order and late events all drawn from a seed): for
 * every (dimension, window) the ON_TIME result and the last result must equal the plain-Java {@link
 * ReferenceComputation} on the same arrivals and watermarks; and the same events read as a bounded
 * input must give the reference's results with nothing late.
 */
@RunWith(Parameterized.class)
public class RandomizedReferenceTest {
  @Parameters(name = "{0} shards={2} seed={1}")
  public static List<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (long seed = 1; seed <= 10; seed++) {
      cases.add(new Object[] {Engine.slidingWindows, seed, 1});
      for (int shards : new int[] {1, 3}) {
        cases.add(new Object[] {Engine.incremental, seed, shards});
      }
    }
    // many shards: most of a dimension's shards see no key in most windows
    for (long seed = 11; seed <= 13; seed++) {
      cases.add(new Object[] {Engine.incremental, seed, 8});
    }
    return cases;
  }

  @Parameter(0)
  public Engine engine;

  @Parameter(1)
  public long seed;

  @Parameter(2)
  public int shards;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void everyWindowEqualsTheReferenceComputation() {
    RandomStream stream = new RandomStream(seed);
    TreeMap<String, String> expectedOnTime =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.ON_TIME));
    TreeMap<String, String> expectedFinal =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.FINAL));

    PCollection<Trend> trends =
        p.apply(stream.testStream)
            .apply(ComputeTrends.of(stream.config).withEngine(engine).withRankingShards(shards));
    PAssert.that(trends)
        .satisfies(new MatchesReference(expectedOnTime, expectedFinal, stream.config.toString()));
    p.run();
  }

  /**
   * The same events as a bounded input: nothing is late, every window has one ON_TIME result. (The
   * incremental engine gathers a bounded input's slices differently from a stream's.)
   */
  @Test
  public void theSameEventsAsABoundedInputEqualTheReferenceComputation() {
    RandomStream stream = new RandomStream(seed);
    List<Arrival> allOnTime = new ArrayList<>();
    List<TimestampedValue<ClickEvent>> events = new ArrayList<>();
    for (Arrival a : stream.arrivals) {
      allOnTime.add(new Arrival(a.event(), Long.MIN_VALUE));
      events.add(
          TimestampedValue.of(a.event(), new Instant(a.event().getEventTime().toEpochMilli())));
    }
    TreeMap<String, String> expected =
        new TreeMap<>(ReferenceComputation.compute(allOnTime, stream.config, Cut.ON_TIME));

    PCollection<Trend> trends =
        p.apply(Create.timestamped(events).withCoder(AvroCoder.of(ClickEvent.class)))
            .apply(ComputeTrends.of(stream.config).withEngine(engine).withRankingShards(shards));
    PAssert.that(trends)
        .satisfies(new MatchesReference(expected, expected, stream.config + " (bounded)"));
    p.run();
  }
}
