package io.clicktrends.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The fan-out service started as a child JVM from the class path in {@code
 * clicktrends.fanoutClasspath}. The broker URI (it may hold a password) goes in the child's
 * environment, not its argv; the child exits when this JVM does.
 */
final class FanoutProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private FanoutProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static FanoutProcess start(
      String bindHost, int port, String rabbitmqUri, String exchange, Path log)
      throws IOException, InterruptedException {
    String classpath = System.getProperty("clicktrends.fanoutClasspath");
    if (classpath == null) {
      throw new IllegalStateException(
          "clicktrends.fanoutClasspath is not set (bin/clicktrends sets it)");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                classpath,
                "io.clicktrends.fanout.FanoutServer",
                "--bindHost=" + bindHost,
                "--port=" + port,
                "--exchange=" + exchange,
                "--exitWithParent")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("CLICKTRENDS_RABBITMQ_URI", rabbitmqUri);
    FanoutProcess fanout = new FanoutProcess(pb.start(), port, log);
    fanout.awaitHealthy(
        bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost, Duration.ofSeconds(30));
    return fanout;
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /** Calls {@code action} with the exit code when the child exits. */
  void onExit(IntConsumer action) {
    process.onExit().thenAccept(p -> action.accept(p.exitValue()));
  }

  /** Polls /health until it answers 200, the process dies, or the deadline passes. */
  private void awaitHealthy(String host, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "exited with code " + process.exitValue() + " while starting; see " + log);
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200); // poll interval of a deadline-bounded wait
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "not healthy on port " + port + " within " + timeout.toSeconds() + " s; see " + log);
  }

  /** SIGTERM, then SIGKILL if the child has not exited within 3 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(3, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
