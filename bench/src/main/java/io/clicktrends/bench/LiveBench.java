package io.clicktrends.bench;

import io.clicktrends.broker.AmqpBrokerResolver;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The live load benchmark ({@code bin/clicktrends loadtest}, {@code bench/run.sh --live}): see
 * bench/README.md, "Live benchmark". Prints one {@code LIVE ...} line per run (per step with {@code
 * --ramp}, then {@code LIVE-RAMP runner=... max_sustained=...}), or {@code LIVE-GENERATOR ...} with
 * {@code --generatorOnly}. Exit status: 0 after a run (whatever it measured), 2 on bad options, 1
 * if a run failed.
 */
public final class LiveBench {
  /** Where the result lines go: the original stdout (see {@link #main}). */
  private static final java.io.PrintStream RESULTS = System.out;

  private LiveBench() {}

  public static void main(String[] argv) {
    // Flume's file channel prints to System.out ("Attempting to shutdown background worker."):
    // everything but the
    // result lines goes to stderr, so stdout holds exactly one line per run.
    System.setOut(System.err);
    int status = run(argv);
    System.err.flush();
    // halt, not exit: the results are printed and every agent, pipeline and temporary directory of
    // the runs is
    // closed, but a SparkRunner cancel left running (see LiveSystem#close) would hold exit's
    // shutdown hooks.
    Runtime.getRuntime().halt(status);
  }

  /** Runs the benchmark the arguments describe; returns the exit status. */
  static int run(String... argv) {
    LiveOptions o = new LiveOptions();
    CommandLine cli = io.clicktrends.cli.Cli.commandLine(o, argv);
    try {
      cli.parseArgs(argv);
      o.validate();
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      System.err.println("loadtest: " + e.getMessage());
      cli.usage(System.err);
      return 2;
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(RESULTS);
      return 0;
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(RESULTS);
      return 0;
    }
    HeapSampler heap = new HeapSampler().start();
    try {
      if (o.generatorOnly) {
        LiveRun run = new LiveRun(o, null, heap);
        print(run.generatorOnly(o.rate, o.durationMillis()));
        return 0;
      }
      try (AmqpBrokerResolver.ResolvedBroker broker = AmqpBrokerResolver.resolve(o.amqp)) {
        LiveRun run = new LiveRun(o, broker.uri(), heap);
        if (!o.ramp) {
          print(run.run(o.rate, o.durationMillis()).line());
          return 0;
        }
        double maxSustained = 0;
        for (double rate : o.rampRates) {
          LiveRun.Result step = run.run(rate, o.stepDurationMillis());
          print(step.line());
          if (!step.sustained()) {
            break;
          }
          maxSustained = rate;
        }
        print(
            String.format(
                Locale.ROOT,
                "LIVE-RAMP runner=%s via=%s max_sustained=%.0f",
                o.runner,
                o.via,
                maxSustained));
        return 0;
      }
    } catch (IllegalArgumentException e) {
      System.err.println("loadtest: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("loadtest: the run failed: " + e);
      e.printStackTrace();
      return 1;
    }
  }

  private static void print(String line) {
    RESULTS.println(line);
    RESULTS.flush();
  }
}
