package io.clicktrends.pipeline;

import io.clicktrends.cli.Cli;
import io.clicktrends.flume.FlumeIO;
import io.clicktrends.io.rabbitmq.RabbitMqTrendIO;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.Trend;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The Clicktrends pipeline: events from Flume (or a file), validated, ranked per dimension over
 * sliding event-time windows, trends published to RabbitMQ; invalid events are dead-lettered and
 * logged.
 */
public final class ClicktrendsPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(ClicktrendsPipeline.class);

  /**
   * What {@code bin/clicktrends local} (and the live benchmark, which measures it) adds for the
   * DirectRunner unless the command line sets them: its immutability and encodability checks copy
   * and encode every element at every step (a development aid for DoFn authors; the tests keep them
   * on), which a live run pays per event.
   */
  public static final List<String> DIRECT_RUNNER_LIVE_OPTIONS =
      List.of("--enforceImmutability=false", "--enforceEncodability=false");

  private ClicktrendsPipeline() {}

  /**
   * {@code bin/clicktrends pipeline [options]}: the pipeline alone, until it finishes or fails.
   * Options are Beam's ({@link PipelineOptionsCli}); {@code --help} lists Clicktrends' own.
   */
  public static void main(String[] args) {
    PipelineCommand command = new PipelineCommand();
    CommandLine cl = new CommandLine(command);
    command.options = PipelineOptionsCli.addTo(cl.getCommandSpec());
    int code = Cli.execute(cl, args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Command(
      name = "pipeline",
      mixinStandardHelpOptions = true,
      sortOptions = true,
      description = {
        "Runs the Clicktrends pipeline: events from Flume (--flumeSinks) or a file (--input), trends to"
            + " RabbitMQ, every event archived. The options below are Beam pipeline options; the runners' own"
            + " (e.g. --sparkMaster) are accepted too."
      })
  static final class PipelineCommand implements Callable<Integer> {
    PipelineOptionsCli options;

    @Override
    public Integer call() throws java.io.IOException {
      ClicktrendsOptions parsed = parse(options.beamArgs().toArray(String[]::new));
      PipelineResult result = build(parsed).run();
      try (PipelineMetricsEndpoint metrics =
          PipelineMetricsEndpoint.startIfConfigured(parsed, result)) {
        result.waitUntilFinish();
      }
      return 0;
    }
  }

  /** Parses and validates the options; the exception names the bad option and value. */
  public static ClicktrendsOptions parse(String... args) {
    PipelineOptionsFactory.register(ClicktrendsOptions.class);
    ClicktrendsOptions options =
        PipelineOptionsFactory.fromArgs(args).withValidation().as(ClicktrendsOptions.class);
    TrendConfig.from(options);
    if (options.getRankingShards() < 1) {
      throw new IllegalArgumentException(
          "--rankingShards=" + options.getRankingShards() + " must be at least 1");
    }
    Durations.parse("maxOutOfOrderness", options.getMaxOutOfOrderness());
    maxClockSkewMillis(options);
    archive(options); // validates --archivePath and --archiveRollInterval
    return options;
  }

  /**
   * Builds the pipeline the options describe, ready to run.
   *
   * @throws IllegalArgumentException on the SparkRunner, when {@code --checkpointDir} holds a
   *     checkpoint started with other trend settings ({@link CheckpointedSettings})
   */
  public static Pipeline build(ClicktrendsOptions options) {
    TrendConfig config = TrendConfig.from(options);
    CheckpointedSettings.verifyOrRecord(options);
    Pipeline p = Pipeline.create(options);
    long maxClockSkewMillis = maxClockSkewMillis(options);
    PCollection<ClickEvent> events;
    PCollection<DeadLetter> parseFailures;
    if (options.getInput() != null) {
      PCollectionTuple parsed =
          p.apply("ReadLines", TextIO.read().from(options.getInput()))
              .apply("ParseClickLines", ParseClickLines.create(maxClockSkewMillis));
      events = parsed.get(ValidateClickEvents.VALID);
      parseFailures = parsed.get(ValidateClickEvents.DEAD_LETTERS);
    } else {
      events =
          p.apply(
              "ReadFromFlume",
              FlumeIO.read()
                  .withSinkAddresses(options.getFlumeSinks().split("\\s*,\\s*"))
                  .withMaxOutOfOrderness(
                      Durations.parse("maxOutOfOrderness", options.getMaxOutOfOrderness())));
      parseFailures = null;
    }
    PCollectionTuple validated =
        events.apply("Validate", ValidateClickEvents.create(maxClockSkewMillis));
    PCollection<Trend> trends =
        validated
            .get(ValidateClickEvents.VALID)
            .apply("ComputeTrends", ComputeTrends.from(options));
    if (!"none".equals(options.getRabbitmqUri())) {
      trends.apply(
          "PublishToRabbitMq",
          RabbitMqTrendIO.write()
              .withUri(options.getRabbitmqUri())
              .withExchange(options.getExchange()));
    }
    if (options.getPrintTrends()) {
      trends.apply("PrintTrends", new PrintTrends());
    }
    PCollectionList<DeadLetter> deadLetters =
        PCollectionList.of(validated.get(ValidateClickEvents.DEAD_LETTERS));
    if (parseFailures != null) {
      deadLetters = deadLetters.and(parseFailures);
    }
    PCollection<DeadLetter> allDeadLetters =
        deadLetters.apply("AllDeadLetters", Flatten.pCollections());
    allDeadLetters.apply("LogDeadLetters", ParDo.of(new LogDeadLetter()));
    if (!"none".equals(options.getArchivePath())) {
      WriteArchive archive = archive(options);
      validated.get(ValidateClickEvents.VALID).apply("Archive", archive);
      allDeadLetters.apply("ArchiveDeadLetters", archive.deadLetters());
    }
    LOG.info(
        "Clicktrends pipeline: {} engine={} source={}",
        config,
        options.getEngine(),
        options.getInput() != null ? options.getInput() : "flume " + options.getFlumeSinks());
    return p;
  }

  /**
   * {@code --maxClockSkew} in milliseconds.
   *
   * @throws IllegalArgumentException naming the option when it is not a duration or is negative
   */
  static long maxClockSkewMillis(ClicktrendsOptions options) {
    long millis = Durations.parse("maxClockSkew", options.getMaxClockSkew()).getMillis();
    if (millis < 0) {
      throw new IllegalArgumentException(
          "--maxClockSkew=" + options.getMaxClockSkew() + " must not be negative");
    }
    return millis;
  }

  /**
   * The archive the options describe (validated), or null for {@code --archivePath=none}.
   *
   * @throws IllegalArgumentException naming the bad option and value
   */
  static WriteArchive archive(ClicktrendsOptions options) {
    Durations.parse(
        "archiveRollInterval", options.getArchiveRollInterval()); // names the option if unparseable
    if ("none".equals(options.getArchivePath())) {
      return null;
    }
    WriteArchive archive =
        WriteArchive.to(options.getArchivePath())
            .withRollInterval(
                Durations.parse("archiveRollInterval", options.getArchiveRollInterval()));
    archive.settings().validate();
    return archive;
  }

  /** Prints each trend as one line: window, pane and ranking. */
  static final class PrintTrends extends PTransform<PCollection<Trend>, PDone> {
    @Override
    public PDone expand(PCollection<Trend> trends) {
      trends.apply(
          "Print",
          ParDo.of(
              new DoFn<Trend, Void>() {
                @ProcessElement
                public void process(@Element Trend t) {
                  System.out.println(TrendText.full(t));
                }
              }));
      return PDone.in(trends.getPipeline());
    }
  }

  static final class LogDeadLetter extends DoFn<DeadLetter, Void> {
    @ProcessElement
    public void process(@Element DeadLetter d) {
      LOG.warn("dead letter {}: {}", d.getReason(), d.getDetail());
    }
  }
}
