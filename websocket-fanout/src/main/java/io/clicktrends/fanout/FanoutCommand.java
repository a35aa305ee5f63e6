package io.clicktrends.fanout;

import io.clicktrends.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/clicktrends fanout}: the fan-out service and dashboard alone, until stopped (SIGTERM
 * stops it cleanly). Conventions (environment defaults, {@code --config}) are {@link Cli}'s; the
 * broker URI with its password is best given as {@code CLICKTRENDS_RABBITMQ_URI}.
 */
@Command(
    name = "fanout",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description =
        "The fan-out service: trends from RabbitMQ to WebSocket clients, the dashboard at /.")
public final class FanoutCommand implements Callable<Integer> {
  @Option(names = "--port", description = "HTTP/WebSocket port (0 = any free port).")
  int port = FanoutConfig.defaults().port();

  @Option(names = "--bindHost", description = "Address to listen on; 0.0.0.0 for every interface.")
  String bindHost = FanoutConfig.defaults().bindHost();

  @Option(
      names = "--rabbitmqUri",
      description =
          "Broker to consume trends from (credentials are never logged; prefer"
              + " the CLICKTRENDS_RABBITMQ_URI environment variable, argv is visible to every user of the machine).")
  String rabbitmqUri = FanoutConfig.defaults().rabbitmqUri();

  @Option(names = "--exchange", description = "Durable topic exchange the pipeline publishes to.")
  String exchange = FanoutConfig.defaults().exchange();

  @Option(
      names = "--allowedOrigins",
      description =
          "Comma-separated origins allowed to open /ws, e.g."
              + " https://dash.example.com; empty = only this service's own page (Origin host:port equals the Host header);"
              + " * = any.")
  String allowedOrigins = "";

  @Option(
      names = "--clientQueue",
      description = "Per-client send queue; when full the oldest message is dropped.")
  int clientQueue = FanoutConfig.defaults().clientQueue();

  @Option(
      names = "--stallTimeout",
      description = "Seconds a client may leave a send unfinished before it is" + " disconnected.")
  int stallTimeout = FanoutConfig.defaults().stallTimeoutSeconds();

  @Option(
      names = "--pingInterval",
      description = "Seconds between WebSocket pings; no pong for 2 intervals" + " disconnects.")
  int pingInterval = FanoutConfig.defaults().pingIntervalSeconds();

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description =
          "CSV file of dimension,key,label rows: the"
              + " dashboard shows the label in place of the key (e.g. a product name for a product id).")
  java.nio.file.Path labels;

  @Option(
      names = "--readinessStaleAfter",
      paramLabel = "SECONDS",
      description =
          "/health/ready fails when no trend"
              + " arrived for this long after trends had been arriving.")
  int readinessStaleAfter = FanoutConfig.defaults().readinessStaleAfterSeconds();

  @Option(
      names = "--exitWithParent",
      hidden = true,
      description =
          "Exit when the parent process does (bin/clicktrends local starts the service so).")
  boolean exitWithParent;

  /** The settings these options describe. */
  FanoutConfig config() {
    return FanoutConfig.builder()
        .setPort(port)
        .setBindHost(bindHost)
        .setRabbitmqUri(rabbitmqUri)
        .setExchange(exchange)
        .setAllowedOrigins(FanoutConfig.origins(allowedOrigins))
        .setClientQueue(clientQueue)
        .setStallTimeoutSeconds(stallTimeout)
        .setPingIntervalSeconds(pingInterval)
        .setLabelsFile(labels)
        .setReadinessStaleAfterSeconds(readinessStaleAfter)
        .build();
  }

  @Override
  public Integer call() throws Exception {
    FanoutServer server = FanoutServer.start(config());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("fanout: error while stopping: " + e);
                  }
                },
                "fanout-shutdown"));
    if (exitWithParent) {
      // a parent killed with SIGKILL runs no hook: without this the child would keep its port
      ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
    }
    server.awaitStop();
    return 0;
  }
}
