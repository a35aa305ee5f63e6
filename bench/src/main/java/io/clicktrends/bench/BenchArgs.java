package io.clicktrends.bench;

import io.clicktrends.cli.Cli;
import java.util.List;
import org.joda.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The engines' benchmark's command line ({@code bin/clicktrends bench ...}, {@code bench/run.sh
 * ...}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description =
        "Runs the trend engines over a generated or recorded workload and prints one BENCH line per"
            + " (engine, runner): events/s, wall time, peak heap and a hash of the output (bench/README.md).")
final class BenchArgs {
  @Option(
      names = {"--engine", "--engines"},
      split = ",",
      paramLabel = "ENGINE",
      description = "Comma-separated: slidingWindows, incremental, plain-java.")
  List<String> engines = List.of("incremental", "plain-java");

  @Option(
      names = "--runner",
      description = "direct or spark (SparkRunner local[2]; bench/run.sh builds -Pspark).")
  String runner = "direct";

  @Option(
      names = "--dataset",
      description = "synthetic (Zipf keys) or yoochoose (the recorded sample, stretched).")
  String dataset = "synthetic";

  @Option(
      names = "--events",
      converter = Count.class,
      paramLabel = "N",
      description = "Events, e.g. 100000, 100k, 1m; -1: all of yoochoose, or 100,000 synthetic.")
  int events = -1;

  @Option(names = "--span", description = "Event-time span of the workload, e.g. 3h.")
  String span = "3h";

  @Option(
      names = "--items",
      converter = Count.class,
      paramLabel = "N",
      description = "Distinct keys per dimension.")
  int items = 10_000;

  @Option(names = "--skew", description = "Zipf exponent of the keys.")
  double skew = 1.1;

  @Option(names = "--windowSize")
  String windowSize = "10m";

  @Option(names = "--windowSlide")
  String windowSlide = "10s";

  @Option(names = "--topK")
  int topK = 10;

  @Option(names = "--allowedLateness")
  String allowedLateness = "1m";

  @Option(names = "--seed")
  long seed = 42;

  /**
   * If set, the sorted output lines of each run are written to {@code
   * <dumpDir>/<engine>-<runner>.txt}.
   */
  @Option(
      names = "--dumpDir",
      paramLabel = "DIR",
      description = "Write each run's sorted output lines here.")
  String dumpDir;

  @Option(names = "--sparkMaster", description = "The SparkRunner's master.")
  String sparkMaster = "local[2]";

  /**
   * Parses and validates; a bad option or value throws a {@link CommandLine.ParameterException}
   * naming it.
   */
  static BenchArgs parse(String[] args) {
    BenchArgs a = new BenchArgs();
    CommandLine cl = Cli.commandLine(a, args);
    cl.parseArgs(args);
    if (cl.isUsageHelpRequested()) {
      cl.usage(System.out);
      return null;
    }
    if (cl.isVersionHelpRequested()) {
      cl.printVersionHelp(System.out);
      return null;
    }
    for (String e : a.engines) {
      if (!List.of("slidingWindows", "incremental", "plain-java").contains(e)) {
        throw new CommandLine.ParameterException(
            cl,
            "--engine: unknown engine \""
                + e
                + "\"; known: slidingWindows, incremental, plain-java");
      }
    }
    if (!a.runner.equals("direct") && !a.runner.equals("spark")) {
      throw new CommandLine.ParameterException(
          cl, "--runner must be direct or spark, got \"" + a.runner + "\"");
    }
    if (!a.dataset.equals("synthetic") && !a.dataset.equals("yoochoose")) {
      throw new CommandLine.ParameterException(
          cl, "--dataset must be synthetic or yoochoose, got \"" + a.dataset + "\"");
    }
    return a;
  }

  /** 100000, 100k, 1m, 1_000_000. */
  static final class Count implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String v) {
      return parseCount(v);
    }
  }

  static int parseCount(String v) {
    String s = v.replace("_", "").toLowerCase();
    long mult = 1;
    if (s.endsWith("k")) {
      mult = 1_000;
      s = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      mult = 1_000_000;
      s = s.substring(0, s.length() - 1);
    }
    return Math.toIntExact(Long.parseLong(s) * mult);
  }

  static Duration duration(String name, String v) {
    return io.clicktrends.pipeline.Durations.parse(name, v);
  }
}
