package io.clicktrends.bench;

import io.clicktrends.pipeline.ComputeTrends;
import io.clicktrends.pipeline.Engine;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.pipeline.TrendText;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * One engine on one Beam runner, in batch: {@code GenerateSequence} (bounded, split by the runner)
 * regenerates event i from the seed, so no event is serialised into the pipeline graph; the trends
 * are reduced in the pipeline to the last pane of every (dimension, window) and written as
 * canonical lines ({@code windowId content}) with TextIO, which works the same on every runner.
 */
final class BeamRun {
  private BeamRun() {}

  static PipelineOptions options(String runner, String sparkMaster) {
    String[] args =
        runner.equals("spark")
            ? new String[] {
              "--runner=SparkRunner",
              "--sparkMaster=" + sparkMaster,
              "--streaming=false",
              "--enableSparkMetricSinks=false",
              "--appName=clicktrends-bench"
            }
            // The DirectRunner's immutability and encodability checks copy and encode every
            // element; off for speed.
            : new String[] {
              "--runner=DirectRunner",
              "--enforceImmutability=false",
              "--enforceEncodability=false",
              "--blockOnRun=true"
            };
    try {
      return PipelineOptionsFactory.fromArgs(args).create();
    } catch (IllegalArgumentException e) {
      if (runner.equals("spark")) {
        throw new IllegalStateException(
            "the SparkRunner is not on the classpath: build and run with -Pspark "
                + "(bench/run.sh does this for --runner=spark)",
            e);
      }
      throw e;
    }
  }

  /** Runs the pipeline and returns the output lines, sorted. */
  static List<String> run(
      Engine engine,
      String runner,
      String sparkMaster,
      Workload workload,
      TrendConfig config,
      Path outDir) {
    return run(engine, options(runner, sparkMaster), workload, config, outDir);
  }

  static List<String> run(
      Engine engine, PipelineOptions options, Workload workload, TrendConfig config, Path outDir) {
    Pipeline p = Pipeline.create(options);
    p.apply("Sequence", GenerateSequence.from(0).to(workload.events))
        .apply("Events", ParDo.of(new GenerateEvents(workload)))
        .setCoder(AvroCoder.of(ClickEvent.class))
        .apply("ComputeTrends", ComputeTrends.of(config).withEngine(engine))
        .apply(
            "Global",
            Window.<Trend>into(new GlobalWindows())
                .triggering(DefaultTrigger.of())
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        // One combine over all results: keyed by window, the DirectRunner would run a bundle per
        // key
        // (thousands), and that harness cost, not the engine, would be what the benchmark measured.
        .apply("LastPanes", Combine.globally(new LastPanes()).withoutDefaults())
        .apply(
            "Lines",
            FlatMapElements.into(TypeDescriptors.strings()).via((List<String> lines) -> lines))
        .apply("Write", TextIO.write().to(outDir.resolve("part").toString()).withSuffix(".txt"));
    PipelineResult result = p.run();
    PipelineResult.State state = result.waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended " + state);
    }
    return readLines(outDir);
  }

  static List<String> readLines(Path dir) {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          (Iterable<Path>)
              files.filter(f -> f.getFileName().toString().startsWith("part"))::iterator) {
        lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lines.sort(null);
    return lines;
  }

  /** Event i of the workload, stamped with its event time. */
  static final class GenerateEvents extends DoFn<Long, ClickEvent> {
    private final Workload workload;

    GenerateEvents(Workload workload) {
      this.workload = workload;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<ClickEvent> out) {
      ClickEvent e = workload.event(i);
      out.outputWithTimestamp(e, new Instant(e.getEventTime().toEpochMilli()));
    }
  }

  /**
   * The result with the highest pane index (the window's final pane) of every (dimension, window),
   * as canonical lines {@code windowId content}.
   */
  static final class LastPanes
      extends CombineFn<Trend, Map<String, KV<Long, String>>, List<String>> {
    @Override
    public Map<String, KV<Long, String>> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, KV<Long, String>> addInput(Map<String, KV<Long, String>> acc, Trend t) {
      offer(acc, TrendText.windowId(t), KV.of(t.getPaneIndex(), TrendText.content(t)));
      return acc;
    }

    private static void offer(
        Map<String, KV<Long, String>> acc, String window, KV<Long, String> result) {
      acc.merge(
          window,
          result,
          (a, b) ->
              a.getKey() > b.getKey()
                      || (a.getKey().equals(b.getKey())
                          && a.getValue().compareTo(b.getValue()) >= 0)
                  ? a
                  : b);
    }

    @Override
    public Map<String, KV<Long, String>> mergeAccumulators(
        Iterable<Map<String, KV<Long, String>>> accs) {
      Map<String, KV<Long, String>> merged = createAccumulator();
      for (Map<String, KV<Long, String>> acc : accs) {
        acc.forEach((window, result) -> offer(merged, window, result));
      }
      return merged;
    }

    @Override
    public List<String> extractOutput(Map<String, KV<Long, String>> acc) {
      List<String> lines = new ArrayList<>(acc.size());
      acc.forEach((window, result) -> lines.add(window + " " + result.getValue()));
      lines.sort(null);
      return lines;
    }

    @Override
    public Coder<Map<String, KV<Long, String>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<Trend> input) {
      return MapCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()));
    }
  }
}
