package io.clicktrends.pipeline;

import static io.clicktrends.pipeline.TestEvents.at;
import static io.clicktrends.pipeline.TestEvents.click;
import static io.clicktrends.pipeline.TestEvents.timed;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;

import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.schema.Trend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * {@code --windowSize=30m --windowSlide=5m --topK=7} with the default {@code --allowedLateness=1m}:
 * a lateness shorter than a slide and not a whole number of slides. A late event corrects a window
 * while the watermark is at most the window's end - 1 ms + 1 minute; one that comes later (here 3
 * minutes after the window's end) is dropped from that window and still counted in the later
 * windows it belongs to, on every engine and as the reference says.
 */
@RunWith(Parameterized.class)
public class LatenessShorterThanASlideTest {
  @Parameters(name = "--engine={0}")
  public static List<Object[]> engines() {
    return List.of(new Object[] {Engine.incremental}, new Object[] {Engine.slidingWindows});
  }

  @Parameter(0)
  public Engine engine;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void aLateEventCorrectsItsWindowForOneMinuteThenIsDroppedThere() {
    // count trends only: this is about lateness (RisingTrendsTest has rising trends with late data)
    ClicktrendsOptions options =
        ClicktrendsPipeline.parse(
            "--windowSize=30m",
            "--windowSlide=5m",
            "--topK=7",
            "--engine=" + engine,
            "--rabbitmqUri=none",
            "--archivePath=none",
            "--rising=false");
    TrendConfig config = TrendConfig.from(options);
    assertEquals(Duration.standardMinutes(1), config.allowedLateness());

    List<Arrival> arrivals = new ArrayList<>();
    ClickEvent p1 = click(EventType.add_to_cart, "p1", "2014-04-01T10:01:00Z");
    ClickEvent p2 = click(EventType.add_to_cart, "p2", "2014-04-01T10:04:00Z");
    // 30 s after the end of [09:35, 10:05): within the lateness there, on time in the windows
    // ending 10:10 .. 10:30
    ClickEvent p3 = click(EventType.add_to_cart, "p3", "2014-04-01T10:04:30Z");
    // 3 minutes after the end of [09:35, 10:05) (late by more than 1m, less than a slide): dropped
    // there only
    ClickEvent p4 = click(EventType.add_to_cart, "p4", "2014-04-01T10:03:00Z");
    TestStream<ClickEvent> stream =
        TestStream.create(AvroCoder.of(ClickEvent.class))
            .addElements(timed(p1), timed(p2))
            .advanceWatermarkTo(at("2014-04-01T10:05:30Z"))
            .addElements(timed(p3))
            .advanceWatermarkTo(at("2014-04-01T10:08:00Z"))
            .addElements(timed(p4))
            .advanceWatermarkToInfinity();
    arrivals.add(new Arrival(p1, Long.MIN_VALUE));
    arrivals.add(new Arrival(p2, Long.MIN_VALUE));
    arrivals.add(new Arrival(p3, at("2014-04-01T10:05:30Z").getMillis()));
    arrivals.add(new Arrival(p4, at("2014-04-01T10:08:00Z").getMillis()));

    PCollection<Trend> trends = p.apply(stream).apply(ComputeTrends.from(options));
    PAssert.that(trends)
        .satisfies(
            new MatchesReference(
                new TreeMap<>(ReferenceComputation.compute(arrivals, config, Cut.ON_TIME)),
                new TreeMap<>(ReferenceComputation.compute(arrivals, config, Cut.FINAL)),
                config.toString()));
    List<String> expected =
        new ArrayList<>(
            List.of(
                "add_to_cart 2014-04-01T09:35:00Z/2014-04-01T10:05:00Z ON_TIME#0 total=2 [p1=1, p2=1]",
                "add_to_cart 2014-04-01T09:35:00Z/2014-04-01T10:05:00Z LATE#1 total=3 [p1=1, p2=1, p3=1]"));
    // the five later windows holding all four events: [09:40, 10:10) .. [10:00, 10:30)
    for (Instant start = Instant.parse("2014-04-01T09:40:00Z");
        !start.isAfter(Instant.parse("2014-04-01T10:00:00Z"));
        start = start.plusSeconds(300)) {
      expected.add(
          "add_to_cart "
              + start
              + "/"
              + start.plusSeconds(1800)
              + " ON_TIME#0 total=4 [p1=1, p2=1, p3=1, p4=1]");
    }
    PAssert.that(
            trends.apply(
                MapElements.into(TypeDescriptors.strings()).via((Trend t) -> TrendText.full(t))))
        .containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    if (engine == Engine.incremental) {
      // p4 in [09:35, 10:05): the one (event, window) pair the engine drops
      assertThat(ComputeTrendsTest.counter(result, PipelineMetrics.DROPPED_TOO_LATE), is(1L));
    } else {
      assertThat(
          ComputeTrendsTest.counterAnyNamespace(
              result, PipelineMetrics.BEAM_DROPPED_DUE_TO_LATENESS),
          is(1L));
    }
  }
}
