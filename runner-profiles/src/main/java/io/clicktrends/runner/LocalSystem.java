package io.clicktrends.runner;

import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.flume.agent.FlumeAgent;
import io.clicktrends.pipeline.ClicktrendsOptions;
import io.clicktrends.pipeline.ClicktrendsPipeline;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.PipelineResult;

/**
 * The whole of Clicktrends on one machine: a broker (the RabbitMQ at --rabbitmqUri if one answers, else
 * an embedded one), the fan-out service and dashboard, a Flume agent, the pipeline on the DirectRunner
 * pulling from it, and optionally a replay of a clickstream file into the agent.
 *
 * <p>The fan-out runs as a child JVM, as it does in production: it serves with Jetty 12 while Flume's
 * HTTP source needs Jetty 9.4, and the two cannot share one class path.
 *
 * <pre>bin/clicktrends local [--replay FILE] [--speed N] [--dataDir DIR] [--port 8080] [pipeline options]</pre>
 */
public final class LocalSystem {
  private LocalSystem() {}

  public static void main(String[] args) throws Exception {
    Path replay = null;
    double speed = 600;
    Path dataDir = Path.of("clicktrends-data");
    int port = 8080;
    String rabbitmqUri = AmqpBrokerResolver.DEFAULT_URI;
    List<String> pipelineArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      boolean inline = a.contains("=");
      String name = inline ? a.substring(0, a.indexOf('=')) : a;
      String value = inline ? a.substring(a.indexOf('=') + 1) : (i + 1 < args.length ? args[i + 1] : null);
      switch (name) {
        case "--replay" -> replay = Path.of(value);
        case "--speed" -> speed = parseDouble("--speed", value);
        case "--dataDir" -> dataDir = Path.of(value);
        case "--port" -> port = (int) parseDouble("--port", value);
        case "--help", "-h" -> {
          System.out.println("usage: bin/clicktrends local [--replay FILE] [--speed N (600)] [--dataDir DIR (clicktrends-data)]"
              + " [--port N (8080)] [pipeline options, see bin/clicktrends pipeline --help=ClicktrendsOptions]");
          return;
        }
        default -> {
          if (name.equals("--rabbitmqUri")) {
            rabbitmqUri = value;
          }
          pipelineArgs.add(inline ? a : a + "=" + value);
          if (!inline) {
            i++;
          }
          continue;
        }
      }
      if (!inline && !name.equals("--help")) {
        i++;
      }
    }
    if (replay != null && !Files.isReadable(replay)) {
      fail("--replay " + replay + ": no such readable file");
    }
    // The pipeline writes the archive; locally it lives with the rest of the data unless --archivePath says otherwise.
    if (pipelineArgs.stream().noneMatch(a -> a.startsWith("--archivePath="))) {
      pipelineArgs.add("--archivePath=" + dataDir.resolve("archive").toAbsolutePath());
    }
    // Validate the pipeline options before starting anything.
    ClicktrendsOptions probe;
    try {
      probe = ClicktrendsPipeline.parse(pipelineArgs.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return;
    }
    Files.createDirectories(dataDir);

    AmqpBrokerResolver.ResolvedBroker broker = AmqpBrokerResolver.resolve(rabbitmqUri);
    FanoutProcess fanout = FanoutProcess.start(port, broker.uri(), dataDir.resolve("fanout.log"));
    FlumeAgent agent = FlumeAgent.builder().dataDir(dataDir.resolve("flume")).build().start();

    pipelineArgs.removeIf(a -> a.startsWith("--rabbitmqUri=") || a.startsWith("--flumeSinks=")
        || a.startsWith("--blockOnRun=")); // Beam refuses an option given twice; local sets these itself
    pipelineArgs.add("--rabbitmqUri=" + broker.uri());
    pipelineArgs.add("--flumeSinks=" + agent.sparkSinkAddress());
    pipelineArgs.add("--blockOnRun=false");
    for (String option : ClicktrendsPipeline.DIRECT_RUNNER_LIVE_OPTIONS) {
      String name = option.substring(0, option.indexOf('=') + 1);
      if (pipelineArgs.stream().noneMatch(a -> a.startsWith(name))) {
        pipelineArgs.add(option);
      }
    }
    ClicktrendsOptions options = ClicktrendsPipeline.parse(pipelineArgs.toArray(String[]::new));
    PipelineResult pipeline = ClicktrendsPipeline.build(options).run();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("clicktrends: stopping");
      try {
        pipeline.cancel();
      } catch (Exception e) {
        System.err.println("clicktrends: pipeline cancel: " + e.getMessage());
      }
      agent.stop();
      fanout.close();
      broker.close();
      stopped.countDown();
    }, "clicktrends-shutdown"));

    System.err.printf("%nClicktrends is running (%s):%n", probe.getEngine() + " engine");
    System.err.printf("  dashboard        http://localhost:%d/%n", fanout.port());
    System.err.printf("  trends           %s exchange clicktrends.trends (%s)%n", broker, broker.isEmbedded() ? "embedded broker" : "RabbitMQ");
    System.err.printf("  send clicks      avro://127.0.0.1:%d (Flume RpcClient), POST %s (JSON)%n", agent.avroPort(), agent.httpEndpoint());
    System.err.printf("  data             %s (Flume channels; ingest dead letters in %s)%n", dataDir.toAbsolutePath(), agent.deadLetterDir());
    System.err.printf("  archive          %s (Avro by hour, written by the pipeline, rolled every %s)%n",
        "none".equals(probe.getArchivePath()) ? "off" : probe.getArchivePath(), probe.getArchiveRollInterval());
    System.err.printf("  stop             Ctrl-C%n%n");

    if (replay != null) {
      new Replay(Replay.read(replay), speed, URI.create("avro://127.0.0.1:" + agent.avroPort())).run();
      System.err.println("clicktrends: replay done; the last windows close as the watermark moves on. Ctrl-C to stop.");
    }
    pipeline.waitUntilFinish();
    stopped.await();
  }

  private static double parseDouble(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (RuntimeException e) {
      fail(option + "=" + value + " is not a number");
      return 0;
    }
  }

  private static void fail(String message) {
    System.err.println("clicktrends local: " + message);
    System.exit(2);
  }
}
