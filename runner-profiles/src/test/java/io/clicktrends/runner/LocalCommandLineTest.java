package io.clicktrends.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.clicktrends.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import picocli.CommandLine;

/**
 * {@code bin/clicktrends local} and {@code replay}: their command lines, refused before anything
 * starts.
 */
public class LocalCommandLineTest {
  private static LocalSystem parse(String... args) {
    CommandLine cl = LocalSystem.commandLine();
    Cli.commandLine(cl, Map.of(), args).parseArgs(args);
    return cl.getCommand();
  }

  /** Runs the command line; returns stderr (and asserts the exit code). */
  private static String refused(CommandLine cl, String... args) {
    StringWriter err = new StringWriter();
    Cli.commandLine(cl, Map.of(), args).setErr(new PrintWriter(err));
    assertThat(err.toString(), cl.execute(args), equalTo(Cli.USAGE_ERROR));
    return err.toString();
  }

  @Test
  public void aBooleanPipelineOptionDoesNotSwallowTheNextOption() {
    LocalSystem local = parse("--printTrends", "--replay", "clicks.tsv");
    assertThat(local.replay, equalTo(Path.of("clicks.tsv")));
    assertThat(local.pipelineArgs("amqp://h", "127.0.0.1:41416"), hasItem("--printTrends=true"));
  }

  @Test
  public void theDataDirHoldsTheArchiveAndTheSparkCheckpoint() {
    Path d = Path.of("some", "dir").toAbsolutePath();
    assertThat(
        parse("--dataDir", d.toString()).pipelineArgs("amqp://h", "127.0.0.1:41416"),
        hasItem("--archivePath=" + d.resolve("archive")));
    List<String> spark =
        parse("--dataDir=" + d, "--runner", "SparkRunner").pipelineArgs("amqp://h", "h:1");
    assertThat(
        spark,
        allOf(
            hasItem("--checkpointDir=" + d.resolve("spark-checkpoint")),
            hasItem("--streaming=true"),
            not(hasItem("--enforceImmutability=false"))));
    assertThat(
        parse("--dataDir=" + d, "--archivePath=none").pipelineArgs("amqp://h", "h:1"),
        allOf(
            hasItem("--archivePath=none"), not(hasItem("--archivePath=" + d.resolve("archive")))));
  }

  @Test
  public void localSetsTheBrokerAndSinkItStartedOverWhatWasGiven() {
    List<String> args =
        parse("--rabbitmqUri=amqp://given", "--exchange", "x")
            .pipelineArgs("amqp://resolved", "127.0.0.1:5");
    assertThat(
        args,
        allOf(
            hasItem("--rabbitmqUri=amqp://resolved"),
            not(hasItem("--rabbitmqUri=amqp://given")),
            hasItem("--flumeSinks=127.0.0.1:5"),
            hasItem("--exchange=x")));
    assertThat(
        parse("--rabbitmqUri=none").pipelineArgs(null, "127.0.0.1:5"),
        hasItem("--rabbitmqUri=none"));
  }

  @Test
  public void badValuesAreRefusedNamingTheOption() {
    assertThat(
        refused(LocalSystem.commandLine(), "--port", "80.5"),
        allOf(containsString("--port"), containsString("80.5")));
    assertThat(
        refused(LocalSystem.commandLine(), "--windowSize=30m", "--windowSlide=7m"),
        containsString("--windowSize=30m is not a multiple of --windowSlide=7m"));
    assertThat(
        refused(LocalSystem.commandLine(), "--replay", "/no/such/file"),
        containsString("/no/such/file"));
    assertThat(
        refused(new CommandLine(new Replay.ReplayCommand()), "f.tsv", "--speedX=2"),
        containsString("--speedX=2"));
  }

  @Test
  public void aTakenPortIsRefusedBeforeAnythingStartsNamingThePortAndItsOption() throws Exception {
    Path data = Files.createTempDirectory("local").resolve("data");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      String err =
          refused(
              LocalSystem.commandLine(),
              "--avroPort",
              String.valueOf(port),
              "--dataDir",
              data.toString(),
              "--rabbitmqUri=none");
      assertThat(
          err,
          allOf(
              containsString("port " + port),
              containsString("Flume Avro source"),
              containsString("--avroPort")));
      assertThat("nothing started", Files.exists(data), equalTo(false));
    }
  }
}
