package io.clicktrends.bench;

import io.clicktrends.pipeline.ComputeTrends;
import io.clicktrends.pipeline.Engine;
import io.clicktrends.pipeline.MatchesReference;
import io.clicktrends.pipeline.RandomStream;
import io.clicktrends.pipeline.ReferenceComputation;
import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.TestSparkPipelineOptions;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.runners.spark.coders.SparkRunnerKryoRegistrator;
import org.apache.beam.runners.spark.io.CreateStream;
import org.apache.beam.runners.spark.translation.SparkContextFactory;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * The random streams of pipeline's {@code RandomizedReferenceTest} (out-of-order events, late
 * events within and beyond the allowed lateness), replayed on the SparkRunner in streaming mode in
 * local[2]: both engines must give, for every (dimension, window), the ON_TIME and final results of
 * {@link ReferenceComputation} on the same arrivals and watermarks ({@link MatchesReference}, the
 * DirectRunner test's check).
 *
 * <p>The classic SparkRunner does not run {@link TestStream}, so the stream's events become a Spark
 * {@link CreateStream}. There, micro-batch i (i >= 1) runs with the i-th watermark pair queued by
 * {@code advanceWatermarkForNextBatch}: its elements are judged late against the pair's low
 * watermark (the previous high one), then the watermark moves to the high one and the windows it
 * passes fire; batch 0 runs at the minimum watermark. So the stream maps one to one: an empty batch
 * 0, then one batch per watermark step holding the elements that arrived before that step, with
 * watermarks (watermark they arrived under, the step's new watermark); the last step goes to
 * infinity, which fires the PAsserts. {@link TestSparkRunner} stops the pipeline once the watermark
 * is at infinity, and {@code TestPipeline} fails unless both PAsserts ran and succeeded.
 *
 * <p>One difference is the runner's, not the engines', and is allowed ({@link
 * MatchesReference#onTheSparkRunner}): when the first data of a window (sliding-windows engine) or
 * of a slice (incremental engine) arrives late, the classic SparkRunner labels that first firing
 * ON_TIME, not LATE (its timer internals have no output watermark, so Beam's PaneInfoTracker cannot
 * tell the window is late; the DirectRunner says LATE). E.g. seed 2: add_to_cart 10:08:20-10:09:10,
 * whose only event (10:08:23) arrives at watermark 10:11:18, before the stream's first firing. All
 * ten seeds of the DirectRunner test run by default; run some with {@code mvn -o -pl bench -Pspark
 * test -Dtest=RandomStreamsSparkTest -Dclicktrends.randomStreamSeeds=2,4}.
 *
 * <p>Runs only with -Pspark: {@code mvn -o -pl bench -Pspark test -Dtest=RandomStreamsSparkTest}.
 */
@RunWith(Parameterized.class)
public class RandomStreamsSparkTest {
  private static final long BATCH_MILLIS = 200;

  @Parameters(name = "seed={0}")
  public static List<Object[]> seeds() {
    List<Object[]> seeds = new ArrayList<>();
    for (String seed :
        System.getProperty("clicktrends.randomStreamSeeds", "1,2,3,4,5,6,7,8,9,10").split(",")) {
      seeds.add(new Object[] {Long.parseLong(seed.trim())});
    }
    return seeds;
  }

  @Parameter public long seed;

  private static JavaSparkContext spark;

  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.fromOptions(options());

  /** One Spark context for every seed (each pipeline gets its own streaming context on it). */
  @BeforeClass
  public static void startSpark() {
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("clicktrends-random-streams")
                .set("spark.kryo.registrator", SparkRunnerKryoRegistrator.class.getName()));
    SparkContextFactory.setProvidedSparkContext(spark);
  }

  @AfterClass
  public static void stopSpark() {
    SparkContextFactory.clearProvidedSparkContext();
    if (spark != null) {
      spark.stop();
    }
  }

  private static TestSparkPipelineOptions options() {
    TestSparkPipelineOptions o = PipelineOptionsFactory.create().as(TestSparkPipelineOptions.class);
    o.setRunner(TestSparkRunner.class);
    o.setSparkMaster("local[2]");
    o.setStreaming(true);
    o.setBatchIntervalMillis(BATCH_MILLIS);
    o.setMinReadTimeMillis(
        BATCH_MILLIS / 2); // for unbounded sources (none here); must be below the batch interval
    o.setEnableSparkMetricSinks(false);
    o.as(SparkContextOptions.class).setUsesProvidedSparkContext(true);
    // An upper bound: the run ends when the watermark reaches infinity, after about one batch per
    // watermark step.
    o.setTestTimeoutSeconds(300L);
    return o;
  }

  @Test
  public void bothEnginesOnSparkEqualTheReferenceComputation() throws Exception {
    RandomStream stream = new RandomStream(seed);
    TreeMap<String, String> expectedOnTime =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.ON_TIME));
    TreeMap<String, String> expectedFinal =
        new TreeMap<>(ReferenceComputation.compute(stream.arrivals, stream.config, Cut.FINAL));
    CreateStream<ClickEvent> input =
        asCreateStream(stream.testStream, Duration.millis(BATCH_MILLIS));
    System.out.println(
        "RANDOM-STREAM seed="
            + seed
            + " "
            + stream.config
            + " "
            + describe(stream)
            + " batches="
            + input.getBatches().size()
            + " windows_on_time="
            + expectedOnTime.size()
            + " windows_final="
            + expectedFinal.size()
            + " windows_changed_by_late_data="
            + changed(expectedOnTime, expectedFinal));

    // A fresh checkpoint directory: the SparkRunner would resume a streaming pipeline from an old
    // one.
    p.getOptions()
        .as(TestSparkPipelineOptions.class)
        .setCheckpointDir(tmp.newFolder("checkpoint").toString());
    PCollection<ClickEvent> events = p.apply("RandomStream", input);
    // the sliding-windows engine, the incremental engine with one ranking shard per dimension, and
    // with
    // three
    int[][] variants = {
      {Engine.slidingWindows.ordinal(), 1},
      {Engine.incremental.ordinal(), 1},
      {Engine.incremental.ordinal(), 3}
    };
    for (int[] v : variants) {
      Engine engine = Engine.values()[v[0]];
      String name = engine + "-shards" + v[1];
      PCollection<Trend> trends =
          events.apply(
              "ComputeTrends-" + name,
              ComputeTrends.of(stream.config).withEngine(engine).withRankingShards(v[1]));
      PAssert.that(name + " trends", trends)
          .satisfies(
              MatchesReference.onTheSparkRunner(
                  expectedOnTime,
                  expectedFinal,
                  stream.config
                      + " (engine="
                      + engine
                      + ", rankingShards="
                      + v[1]
                      + " on the SparkRunner, seed "
                      + seed
                      + ")"));
    }
    long start = System.nanoTime();
    p.run();
    System.out.printf(
        "RANDOM-STREAM seed=%d every engine matches the reference; run %.1f s%n",
        seed, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The TestStream's events as micro-batches: an empty first batch (it runs at the minimum
   * watermark and cannot move it), then for each watermark step a batch of the elements that
   * arrived since the previous step, whose watermarks are (the previous step's, this step's).
   */
  static <T> CreateStream<T> asCreateStream(TestStream<T> testStream, Duration batchInterval) {
    CreateStream<T> out = CreateStream.of(testStream.getValueCoder(), batchInterval).emptyBatch();
    List<TimestampedValue<T>> batch = new ArrayList<>();
    boolean atInfinity = false;
    for (TestStream.Event<T> event : testStream.getEvents()) {
      if (atInfinity) {
        throw new IllegalArgumentException(
            "an event after the watermark reached infinity: " + event);
      }
      if (event instanceof TestStream.ElementEvent) {
        ((TestStream.ElementEvent<T>) event).getElements().forEach(batch::add);
      } else if (event instanceof TestStream.WatermarkEvent) {
        Instant watermark = ((TestStream.WatermarkEvent<T>) event).getWatermark();
        @SuppressWarnings({"unchecked", "rawtypes"})
        TimestampedValue<T>[] elements = batch.toArray(new TimestampedValue[0]);
        out.nextBatch(elements);
        batch.clear();
        atInfinity = !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
        if (atInfinity) {
          out.advanceNextBatchWatermarkToInfinity();
        } else {
          out.advanceWatermarkForNextBatch(watermark);
        }
      } else {
        throw new IllegalArgumentException("CreateStream has no processing time: " + event);
      }
    }
    if (!atInfinity) {
      throw new IllegalArgumentException("the TestStream must end with the watermark at infinity");
    }
    return out;
  }

  /** Counts of the stream's arrivals by how they relate to the watermark they arrived under. */
  private static String describe(RandomStream stream) {
    long size = stream.config.windowSize().getMillis();
    long lateness = stream.config.allowedLateness().getMillis();
    int late = 0;
    int beyond = 0;
    for (Arrival a : stream.arrivals) {
      long t = a.event().getEventTime().toEpochMilli();
      if (t < a.watermarkMillis()) {
        late++;
        // The last window holding t ends (end - 1) before t + size; past that plus the lateness,
        // every window drops it.
        long lastEnd =
            Math.floorDiv(t, stream.config.windowSlide().getMillis())
                    * stream.config.windowSlide().getMillis()
                + size;
        if (a.watermarkMillis() > lastEnd - 1 + lateness) {
          beyond++;
        }
      }
    }
    return "events="
        + stream.arrivals.size()
        + " late="
        + late
        + " late_beyond_allowed_lateness="
        + beyond;
  }

  private static int changed(TreeMap<String, String> onTime, TreeMap<String, String> fin) {
    int n = 0;
    for (String id : fin.keySet()) {
      if (!fin.get(id).equals(onTime.get(id))) {
        n++;
      }
    }
    return n;
  }
}
