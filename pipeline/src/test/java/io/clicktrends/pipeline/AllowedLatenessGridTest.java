package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * A grid of window sizes, slides and allowed latenesses (0, shorter than a slide, not a whole
 * number of slides, a whole number, longer than the window) through {@link
 * ClicktrendsPipeline#parse}, the validation {@code local} runs before it starts anything: every
 * combination it accepts must run on the default engine and give, for every (dimension, window),
 * the ON_TIME and final results of {@link ReferenceComputation} on a random stream with
 * out-of-order, late and too-late events; every combination it refuses must be refused there,
 * naming the option.
 */
@RunWith(Parameterized.class)
public class AllowedLatenessGridTest {
  @Parameters(name = "--windowSize={0} --windowSlide={1} --allowedLateness={2}")
  public static List<Object[]> grid() {
    List<Object[]> cases = new ArrayList<>();
    String[][] windows = {{"30s", "10s"}, {"60s", "10s"}, {"60s", "20s"}};
    for (String[] w : windows) {
      // 0; shorter than a slide; a whole number of slides (and, for 20s slides, one slide: two runs
      // would repeat
      // what RandomizedReferenceTest covers); not a whole number and longer than a slide; longer
      // than the window
      for (String lateness :
          w[1].equals("20s")
              ? List.of("7s", "25s", "75s")
              : List.of("0s", "7s", "20s", "25s", "75s")) {
        cases.add(new Object[] {w[0], w[1], lateness});
      }
    }
    cases.add(
        new Object[] {"30s", "20s", "7s"}); // refused: the window is not a whole number of slides
    return cases;
  }

  @Parameter(0)
  public String windowSize;

  @Parameter(1)
  public String windowSlide;

  @Parameter(2)
  public String allowedLateness;

  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void whatValidationAcceptsRunsOnTheDefaultEngineAndEqualsTheReference() {
    String[] args = {
      "--windowSize=" + windowSize,
      "--windowSlide=" + windowSlide,
      "--allowedLateness=" + allowedLateness,
      "--topK=3",
      "--dimensions=add_to_cart,search,category_view",
      "--rankingShards=" + (shards()),
      "--rabbitmqUri=none",
      "--archivePath=none"
    };
    if (Durations.parse("windowSize", windowSize).getMillis()
            % Durations.parse("windowSlide", windowSlide).getMillis()
        != 0) {
      String error =
          assertThrows(IllegalArgumentException.class, () -> ClicktrendsPipeline.parse(args))
              .getMessage();
      assertThat(
          error,
          containsString(
              "--windowSize=" + windowSize + " is not a multiple of --windowSlide=" + windowSlide));
      return;
    }
    ClicktrendsOptions options = ClicktrendsPipeline.parse(args);
    assertEquals(Engine.incremental, options.getEngine());
    ComputeTrends compute = ComputeTrends.from(options);
    RandomStream stream = new RandomStream(seed(), compute.config());
    TreeMap<String, String> expectedOnTime =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.ON_TIME));
    TreeMap<String, String> expectedFinal =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.FINAL));

    PCollection<Trend> trends = p.apply(stream.testStream).apply(compute);
    PAssert.that(trends)
        .satisfies(new MatchesReference(expectedOnTime, expectedFinal, String.join(" ", args)));
    p.run();
  }

  /**
   * One shard, or three for every other lateness (the shards of a dimension must judge lateness
   * alike).
   */
  private int shards() {
    return allowedLateness.equals("7s") || allowedLateness.equals("25s") ? 3 : 1;
  }

  private long seed() {
    return (windowSize + windowSlide + allowedLateness).hashCode();
  }
}
