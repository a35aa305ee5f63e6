package io.clicktrends.pipeline;

import static io.clicktrends.pipeline.TestEvents.at;
import static io.clicktrends.pipeline.TestEvents.click;
import static io.clicktrends.pipeline.TestEvents.timed;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.schema.Trend;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
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

/** Window semantics of every engine, on hand-made streams driven by TestStream. */
@RunWith(Parameterized.class)
public class ComputeTrendsTest {
  @Parameters(name = "{0} shards={1}")
  public static List<Object[]> engines() {
    return List.of(
        new Object[] {Engine.slidingWindows, 1},
        new Object[] {Engine.incremental, 1},
        new Object[] {Engine.incremental, 3});
  }

  @Parameter(0)
  public Engine engine;

  @Parameter(1)
  public int shards;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** 10-minute windows every 5 minutes, top 2, five minutes of allowed lateness. */
  private static final TrendConfig CONFIG =
      TrendConfig.of(
          Duration.standardMinutes(10),
          Duration.standardMinutes(5),
          2,
          Duration.standardMinutes(5),
          List.of(Dimension.values()));

  private PCollection<String> trends(TestStream<ClickEvent> stream) {
    return p.apply(stream)
        .apply(ComputeTrends.of(CONFIG).withEngine(engine).withRankingShards(shards))
        .apply(MapElements.into(TypeDescriptors.strings()).via((Trend t) -> TrendText.full(t)));
  }

  private static TestStream.Builder<ClickEvent> stream() {
    return TestStream.create(AvroCoder.of(ClickEvent.class));
  }

  @Test
  public void anEventAtExactlyTheEndIsNotInTheWindow() {
    TestStream<ClickEvent> s =
        stream()
            .addElements(
                timed(click(EventType.add_to_cart, "A", "2014-04-01T10:09:59.999Z")),
                timed(click(EventType.add_to_cart, "B", "2014-04-01T10:10:00.000Z")))
            .advanceWatermarkToInfinity();
    PAssert.that(trends(s))
        .containsInAnyOrder(
            "add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z ON_TIME#0 total=1 [A=1]",
            "add_to_cart 2014-04-01T10:05:00Z/2014-04-01T10:15:00Z ON_TIME#0 total=2 [A=1, B=1]",
            "add_to_cart 2014-04-01T10:10:00Z/2014-04-01T10:20:00Z ON_TIME#0 total=1 [B=1]");
    p.run();
  }

  @Test
  public void severalDimensionsTiesByKeyAndKLargerThanTheKeys() {
    TestStream<ClickEvent> s =
        stream()
            .addElements(
                timed(click(EventType.add_to_cart, "p3", "2014-04-01T10:06:00Z")),
                timed(click(EventType.add_to_cart, "p2", "2014-04-01T10:06:01Z")),
                timed(click(EventType.add_to_cart, "p1", "2014-04-01T10:06:02Z")),
                timed(click(EventType.add_to_cart, "p3", "2014-04-01T10:06:03Z")),
                // normalised to one key: NFKC (full-width letters), case, inner and outer
                // whitespace
                timed(click(EventType.search, "  Red \u00A0SHOES ", "2014-04-01T10:07:00Z")),
                timed(click(EventType.search, "\uFF52ed shoes", "2014-04-01T10:07:01Z")),
                timed(click(EventType.category_view, "shoes", "2014-04-01T10:08:00Z")),
                // counted nowhere: no dimension ranks page views, and an add_to_cart without a
                // product
                timed(click(EventType.page_view, "x", "2014-04-01T10:08:00Z")),
                timed(click(EventType.add_to_cart, "", "2014-04-01T10:08:00Z")))
            .advanceWatermarkToInfinity();
    String[] windows = {
      "2014-04-01T10:00:00Z/2014-04-01T10:10:00Z", "2014-04-01T10:05:00Z/2014-04-01T10:15:00Z"
    };
    String[] expected = new String[6];
    for (int i = 0; i < 2; i++) {
      // p3 twice, then the tie p1 = p2 broken by key: p1 first; K = 2 cuts p2
      expected[3 * i] = "add_to_cart " + windows[i] + " ON_TIME#0 total=4 [p3=2, p1=1]";
      expected[3 * i + 1] = "search " + windows[i] + " ON_TIME#0 total=2 [red shoes=2]";
      expected[3 * i + 2] = "category_view " + windows[i] + " ON_TIME#0 total=1 [shoes=1]";
    }
    PAssert.that(trends(s)).containsInAnyOrder(expected);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(counter(result, PipelineMetrics.missingKey(Dimension.add_to_cart)), is(1L));
  }

  @Test
  public void theWatermarkCrossesEmptyStretchesWithoutEmptyTrends() {
    TestStream<ClickEvent> s =
        stream()
            .addElements(timed(click(EventType.purchase, "p1", "2014-04-01T10:01:00Z")))
            .advanceWatermarkTo(at("2014-04-01T10:30:00Z"))
            .advanceWatermarkTo(at("2014-04-01T11:30:00Z"))
            .addElements(timed(click(EventType.purchase, "p2", "2014-04-01T12:02:00Z")))
            .advanceWatermarkTo(at("2014-04-01T13:00:00Z"))
            .advanceWatermarkToInfinity();
    PAssert.that(trends(s))
        .containsInAnyOrder(
            "purchase 2014-04-01T09:55:00Z/2014-04-01T10:05:00Z ON_TIME#0 total=1 [p1=1]",
            "purchase 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z ON_TIME#0 total=1 [p1=1]",
            "purchase 2014-04-01T11:55:00Z/2014-04-01T12:05:00Z ON_TIME#0 total=1 [p2=1]",
            "purchase 2014-04-01T12:00:00Z/2014-04-01T12:10:00Z ON_TIME#0 total=1 [p2=1]");
    p.run();
  }

  @Test
  public void lateDataCorrectsWithinTheLatenessAndIsDroppedBeyondIt() {
    TestStream<ClickEvent> s =
        stream()
            .addElements(timed(click(EventType.add_to_cart, "p", "2014-04-01T10:01:00Z")))
            .advanceWatermarkTo(at("2014-04-01T10:10:30Z"))
            // 30 s behind [10:00, 10:10): a LATE correction; 4.5 min behind [09:55, 10:05): dropped
            // there
            .addElements(timed(click(EventType.add_to_cart, "q", "2014-04-01T10:02:00Z")))
            .advanceWatermarkTo(at("2014-04-01T10:20:00Z"))
            // behind every window it belongs to by more than the lateness: dropped everywhere
            .addElements(timed(click(EventType.add_to_cart, "r", "2014-04-01T10:03:00Z")))
            .advanceWatermarkToInfinity();
    PAssert.that(trends(s))
        .containsInAnyOrder(
            "add_to_cart 2014-04-01T09:55:00Z/2014-04-01T10:05:00Z ON_TIME#0 total=1 [p=1]",
            "add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z ON_TIME#0 total=1 [p=1]",
            "add_to_cart 2014-04-01T10:00:00Z/2014-04-01T10:10:00Z LATE#1 total=2 [p=1, q=1]");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    if (engine == Engine.slidingWindows) {
      // q is too late for one of its two windows, r for both: three (event, window) pairs dropped
      assertThat(counterAnyNamespace(result, PipelineMetrics.BEAM_DROPPED_DUE_TO_LATENESS), is(3L));
    } else {
      // q is dropped from one window by the engine; r's whole slice count by Beam before it (Beam
      // counts
      // the slice partials it drops, r's count and ticks, not events)
      assertThat(counter(result, PipelineMetrics.DROPPED_TOO_LATE), is(1L));
      assertThat(
          counterAnyNamespace(result, PipelineMetrics.BEAM_DROPPED_DUE_TO_LATENESS),
          greaterThanOrEqualTo(1L));
    }
  }

  static long counter(PipelineResult result, String name) {
    MetricQueryResults q =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(PipelineMetrics.NAMESPACE, name))
                    .build());
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  static long counterAnyNamespace(PipelineResult result, String name) {
    MetricQueryResults q = result.metrics().allMetrics();
    long sum = 0;
    for (MetricResult<Long> c : q.getCounters()) {
      if (c.getName().getName().equals(name)) {
        sum += c.getAttempted();
      }
    }
    return sum;
  }
}
