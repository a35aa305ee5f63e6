package io.clicktrends.bench;

import io.clicktrends.flume.agent.FlumeAgent;
import io.clicktrends.pipeline.ClicktrendsOptions;
import io.clicktrends.pipeline.ClicktrendsPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;

/**
 * What a live run loads: a Flume agent started in this JVM (loopback, free ports, a fresh temporary
 * data directory) and, unless generator-only, the Clicktrends pipeline pulling from it, started in
 * this JVM on the chosen runner and publishing to the run's own exchange:
 *
 * <ul>
 *   <li>{@code direct}: {@code --runner=DirectRunner --blockOnRun=false};
 *   <li>{@code spark}: {@code --runner=SparkRunner --streaming=true --sparkMaster=local[2]
 *       --checkpointDir=<temp> --batchIntervalMillis=1000 --readTimePercentage=0.4} (the production
 *       script's settings)} (needs the bench's {@code -Pspark} class path).
 * </ul>
 *
 * The pipeline keeps its defaults (10m window, 10s slide, top 10, five dimensions), with the
 * archive on, written to {@code <temp>/archive}; the caller's pipeline options come after these and
 * win (e.g. {@code --archivePath=none}, {@code --windowSize=20s}, {@code --sparkMaster=local[4]}).
 * Closing cancels the pipeline, stops the agent and deletes the temporary directory.
 */
final class LiveSystem implements AutoCloseable {
  private static final long CANCEL_WAIT_MILLIS = 30_000;
  private final Path dir;
  private final FlumeAgent agent;
  private final PipelineResult pipeline;
  private final ClicktrendsOptions options;

  private LiveSystem(
      Path dir, FlumeAgent agent, PipelineResult pipeline, ClicktrendsOptions options) {
    this.dir = dir;
    this.agent = agent;
    this.pipeline = pipeline;
    this.options = options;
  }

  /**
   * Starts the agent, then the pipeline (not when {@code generatorOnly}).
   *
   * @param runner {@code direct} or {@code spark}
   * @param pipelineArgs extra pipeline options ({@code --name=value}), applied last
   * @throws IllegalArgumentException if the pipeline options are invalid (the message names the
   *     option)
   */
  static LiveSystem start(
      String runner,
      boolean generatorOnly,
      String amqpUri,
      String exchange,
      List<String> pipelineArgs)
      throws IOException {
    Path dir = Files.createTempDirectory("clicktrends-live-");
    ClicktrendsOptions options;
    try {
      options = generatorOnly ? null : options(runner, dir, amqpUri, exchange, pipelineArgs);
    } catch (RuntimeException e) {
      Files.delete(dir);
      throw e;
    }
    FlumeAgent agent =
        FlumeAgent.builder()
            .dataDir(dir.resolve("flume"))
            .bind("127.0.0.1")
            .freePorts()
            .build()
            .start();
    if (generatorOnly) {
      return new LiveSystem(dir, agent, null, null);
    }
    options.setFlumeSinks(agent.sparkSinkAddress());
    try {
      PipelineResult result = ClicktrendsPipeline.build(options).run();
      return new LiveSystem(dir, agent, result, options);
    } catch (RuntimeException e) {
      agent.stop();
      throw e;
    }
  }

  private static ClicktrendsOptions options(
      String runner, Path dir, String amqpUri, String exchange, List<String> extra) {
    List<String> args = new ArrayList<>();
    switch (runner) {
      case "direct" -> {
        args.add("--runner=DirectRunner");
        args.add("--blockOnRun=false");
        args.addAll(ClicktrendsPipeline.DIRECT_RUNNER_LIVE_OPTIONS);
      }
      case "spark" -> {
        args.add("--runner=SparkRunner");
        args.add("--streaming=true");
        args.add("--sparkMaster=local[2]");
        // as the production spark-submit script runs it
        // (runner-profiles/bin/spark-submit-clicktrends.sh)
        args.add("--batchIntervalMillis=1000");
        args.add("--readTimePercentage=0.4");
        args.add("--checkpointDir=" + dir.resolve("spark-checkpoint"));
      }
      default ->
          throw new IllegalArgumentException("--runner=" + runner + " must be direct or spark");
    }
    args.add("--rabbitmqUri=" + amqpUri);
    args.add("--exchange=" + exchange);
    args.add("--archivePath=" + dir.resolve("archive"));
    // Beam rejects an option given twice: the caller's value replaces ours.
    for (String a : extra) {
      String name = a.substring(0, a.indexOf('=') + 1);
      args.removeIf(mine -> mine.startsWith(name));
    }
    args.addAll(extra);
    return ClicktrendsPipeline.parse(args.toArray(String[]::new));
  }

  FlumeAgent agent() {
    return agent;
  }

  /** The parsed pipeline options, or null when generator-only. */
  ClicktrendsOptions options() {
    return options;
  }

  /** The running pipeline, or null when generator-only. */
  PipelineResult pipeline() {
    return pipeline;
  }

  /** Throws if the pipeline has stopped (failed or finished) while it should be running. */
  void checkRunning() {
    if (pipeline != null && pipeline.getState().isTerminal()) {
      throw new IllegalStateException(
          "the pipeline stopped during the run: " + pipeline.getState());
    }
  }

  /**
   * Cancels the pipeline (waiting at most {@link #CANCEL_WAIT_MILLIS}), stops the agent, deletes
   * the directory. The SparkRunner's cancel stops the streaming context gracefully, which waits for
   * the running micro-batch: with the archive on under load that took minutes, so a cancel still
   * running after the wait is left to itself (on a daemon thread; the JVM exits at the end of the
   * benchmark) and logged.
   */
  @Override
  public void close() {
    if (pipeline != null) {
      Thread cancel =
          new Thread(
              () -> {
                try {
                  pipeline.cancel();
                } catch (Exception e) {
                  System.err.println("live: pipeline cancel: " + e);
                }
              },
              "live-pipeline-cancel");
      cancel.setDaemon(true);
      cancel.start();
      try {
        cancel.join(CANCEL_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (cancel.isAlive()) {
        System.err.println(
            "live: the pipeline did not stop within "
                + CANCEL_WAIT_MILLIS / 1000
                + " s of cancel; going on without it");
      }
    }
    agent.stop();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("live: could not delete " + dir + ": " + e);
    }
  }
}
