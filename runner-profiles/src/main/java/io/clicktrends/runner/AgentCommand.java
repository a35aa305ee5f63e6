package io.clicktrends.runner;

import io.clicktrends.cli.Cli;
import io.clicktrends.flume.agent.FlumeAgent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/clicktrends agent}: a Flume agent alone, with the shipped configuration ({@code
 * flume-agent/conf/clicktrends-agent.properties}) or another one, as on a web host in production:
 * sources for clicks (Avro, HTTP, optionally access logs), the ETL step, the dead-letter files and
 * the SparkSink the pipeline pulls from. Runs until SIGTERM, which stops it cleanly (the file
 * channels keep what was not yet pulled).
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    description = "A Clicktrends Flume agent alone (for the web hosts of a production layout).")
public final class AgentCommand implements Callable<Integer> {
  @Option(
      names = "--dataDir",
      paramLabel = "DIR",
      description = "File channels, dead letters, access-log positions.")
  Path dataDir = Path.of("clicktrends-data/flume");

  @Option(
      names = "--listen",
      paramLabel = "ADDRESS",
      description =
          "Address the sources and the SparkSink bind:"
              + " 127.0.0.1 for this host only; the host's private address so that Spark executors can pull (the SparkSink"
              + " has no authentication: never a public interface).")
  String listen = "127.0.0.1";

  @Option(names = "--avroPort", paramLabel = "N", description = "Avro source port.")
  int avroPort = 41414;

  @Option(names = "--httpPort", paramLabel = "N", description = "HTTP source port (tracker, JSON).")
  int httpPort = 41415;

  @Option(names = "--sparkSinkPort", paramLabel = "N", description = "SparkSink port.")
  int sparkSinkPort = 41416;

  @Option(
      names = "--monitoringPort",
      paramLabel = "N",
      description =
          "Flume's HTTP monitoring (every counter group,"
              + " the ETL step's valid / dead-lettered per reason / ignored among them, as JSON at /metrics) on this port;"
              + " 0 = off. Flume's monitoring server listens on every interface (41417 is the documented port).")
  int monitoringPort;

  @Option(
      names = "--accessLogs",
      paramLabel = "REGEX",
      description =
          "Also tail access logs: files matching this"
              + " regular expression (e.g. /var/log/nginx/access\\.log).")
  String accessLogs;

  @Option(
      names = "--agentConfig",
      paramLabel = "FILE",
      description =
          "A Flume properties file to use instead of the"
              + " shipped one (its $${...} placeholders are filled from these options).")
  Path agentConfig;

  public static void main(String[] args) {
    int code = Cli.execute(new AgentCommand(), args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    InetAddress address = InetAddress.getByName(listen);
    LocalSystem.requireFree(address, avroPort, "the Avro source", "--avroPort");
    LocalSystem.requireFree(address, httpPort, "the HTTP source", "--httpPort");
    LocalSystem.requireFree(address, sparkSinkPort, "the SparkSink", "--sparkSinkPort");
    if (monitoringPort != 0) { // Flume's monitoring server binds every interface
      LocalSystem.requireFree(
          InetAddress.getByName("0.0.0.0"),
          monitoringPort,
          "Flume's monitoring",
          "--monitoringPort");
    }
    FlumeAgent.Builder b =
        FlumeAgent.builder()
            .dataDir(dataDir)
            .bind(listen)
            .monitoringPort(monitoringPort)
            .avroPort(avroPort)
            .httpPort(httpPort)
            .sparkSinkPort(sparkSinkPort);
    if (accessLogs != null) {
      b.accessLogs(accessLogs);
    }
    if (agentConfig != null) {
      b.configFile(agentConfig);
    }
    FlumeAgent agent = b.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.stop();
                  stopped.countDown();
                },
                "flume-agent-stop"));
    System.err.printf(
        "clicktrends agent: Avro %s:%d, HTTP %s, SparkSink %s, data %s%n",
        listen,
        agent.avroPort(),
        agent.httpEndpoint(),
        agent.sparkSinkAddress(),
        dataDir.toAbsolutePath());
    stopped.await();
    return 0;
  }
}
