package io.clicktrends.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

public class CliTest {
  @Command(name = "demo", mixinStandardHelpOptions = true)
  static final class Demo implements Callable<Integer> {
    @Option(names = "--rabbitmqUri")
    String rabbitmqUri = "amqp://default";

    @Option(names = "--speed")
    double speed = 600;

    @Option(names = "--verbose")
    boolean verbose;

    @Override
    public Integer call() {
      if (speed <= 0) {
        throw new IllegalArgumentException("--speed=" + speed + " must be positive");
      }
      return 0;
    }
  }

  private static Demo parse(Map<String, String> env, String... args) {
    Demo d = new Demo();
    Cli.commandLine(d, env, args).parseArgs(args);
    return d;
  }

  private static String run(int expectedExit, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Cli.commandLine(new Demo(), env, args);
    cl.setErr(new PrintWriter(out));
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute(args), equalTo(expectedExit));
    return out.toString();
  }

  @Test
  public void environmentVariableNamesAreTheOptionInUpperSnakeCase() {
    assertThat(
        EnvironmentDefaults.environmentVariable("rabbitmqUri"),
        equalTo("CLICKTRENDS_RABBITMQ_URI"));
    assertThat(
        EnvironmentDefaults.environmentVariable("avroPort"), equalTo("CLICKTRENDS_AVRO_PORT"));
    assertThat(EnvironmentDefaults.environmentVariable("topK"), equalTo("CLICKTRENDS_TOP_K"));
    assertThat(EnvironmentDefaults.environmentVariable("port"), equalTo("CLICKTRENDS_PORT"));
  }

  @Test
  public void bothFormsAndThePrecedenceOfCommandLineEnvironmentAndFile() throws Exception {
    assertThat(parse(Map.of(), "--speed", "2").speed, equalTo(2.0));
    assertThat(parse(Map.of(), "--speed=3").speed, equalTo(3.0));
    Path file = Files.createTempFile("cli", ".properties");
    Files.writeString(file, "rabbitmqUri=amqp://from-file\nspeed=7\n");
    Map<String, String> env =
        Map.of("CLICKTRENDS_CONFIG", file.toString(), "CLICKTRENDS_SPEED", "9");
    Demo d = parse(env);
    assertThat(d.rabbitmqUri, equalTo("amqp://from-file"));
    assertThat(d.speed, equalTo(9.0));
    assertThat(parse(env, "--speed=11").speed, equalTo(11.0));
    assertThat(
        parse(Map.of(), "--config", file.toString()).rabbitmqUri, equalTo("amqp://from-file"));
    assertThat(parse(Map.of()).rabbitmqUri, equalTo("amqp://default"));
  }

  @Test
  public void refusalsNameTheOptionAndValueAndExitTwo() {
    assertThat(
        run(Cli.USAGE_ERROR, Map.of(), "--speedX=2"),
        allOf(
            startsWith("clicktrends demo: "),
            containsString("--speedX=2"),
            containsString("bin/clicktrends demo --help")));
    assertThat(
        run(Cli.USAGE_ERROR, Map.of(), "--speed", "fast"),
        allOf(containsString("--speed"), containsString("fast")));
    assertThat(run(Cli.USAGE_ERROR, Map.of("CLICKTRENDS_SPEED", "slow")), containsString("slow"));
    assertThat(
        run(Cli.USAGE_ERROR, Map.of(), "--speed=-1"),
        containsString("clicktrends demo: --speed=-1.0 must be" + " positive"));
  }

  @Test
  public void helpAndVersionOnEveryCommand() {
    assertThat(
        run(0, Map.of(), "--help"), allOf(containsString("--speed"), containsString("--config")));
    assertThat(
        run(0, Map.of(), "--version"), containsString("Clicktrends " + VersionProvider.version()));
    assertThat(VersionProvider.version(), startsWith("0."));
  }

  @Test
  public void anUnreadableConfigFileIsRefused() {
    assertThat(
        Cli.execute(new Demo(), "--config", "/no/such/file.properties"), equalTo(Cli.USAGE_ERROR));
  }
}
