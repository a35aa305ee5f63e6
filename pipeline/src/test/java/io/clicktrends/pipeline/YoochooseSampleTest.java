package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;

import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import io.clicktrends.testdata.YoochooseSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * Real clicks: four hours of the YOOCHOOSE sample through each engine, against the reference loop.
 */
@RunWith(Parameterized.class)
public class YoochooseSampleTest {
  @Parameters(name = "{0}")
  public static Object[] engines() {
    return Engine.values();
  }

  @Parameter public Engine engine;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void fourHoursOfRealClicksMatchTheReference() {
    Instant from = Instant.parse("2014-04-01T06:00:00Z");
    Instant to = Instant.parse("2014-04-01T10:00:00Z");
    // Replayed as a stream, in event-time order, the watermark 5 s behind the newest event every 50
    // events.
    List<ClickEvent> clicks = new ArrayList<>();
    for (ClickEvent e : YoochooseSample.readSorted(YoochooseSample.locate())) {
      if (!e.getEventTime().isBefore(from) && e.getEventTime().isBefore(to)) {
        clicks.add(e);
      }
    }
    assertThat(clicks.size(), greaterThan(1000));
    TestStream.Builder<ClickEvent> stream = TestStream.create(AvroCoder.of(ClickEvent.class));
    List<Arrival> arrivals = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    for (int from50 = 0; from50 < clicks.size(); from50 += 50) {
      List<ClickEvent> batch = clicks.subList(from50, Math.min(clicks.size(), from50 + 50));
      List<org.apache.beam.sdk.values.TimestampedValue<ClickEvent>> timed = new ArrayList<>();
      for (ClickEvent e : batch) {
        timed.add(TestEvents.timed(e));
        arrivals.add(new Arrival(e, watermark));
      }
      stream =
          stream.addElements(
              timed.get(0),
              timed
                  .subList(1, timed.size())
                  .toArray(new org.apache.beam.sdk.values.TimestampedValue[0]));
      watermark = batch.get(batch.size() - 1).getEventTime().toEpochMilli() - 5000;
      stream = stream.advanceWatermarkTo(new org.joda.time.Instant(watermark));
    }
    TrendConfig config =
        TrendConfig.of(
            Duration.standardMinutes(10),
            Duration.standardMinutes(1),
            5,
            Duration.standardMinutes(1),
            List.of(Dimension.product_view));
    TreeMap<String, String> onTime =
        new TreeMap<>(ReferenceComputation.compute(arrivals, config, Cut.ON_TIME));
    TreeMap<String, String> fin =
        new TreeMap<>(ReferenceComputation.compute(arrivals, config, Cut.FINAL));

    PCollection<Trend> trends =
        p.apply(stream.advanceWatermarkToInfinity())
            .apply(ComputeTrends.of(config).withEngine(engine));
    PAssert.that(trends).satisfies(new MatchesReference(onTime, fin, config.toString()));
    p.run();
  }
}
