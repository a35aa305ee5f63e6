package io.clicktrends.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The fan-out service started as a child JVM from the class path in {@code clicktrends.fanoutClasspath}. */
final class FanoutProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private FanoutProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static FanoutProcess start(int port, String rabbitmqUri, Path log) throws IOException, InterruptedException {
    String classpath = System.getProperty("clicktrends.fanoutClasspath");
    if (classpath == null) {
      throw new IllegalStateException("clicktrends.fanoutClasspath is not set (bin/clicktrends sets it)");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", classpath, "io.clicktrends.fanout.FanoutServer",
        "--port=" + port, "--rabbitmqUri=" + rabbitmqUri)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    FanoutProcess fanout = new FanoutProcess(p, port);
    fanout.awaitHealthy(Duration.ofSeconds(30), log);
    return fanout;
  }

  int port() {
    return port;
  }

  /** Polls /health until it answers 200, the process dies, or the deadline passes. */
  private void awaitHealthy(Duration timeout, Path log) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the fan-out service exited with " + process.exitValue() + "; see " + log);
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
    process.destroy();
    throw new IllegalStateException("the fan-out service did not become healthy on port " + port + " within "
        + timeout.toSeconds() + " s; see " + log);
  }

  @Override
  public void close() {
    process.destroy();
  }
}
