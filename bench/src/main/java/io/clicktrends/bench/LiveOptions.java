package io.clicktrends.bench;

import io.clicktrends.pipeline.Durations;
import io.clicktrends.schema.AmqpDefaults;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The live benchmark's command line ({@code bin/clicktrends loadtest ...}, {@code bench/run.sh
 * --live ...}). Options it does not know are pipeline options and are passed on to the pipeline, in
 * {@code --name=value} form.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Loads a Flume agent with clicks stamped with the current time at a fixed rate, runs the pipeline"
          + " on it in this JVM, reads the trends back from RabbitMQ and prints one line per run:",
      "LIVE runner=... via=... rate=... achieved=... sustained=... p50_ms=... p95_ms=... p99_ms=... windows=..."
          + " windows_missing=... totals_wrong=... peak_heap_mb=...",
      "Other --name=value options are pipeline options (e.g. --windowSize=20s --archivePath=none)."
    })
final class LiveOptions {
  @Option(
      names = "--runner",
      description =
          "direct (DirectRunner) or spark (SparkRunner local[2], streaming; needs"
              + " the -Pspark class path, which bench/run.sh builds for --runner=spark). Default: ${DEFAULT-VALUE}.")
  String runner = "direct";

  @Option(names = "--rate", description = "Events per second offered. Default: ${DEFAULT-VALUE}.")
  double rate = 1000;

  @Option(
      names = "--duration",
      description = "How long to send, e.g. 60s, 2m. Default: ${DEFAULT-VALUE}.")
  String duration = "60s";

  @Option(
      names = "--via",
      description =
          "avro (Flume RpcClient appendBatch to the Avro source) or http (JSON arrays"
              + " POSTed to the HTTP source). Default: ${DEFAULT-VALUE}.")
  String via = "avro";

  @Option(
      names = "--items",
      description = "Distinct keys per dimension (Zipf). Default: ${DEFAULT-VALUE}.")
  int items = 10_000;

  @Option(names = "--skew", description = "Zipf exponent of the keys. Default: ${DEFAULT-VALUE}.")
  double skew = 1.1;

  @Option(
      names = "--searchTerms",
      description =
          "Distinct search queries (Zipf, same skew), e.g. 1000000 for a long"
              + " tail; 0 draws them like the other keys (--items). Default: ${DEFAULT-VALUE}.")
  int searchTerms = 0;

  @Option(names = "--seed", description = "Seed of the key draws. Default: ${DEFAULT-VALUE}.")
  long seed = 42;

  @Option(
      names = "--batchSize",
      description =
          "Events per appendBatch/POST; 0 = rate/10 between 1 and 1000"
              + " (ten sends a second up to 10,000 events/s). Default: ${DEFAULT-VALUE}.")
  int batchSize = 0;

  @Option(
      names = "--senders",
      description = "Sender threads, each with its own connection. Default: ${DEFAULT-VALUE}.")
  int senders = 2;

  @Option(
      names = "--warmup",
      description =
          "Windows ending in this first part of the run are checked for totals but"
              + " not counted in the latencies (runner start-up). Default: ${DEFAULT-VALUE}.")
  String warmup = "10s";

  @Option(
      names = "--drain",
      description =
          "At most this long after sending, wait for the checked windows' trends."
              + " Default: ${DEFAULT-VALUE}.")
  String drain = "60s";

  @Option(
      names = "--drainMargin",
      description =
          "Wait for a window until its end + maxOutOfOrderness + this (capped"
              + " by --drain). Default: ${DEFAULT-VALUE}.")
  String drainMargin = "20s";

  @Option(
      names = "--ramp",
      description =
          "Run one step per --rampRates rate (a fresh agent and pipeline each, for"
              + " --stepDuration), stop at the first step that is not sustained, print LIVE-RAMP max_sustained=...")
  boolean ramp;

  @Option(
      names = "--rampRates",
      split = ",",
      description = "The ramp's rates. Default: ${DEFAULT-VALUE}.")
  List<Double> rampRates =
      new ArrayList<>(List.of(1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0));

  @Option(
      names = "--stepDuration",
      description = "Sending time of each ramp step. Default: ${DEFAULT-VALUE}.")
  String stepDuration = "30s";

  @Option(
      names = "--generatorOnly",
      description =
          "No pipeline: send to an agent nobody pulls from, to measure what"
              + " the generator (and the agent's sources and file channels) alone reach. Mind the channels' capacity of"
              + " 1,000,000 events.")
  boolean generatorOnly;

  @Option(
      names = "--amqp",
      description =
          "The broker to read trends from and publish to; if nothing answers, an"
              + " embedded broker is started (under CI=true: an error). Default: ${DEFAULT-VALUE}.")
  String amqp = AmqpDefaults.DEFAULT_URI;

  @Option(
      names = "--exchange",
      description =
          "The run's exchange; default: clicktrends.live.<random> (one per run,"
              + " deleted at the end), so parallel runs on one broker do not mix.")
  String exchange;

  @Unmatched List<String> pipelineArgs = new ArrayList<>();

  long durationMillis() {
    return Durations.parse("duration", duration).getMillis();
  }

  long stepDurationMillis() {
    return Durations.parse("stepDuration", stepDuration).getMillis();
  }

  long warmupMillis() {
    return Durations.parse("warmup", warmup).getMillis();
  }

  long drainMillis() {
    return Durations.parse("drain", drain).getMillis();
  }

  long drainMarginMillis() {
    return Durations.parse("drainMargin", drainMargin).getMillis();
  }

  /** The batch size for {@code rate}: the option, or rate/10 within [1, 1000]. */
  int batchSizeFor(double rate) {
    return batchSize > 0 ? batchSize : (int) Math.max(1, Math.min(1000, Math.round(rate / 10)));
  }

  /** Checks what picocli cannot; the exception names the option. */
  void validate() {
    if (!runner.equals("direct") && !runner.equals("spark")) {
      throw new IllegalArgumentException("--runner=" + runner + " must be direct or spark");
    }
    if (!via.equals("avro") && !via.equals("http")) {
      throw new IllegalArgumentException("--via=" + via + " must be avro or http");
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--rate=" + rate + " must be positive");
    }
    if (senders < 1) {
      throw new IllegalArgumentException("--senders=" + senders + " must be at least 1");
    }
    if (durationMillis() <= 0 || stepDurationMillis() <= 0) {
      throw new IllegalArgumentException("--duration and --stepDuration must be positive");
    }
    warmupMillis();
    drainMillis();
    drainMarginMillis();
    for (String a : pipelineArgs) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException(
            "pipeline option " + a + " must be given as --name=value");
      }
      if (a.startsWith("--runner=")
          || a.startsWith("--flumeSinks=")
          || a.startsWith("--rabbitmqUri=")) {
        throw new IllegalArgumentException(
            a + " is set by the live benchmark (use --runner=direct|spark, --amqp)");
      }
    }
  }
}
