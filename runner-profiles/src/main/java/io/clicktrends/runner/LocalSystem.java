package io.clicktrends.runner;

import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.cli.Cli;
import io.clicktrends.flume.agent.FlumeAgent;
import io.clicktrends.pipeline.ClicktrendsOptions;
import io.clicktrends.pipeline.ClicktrendsPipeline;
import io.clicktrends.pipeline.PipelineMetricsEndpoint;
import io.clicktrends.pipeline.PipelineOptionsCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/clicktrends local}: the whole of Clicktrends on one machine. A broker (the RabbitMQ at
 * --rabbitmqUri if one answers, else an embedded one), the fan-out service and dashboard, a Flume
 * agent, the pipeline pulling from it, and optionally a replay of a clickstream file into the
 * agent.
 *
 * <p>The parts live and die together ({@link Parts}): the options are validated and the ports
 * checked before anything starts; a part that cannot start or dies later stops the others, and
 * {@code local} exits 1 with one line naming the part and the reason; SIGTERM or Ctrl-C stops
 * everything within {@link #STOP_DEADLINE}. Every listener binds {@code --listen} (default
 * 127.0.0.1).
 *
 * <p>The fan-out runs as a child JVM, as it does in production: it serves with Jetty 12 while
 * Flume's HTTP source needs Jetty 9.4, and the two cannot share one class path. It exits with this
 * JVM, even one killed by SIGKILL.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = {
      "The whole system on this machine: broker, fan-out service and dashboard, Flume agent, the"
          + " pipeline (DirectRunner, or --runner=SparkRunner: durable, checkpointed under --dataDir) and an optional"
          + " replay. Options after the first group are the pipeline's."
    })
public final class LocalSystem implements Callable<Integer> {
  /** How long SIGTERM or a failure may take to stop every part. */
  static final Duration STOP_DEADLINE = Duration.ofSeconds(7);

  /** local serves the pipeline's metrics here unless --metricsPort says otherwise (-1: off). */
  static final int DEFAULT_METRICS_PORT = 9464;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description =
          "Replay this clickstream file (JSON lines or"
              + " YOOCHOOSE TSV, e.g. test-data/yoochoose-clicks-70k.tsv) into the agent.")
  Path replay;

  @Option(names = "--speed", paramLabel = "N", description = "Replay at N times real time.")
  double speed = 600;

  @Option(
      names = "--dataDir",
      paramLabel = "DIR",
      description =
          "Flume channels, dead letters, the archive (unless"
              + " --archivePath), the fan-out log and the SparkRunner's checkpoint.")
  Path dataDir = Path.of("clicktrends-data");

  @Option(
      names = "--listen",
      paramLabel = "ADDRESS",
      description =
          "Address every listener binds (dashboard, Flume"
              + " sources, SparkSink); 0.0.0.0 to accept other hosts (the SparkSink has no authentication).")
  String listen = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N", description = "Dashboard and WebSocket port.")
  int port = 8080;

  @Option(names = "--avroPort", paramLabel = "N", description = "Flume Avro source port.")
  int avroPort = 41414;

  @Option(
      names = "--httpPort",
      paramLabel = "N",
      description = "Flume HTTP source port (tracker, JSON).")
  int httpPort = 41415;

  @Option(
      names = "--sparkSinkPort",
      paramLabel = "N",
      description = "Flume SparkSink port (the pipeline pulls).")
  int sparkSinkPort = 41416;

  PipelineOptionsCli pipelineOptions;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Parses, runs until stopped or failed; the exit code (0, 1 for a failed part, 2 for a refused
   * command line).
   */
  static int run(String... args) {
    return Cli.execute(commandLine(), args);
  }

  static CommandLine commandLine() {
    LocalSystem local = new LocalSystem();
    CommandLine cl = new CommandLine(local);
    local.pipelineOptions = PipelineOptionsCli.addTo(cl.getCommandSpec());
    return cl;
  }

  /**
   * The pipeline's arguments for this system: the ones given, plus what local sets unless given.
   */
  List<String> pipelineArgs(String brokerUri, String sparkSinkAddress) {
    List<String> args = new ArrayList<>(pipelineOptions.beamArgs());
    args.removeIf(
        a ->
            a.startsWith("--blockOnRun=")
                || a.startsWith("--flumeSinks=")
                || (brokerUri != null && a.startsWith("--rabbitmqUri=")));
    args.add("--blockOnRun=false");
    args.add("--flumeSinks=" + sparkSinkAddress);
    if (brokerUri != null) {
      args.add("--rabbitmqUri=" + brokerUri);
    }
    addUnlessGiven(args, "archivePath", dataDir.resolve("archive").toAbsolutePath().toString());
    addUnlessGiven(args, "metricsPort", String.valueOf(DEFAULT_METRICS_PORT));
    addUnlessGiven(args, "metricsBindAddress", listen);
    if (isSparkRunner()) {
      addUnlessGiven(args, "streaming", "true");
      addUnlessGiven(args, "sparkMaster", "local[2]");
      addUnlessGiven(args, "batchIntervalMillis", "1000");
      addUnlessGiven(args, "readTimePercentage", "0.4");
      addUnlessGiven(
          args, "checkpointDir", dataDir.resolve("spark-checkpoint").toAbsolutePath().toString());
    } else {
      for (String option : ClicktrendsPipeline.DIRECT_RUNNER_LIVE_OPTIONS) {
        String name = option.substring(2, option.indexOf('='));
        addUnlessGiven(args, name, option.substring(option.indexOf('=') + 1));
      }
    }
    return args;
  }

  private boolean isSparkRunner() {
    return pipelineOptions.beamArgs().stream()
        .anyMatch(a -> a.startsWith("--runner=") && a.contains("Spark"));
  }

  private void addUnlessGiven(List<String> args, String name, String value) {
    if (!pipelineOptions.isGiven(name)) {
      args.add("--" + name + "=" + value);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (replay != null && !Files.isReadable(replay)) {
      throw new IllegalArgumentException("--replay " + replay + ": no such readable file");
    }
    // Everything that can be refused is refused before anything starts.
    ClicktrendsOptions probe =
        ClicktrendsPipeline.parse(
            pipelineArgs(null, "127.0.0.1:" + sparkSinkPort).toArray(String[]::new));
    boolean publish = !"none".equals(probe.getRabbitmqUri());
    InetAddress listenAddress = listenAddress();
    if (publish) {
      requireFree(listenAddress, port, "the dashboard", "--port");
    }
    requireFree(listenAddress, avroPort, "the Flume Avro source", "--avroPort");
    requireFree(listenAddress, httpPort, "the Flume HTTP source", "--httpPort");
    requireFree(listenAddress, sparkSinkPort, "the Flume SparkSink", "--sparkSinkPort");
    if (probe.getMetricsPort() > 0) {
      requireFree(
          listenAddress,
          probe.getMetricsPort(),
          "the pipeline's metrics endpoint",
          "--metricsPort");
    }
    Files.createDirectories(dataDir);

    Parts parts = new Parts();
    Thread hook =
        new Thread(
            () -> {
              System.err.println("clicktrends local: stopping");
              if (!parts.stopAll(STOP_DEADLINE)) {
                Runtime.getRuntime().halt(143);
              }
            },
            "clicktrends-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    String part = "broker";
    AmqpBrokerResolver.ResolvedBroker broker = null;
    FanoutProcess fanout = null;
    FlumeAgent agent;
    PipelineResult pipeline;
    PipelineMetricsEndpoint metrics = null;
    try {
      if (publish) {
        broker = AmqpBrokerResolver.resolve(probe.getRabbitmqUri());
        parts.started("broker", broker::close);
        part = "fan-out service";
        fanout =
            FanoutProcess.start(
                listen, port, broker.uri(), probe.getExchange(), dataDir.resolve("fanout.log"));
        parts.started("fan-out service", fanout::close);
        FanoutProcess f = fanout;
        f.onExit(
            code -> parts.fail("fan-out service", "exited with code " + code + "; see " + f.log()));
      }
      part = "Flume agent";
      agent =
          FlumeAgent.builder()
              .dataDir(dataDir.resolve("flume"))
              .bind(listen)
              .avroPort(avroPort)
              .httpPort(httpPort)
              .sparkSinkPort(sparkSinkPort)
              .build()
              .start();
      parts.started("Flume agent", agent::stop);
      part = "pipeline";
      List<String> args =
          pipelineArgs(broker == null ? null : broker.uri(), agent.sparkSinkAddress());
      pipeline =
          ClicktrendsPipeline.build(ClicktrendsPipeline.parse(args.toArray(String[]::new))).run();
      parts.started("pipeline", pipeline::cancel);
      part = "pipeline metrics endpoint";
      metrics =
          PipelineMetricsEndpoint.startIfConfigured(
              ClicktrendsPipeline.parse(args.toArray(String[]::new)), pipeline);
      if (metrics != null) {
        parts.started("pipeline metrics endpoint", metrics::close);
      }
    } catch (Exception e) {
      return failed(parts, hook, part + ": " + reason(e));
    }
    PipelineResult running = pipeline;
    Thread watch =
        new Thread(
            () -> {
              try {
                PipelineResult.State state = running.waitUntilFinish();
                parts.fail("pipeline", "stopped (" + state + ")");
              } catch (Exception e) {
                parts.fail("pipeline", reason(e));
              }
            },
            "pipeline-watch");
    watch.setDaemon(true);
    watch.start();

    banner(probe, broker, fanout, agent, metrics);
    if (replay != null) {
      startReplay(parts, agent);
    }
    String failure = parts.firstFailure().get();
    return failed(parts, hook, failure);
  }

  private int failed(Parts parts, Thread hook, String failure) {
    System.err.println("clicktrends local: " + failure);
    parts.stopAll(STOP_DEADLINE);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is already stopping the parts
    }
    return 1;
  }

  private void startReplay(Parts parts, FlumeAgent agent) {
    Thread t =
        new Thread(
            () -> {
              try {
                new Replay(
                        Replay.read(replay),
                        speed,
                        URI.create("avro://127.0.0.1:" + agent.avroPort()))
                    .run();
                System.err.println(
                    "clicktrends local: replay done; the last windows close as the watermark moves on."
                        + " Ctrl-C to stop.");
              } catch (Exception e) {
                parts.fail("replay", reason(e));
              }
            },
            "replay");
    t.setDaemon(true);
    t.start();
  }

  private void banner(
      ClicktrendsOptions probe,
      AmqpBrokerResolver.ResolvedBroker broker,
      FanoutProcess fanout,
      FlumeAgent agent,
      PipelineMetricsEndpoint metrics) {
    String host = listen.equals("0.0.0.0") ? "localhost" : listen;
    System.err.printf(
        "%nClicktrends is running (%s engine, %s):%n",
        probe.getEngine(), isSparkRunner() ? "SparkRunner" : "DirectRunner");
    if (fanout != null) {
      System.err.printf("  dashboard        http://%s:%d/%n", host, fanout.port());
      System.err.printf(
          "  trends           %s exchange %s (%s)%n",
          broker, probe.getExchange(), broker.isEmbedded() ? "embedded broker" : "RabbitMQ");
    } else {
      System.err.printf(
          "  trends           not published (--rabbitmqUri=none)%s%n",
          probe.getPrintTrends() ? "; printed to stdout" : "; add --printTrends to see them");
    }
    System.err.printf(
        "  send clicks      avro://%s:%d (Flume RpcClient), POST %s (JSON)%n",
        host, agent.avroPort(), agent.httpEndpoint());
    System.err.printf(
        "  data             %s (Flume channels; ingest dead letters in %s)%n",
        dataDir.toAbsolutePath(), agent.deadLetterDir());
    System.err.printf(
        "  archive          %s (Avro by hour, written by the pipeline, rolled every %s)%n",
        "none".equals(probe.getArchivePath()) ? "off" : probe.getArchivePath(),
        probe.getArchiveRollInterval());
    if (metrics != null) {
      System.err.printf(
          "  pipeline metrics http://%s:%d/metrics (Prometheus)%n", host, metrics.port());
    }
    if (!isSparkRunner()) {
      System.err.printf(
          "  durability       DirectRunner: window state lives in memory, so a crash loses the counts of"
              + " events already taken from Flume (the archive keeps them); --runner=SparkRunner checkpoints it under"
              + " %s%n",
          dataDir.resolve("spark-checkpoint"));
    }
    System.err.printf("  stop             Ctrl-C%n%n");
  }

  private InetAddress listenAddress() {
    try {
      return InetAddress.getByName(listen);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--listen=" + listen + ": not an address of this host (" + e.getMessage() + ")");
    }
  }

  /**
   * Refuses a taken port before anything starts: Flume would otherwise retry binding it forever.
   */
  static void requireFree(InetAddress address, int port, String what, String option) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port "
              + port
              + " on "
              + address.getHostAddress()
              + " ("
              + what
              + ") is in use; free it or move it with "
              + option
              + "=N");
    }
  }

  /** The root cause's message, one line. */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m =
        t.getMessage() == null
            ? t.getClass().getSimpleName()
            : t.getClass().getSimpleName() + ": " + t.getMessage();
    return m.replace('\n', ' ');
  }
}
