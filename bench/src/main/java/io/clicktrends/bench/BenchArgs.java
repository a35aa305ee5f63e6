package io.clicktrends.bench;

import java.util.ArrayList;
import java.util.List;
import org.joda.time.Duration;

/** The bench's command line: {@code --name=value} pairs, all optional. */
final class BenchArgs {
  List<String> engines = List.of("incremental", "plain-java");
  String runner = "direct";
  String dataset = "synthetic";
  /** -1: all of the dataset (yoochoose) or 100,000 (synthetic). */
  int events = -1;
  String span = "3h";
  int items = 10_000;
  double skew = 1.1;
  String windowSize = "10m";
  String windowSlide = "10s";
  int topK = 10;
  String allowedLateness = "1m";
  long seed = 42;
  /** If set, the sorted output lines of each run are written to {@code <dumpDir>/<engine>-<runner>.txt}. */
  String dumpDir;
  /** The SparkRunner's master. */
  String sparkMaster = "local[2]";

  static BenchArgs parse(String[] args) {
    BenchArgs a = new BenchArgs();
    List<String> unknown = new ArrayList<>();
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        unknown.add(arg);
        continue;
      }
      String name = arg.substring(2, arg.indexOf('='));
      String v = arg.substring(arg.indexOf('=') + 1);
      switch (name) {
        case "engine", "engines" -> a.engines = List.of(v.split(","));
        case "runner" -> a.runner = v;
        case "dataset" -> a.dataset = v;
        case "events" -> a.events = parseCount(v);
        case "span" -> a.span = v;
        case "items" -> a.items = parseCount(v);
        case "skew" -> a.skew = Double.parseDouble(v);
        case "windowSize" -> a.windowSize = v;
        case "windowSlide" -> a.windowSlide = v;
        case "topK" -> a.topK = Integer.parseInt(v);
        case "allowedLateness" -> a.allowedLateness = v;
        case "seed" -> a.seed = Long.parseLong(v);
        case "dumpDir" -> a.dumpDir = v;
        case "sparkMaster" -> a.sparkMaster = v;
        default -> unknown.add(arg);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown or malformed arguments " + unknown + "\n" + usage());
    }
    for (String e : a.engines) {
      if (!List.of("reference", "incremental", "plain-java").contains(e)) {
        throw new IllegalArgumentException("--engine: unknown engine \"" + e + "\"; known: reference, incremental, plain-java");
      }
    }
    if (!a.runner.equals("direct") && !a.runner.equals("spark")) {
      throw new IllegalArgumentException("--runner must be direct or spark, got \"" + a.runner + "\"");
    }
    if (!a.dataset.equals("synthetic") && !a.dataset.equals("yoochoose")) {
      throw new IllegalArgumentException("--dataset must be synthetic or yoochoose, got \"" + a.dataset + "\"");
    }
    return a;
  }

  /** 100000, 100k, 1m, 1_000_000. */
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

  static String usage() {
    return "usage: Bench [--engine=reference,incremental,plain-java] [--runner=direct|spark] [--dataset=synthetic|yoochoose]\n"
        + "  [--events=100000] [--span=3h] [--items=10000] [--skew=1.1] [--windowSize=10m] [--windowSlide=10s]\n"
        + "  [--topK=10] [--allowedLateness=1m] [--seed=42] [--dumpDir=DIR] [--sparkMaster=local[2]]";
  }

  static Duration duration(String name, String v) {
    return io.clicktrends.pipeline.Durations.parse(name, v);
  }
}
