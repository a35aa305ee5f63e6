package io.clicktrends.bench;

import io.clicktrends.pipeline.Dimension;
import io.clicktrends.pipeline.Engine;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.schema.ClickEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The trend-engine benchmark. For each engine given, runs the seeded workload and prints
 *
 * <pre>
 * BENCH engine=incremental runner=direct events=100000 slices=60 items=10000 events_per_s=... wall_s=... peak_heap_mb=... output_sha256=...
 * </pre>
 *
 * where output_sha256 hashes the sorted lines {@code windowId + " " + content} of the last pane of
 * every (dimension, window), so engines that compute the same trends print the same hash. {@code
 * wall_s} is the pipeline's run (for Beam: construction, runner start-up, the run, writing the
 * output; for plain-java: the loop over the events already in memory).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] argv) throws Exception {
    BenchArgs a;
    try {
      a = BenchArgs.parse(argv);
    } catch (picocli.CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println("clicktrends bench: " + e.getMessage());
      System.err.println("see: bin/clicktrends bench --help");
      System.exit(2);
      return;
    }
    if (a == null) {
      return; // --help or --version
    }
    long span = BenchArgs.duration("span", a.span).getMillis();
    Workload workload =
        a.dataset.equals("yoochoose")
            ? Workload.yoochoose(a.events, span, a.seed)
            : Workload.synthetic(a.events < 0 ? 100_000 : a.events, span, a.items, a.skew, a.seed);
    TrendConfig config =
        TrendConfig.of(
            BenchArgs.duration("windowSize", a.windowSize),
            BenchArgs.duration("windowSlide", a.windowSlide),
            a.topK,
            BenchArgs.duration("allowedLateness", a.allowedLateness),
            dimensions());
    System.err.println(
        "bench: "
            + workload.describe()
            + "; "
            + config
            + "; runner "
            + a.runner
            + (a.runner.equals("spark")
                ? " " + a.sparkMaster + " (batch)"
                : " (immutability/encodability checks off)"));
    HeapSampler heap = new HeapSampler().start();
    List<ClickEvent> inMemory = null;
    int failures = 0;
    for (String engine : a.engines) {
      List<String> lines;
      long t0;
      long t1;
      String runner;
      if (engine.equals("plain-java")) {
        runner = "none";
        if (inMemory == null) {
          long g = System.nanoTime();
          inMemory = workload.all();
          System.err.printf(
              Locale.ROOT,
              "bench: plain-java: %d events generated in memory in %.2f s (not timed)%n",
              inMemory.size(),
              (System.nanoTime() - g) / 1e9);
        }
        heap.reset();
        t0 = System.nanoTime();
        Map<String, String> out = PlainJava.compute(inMemory, config);
        t1 = System.nanoTime();
        lines = new ArrayList<>(out.size());
        out.forEach((id, content) -> lines.add(id + " " + content));
        lines.sort(null);
      } else {
        runner = a.runner;
        Path dir = Files.createTempDirectory("clicktrends-bench-" + engine + "-");
        heap.reset();
        t0 = System.nanoTime();
        try {
          lines =
              BeamRun.run(Engine.valueOf(engine), a.runner, a.sparkMaster, workload, config, dir);
        } catch (RuntimeException e) {
          failures++;
          System.err.println("bench: engine=" + engine + " runner=" + runner + " failed: " + e);
          e.printStackTrace();
          continue;
        } finally {
          deleteTree(dir);
        }
        t1 = System.nanoTime();
      }
      long peak = heap.peakMb();
      double wall = (t1 - t0) / 1e9;
      String sha = sha256(lines);
      if (a.dumpDir != null) {
        Path f = Path.of(a.dumpDir, engine + "-" + runner + ".txt");
        Files.createDirectories(f.getParent());
        Files.write(f, lines, StandardCharsets.UTF_8);
      }
      System.err.println(
          "bench: engine=" + engine + " produced " + lines.size() + " (dimension, window) results");
      System.out.printf(
          Locale.ROOT,
          "BENCH engine=%s runner=%s events=%d slices=%d items=%d events_per_s=%.0f wall_s=%.2f peak_heap_mb=%d output_sha256=%s%n",
          engine,
          runner,
          workload.events,
          config.slicesPerWindow(),
          workload.items(),
          workload.events / wall,
          wall,
          peak,
          sha);
      System.out.flush();
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  /** The five default dimensions (the synthetic workload's five event types). */
  static List<Dimension> dimensions() {
    List<Dimension> dims = new ArrayList<>();
    for (String name : TrendConfig.DEFAULT_DIMENSIONS.split(",")) {
      dims.add(Dimension.parse(name));
    }
    return dims;
  }

  /** SHA-256 (hex) of the lines, each followed by a newline, in the order given. */
  static String sha256(List<String> sortedLines) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String line : sortedLines) {
        md.update(line.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not delete " + dir + ": " + e);
    }
  }
}
