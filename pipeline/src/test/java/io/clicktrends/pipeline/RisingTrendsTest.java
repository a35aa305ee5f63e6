package io.clicktrends.pipeline;

import static io.clicktrends.pipeline.TestEvents.at;
import static io.clicktrends.pipeline.TestEvents.click;
import static io.clicktrends.pipeline.TestEvents.timed;
import static org.junit.Assert.assertEquals;

import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * Rising trends on a hand-made stream with exact expected values, on every engine: 20 s windows
 * every 10 s, top 2, least count 2, 30 s of allowed lateness. Two late events: one that the window
 * [10:00:00, 10:00:20) drops and [10:00:10, 10:00:30) keeps (so it restates the rising result of
 * [10:00:10, 10:00:30) and of [10:00:30, 10:00:50), whose previous window that is, while [10:00:20,
 * 10:00:40) must still leave it out of its previous window's count), and one that restates
 * [10:00:20, 10:00:40) and [10:00:30, 10:00:50).
 */
@RunWith(Parameterized.class)
public class RisingTrendsTest {
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

  private static final TrendConfig CONFIG =
      TrendConfig.of(
              Duration.standardSeconds(20),
              Duration.standardSeconds(10),
              2,
              Duration.standardSeconds(30),
              List.of(Dimension.search))
          .withRising(2);

  private static final double R2 = 2 / Math.sqrt(2); // (2 - 0) / sqrt(2 + 0), as a double

  private static final List<ClickEvent> ON_TIME =
      List.of(
          search("a", "10:00:01"),
          search("b", "10:00:05"),
          search("b", "10:00:06"),
          search("a", "10:00:12"),
          search("a", "10:00:22"),
          search("a", "10:00:22"),
          search("a", "10:00:22"),
          search("b", "10:00:23"),
          search("a", "10:00:32"),
          search("c", "10:00:33"),
          search("c", "10:00:34"));

  /**
   * Arrives at watermark 10:00:50: past [10:00:00, 10:00:20)'s deadline 10:00:49.999, within
   * [10:00:10, 10:00:30)'s.
   */
  private static final ClickEvent LATE_D = search("d", "10:00:15");

  private static final List<ClickEvent> LATE_DD =
      List.of(search("d", "10:00:35"), search("d", "10:00:35"));

  private static ClickEvent search(String query, String time) {
    return click(EventType.search, query, "2014-04-01T" + time + "Z");
  }

  private static String w(String start, String end) {
    return "search 2014-04-01T" + start + "Z/2014-04-01T" + end + "Z";
  }

  /** Every result each engine publishes with one shard, in full (pane indexes included). */
  private static final List<String> ALL =
      List.of(
          w("09:59:50", "10:00:10") + " ON_TIME#0 total=3 [b=2, a=1]",
          w("09:59:50", "10:00:10") + " rising ON_TIME#0 total=3 rising [b=2/0/" + R2 + "]",
          w("10:00:00", "10:00:20") + " ON_TIME#0 total=4 [a=2, b=2]",
          w("10:00:00", "10:00:20")
              + " rising ON_TIME#0 total=4 rising [a=2/0/"
              + R2
              + ", b=2/0/"
              + R2
              + "]",
          w("10:00:10", "10:00:30") + " ON_TIME#0 total=5 [a=4, b=1]",
          w("10:00:10", "10:00:30")
              + " rising ON_TIME#0 total=5 rising [a=4/1/"
              + 3 / Math.sqrt(5)
              + "]",
          w("10:00:10", "10:00:30") + " LATE#1 total=6 [a=4, b=1]",
          w("10:00:10", "10:00:30")
              + " rising LATE#1 total=6 rising [a=4/1/"
              + 3 / Math.sqrt(5)
              + "]",
          w("10:00:20", "10:00:40") + " ON_TIME#0 total=7 [a=4, c=2]",
          w("10:00:20", "10:00:40")
              + " rising ON_TIME#0 total=7 rising [c=2/0/"
              + R2
              + ", a=4/2/"
              + 2 / Math.sqrt(6)
              + "]",
          w("10:00:20", "10:00:40") + " LATE#1 total=9 [a=4, c=2]",
          // d's previous count is 0: the window before, [10:00:00, 10:00:20), dropped the late d
          w("10:00:20", "10:00:40")
              + " rising LATE#1 total=9 rising [c=2/0/"
              + R2
              + ", d=2/0/"
              + R2
              + "]",
          w("10:00:30", "10:00:50") + " ON_TIME#0 total=3 [c=2, a=1]",
          w("10:00:30", "10:00:50") + " rising ON_TIME#0 total=3 rising [c=2/0/" + R2 + "]",
          // the previous window [10:00:10, 10:00:30) took the late d: restated, unchanged in its
          // items
          w("10:00:30", "10:00:50") + " rising LATE#1 total=3 rising [c=2/0/" + R2 + "]",
          w("10:00:30", "10:00:50") + " LATE#1 total=5 [c=2, d=2]",
          w("10:00:30", "10:00:50")
              + " rising LATE#2 total=5 rising [c=2/0/"
              + R2
              + ", d=2/1/"
              + 1 / Math.sqrt(3)
              + "]");

  private static TestStream<ClickEvent> stream() {
    TestStream.Builder<ClickEvent> b = TestStream.create(AvroCoder.of(ClickEvent.class));
    for (ClickEvent e : ON_TIME) {
      b = b.addElements(timed(e));
    }
    return b.advanceWatermarkTo(at("2014-04-01T10:00:50Z"))
        .addElements(timed(LATE_D))
        .addElements(timed(LATE_DD.get(0)), timed(LATE_DD.get(1)))
        .advanceWatermarkToInfinity();
  }

  private static List<Arrival> arrivals() {
    List<Arrival> arrivals = new ArrayList<>();
    ON_TIME.forEach(e -> arrivals.add(new Arrival(e, Long.MIN_VALUE)));
    long wm = at("2014-04-01T10:00:50Z").getMillis();
    arrivals.add(new Arrival(LATE_D, wm));
    LATE_DD.forEach(e -> arrivals.add(new Arrival(e, wm)));
    return arrivals;
  }

  /** The last ON_TIME (or last of all) result per window and kind, from {@link #ALL}. */
  private static TreeMap<String, String> lastOf(boolean onTimeOnly) {
    TreeMap<String, String> out = new TreeMap<>();
    for (String line : ALL) {
      if (onTimeOnly && !line.contains(" ON_TIME#")) {
        continue;
      }
      int timing = line.contains(" ON_TIME#") ? line.indexOf(" ON_TIME#") : line.indexOf(" LATE#");
      out.put(line.substring(0, timing), line.substring(line.indexOf(' ', timing + 1) + 1));
    }
    return out;
  }

  @Test
  public void risingTrendsOfEveryWindowWithLateData() {
    PCollection<Trend> trends =
        p.apply(stream())
            .apply(ComputeTrends.of(CONFIG).withEngine(engine).withRankingShards(shards));
    if (shards == 1) {
      PAssert.that(
              trends.apply(
                  MapElements.into(TypeDescriptors.strings()).via((Trend t) -> TrendText.full(t))))
          .containsInAnyOrder(ALL);
    } else {
      // shards restate a window only where they hold its keys: the same ON_TIME and final results,
      // fewer restatements
      PAssert.that(trends)
          .satisfies(new MatchesReference(lastOf(true), lastOf(false), CONFIG.toString()));
    }
    p.run();
  }

  @Test
  public void theReferenceComputationGivesTheSameResults() {
    Map<String, String> onTime = ReferenceComputation.compute(arrivals(), CONFIG, Cut.ON_TIME);
    Map<String, String> fin = ReferenceComputation.compute(arrivals(), CONFIG, Cut.FINAL);
    assertEquals(lastOf(true), new TreeMap<>(onTime));
    assertEquals(lastOf(false), new TreeMap<>(fin));
  }
}
