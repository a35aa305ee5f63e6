package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import io.clicktrends.cli.Cli;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

public class PipelineOptionsCliTest {
  @Command(name = "test", mixinStandardHelpOptions = true)
  static final class Empty {}

  private static List<String> beamArgs(Map<String, String> env, String... args) {
    CommandLine cl = new CommandLine(new Empty());
    PipelineOptionsCli options = PipelineOptionsCli.addTo(cl.getCommandSpec());
    Cli.commandLine(cl, env, args).parseArgs(args);
    return options.beamArgs();
  }

  @Test
  public void takesBothFormsAndHandsBeamNameEqualsValue() {
    assertThat(
        beamArgs(Map.of(), "--windowSize", "30m", "--windowSlide=5m", "--topK", "7"),
        equalTo(List.of("--windowSize=30m", "--windowSlide=5m", "--topK=7")));
    ClicktrendsOptions o =
        ClicktrendsPipeline.parse(
            beamArgs(Map.of(), "--windowSize", "30m", "--windowSlide=5m", "--topK", "7")
                .toArray(String[]::new));
    assertThat(o.getTopK(), equalTo(7));
    assertThat(o.getWindowSize(), equalTo("30m"));
  }

  @Test
  public void aBooleanStandsAloneOrTakesTrueOrFalse() {
    assertThat(beamArgs(Map.of(), "--printTrends"), equalTo(List.of("--printTrends=true")));
    assertThat(
        beamArgs(Map.of(), "--printTrends", "false"), equalTo(List.of("--printTrends=false")));
    assertThat(
        beamArgs(Map.of(), "--printTrends", "--topK=3"),
        equalTo(List.of("--printTrends=true", "--topK=3")));
  }

  @Test
  public void defaultsComeFromTheEnvironment() {
    assertThat(
        beamArgs(
            Map.of("CLICKTRENDS_WINDOW_SIZE", "1h", "CLICKTRENDS_RABBITMQ_URI", "amqp://u:p@h"),
            "--topK=3"),
        allOf(
            hasItem("--windowSize=1h"),
            hasItem("--rabbitmqUri=amqp://u:p@h"),
            hasItem("--topK=3")));
    assertThat(
        beamArgs(Map.of("CLICKTRENDS_WINDOW_SIZE", "1h"), "--windowSize=2h"),
        equalTo(List.of("--windowSize=2h")));
  }

  @Test
  public void runnerOptionsAreAcceptedAndUnknownOnesRefusedByName() {
    assertThat(
        beamArgs(Map.of(), "--runner", "DirectRunner", "--targetParallelism=2"),
        equalTo(List.of("--runner=DirectRunner", "--targetParallelism=2")));
    CommandLine.UnmatchedArgumentException e =
        assertThrows(
            CommandLine.UnmatchedArgumentException.class,
            () -> beamArgs(Map.of(), "--windowSizee=1m"));
    assertThat(e.getMessage(), containsString("--windowSizee=1m"));
  }

  @Test
  public void helpListsClicktrendsOptionsWithBeamsDescriptions() {
    CommandLine cl = new CommandLine(new Empty());
    PipelineOptionsCli.addTo(cl.getCommandSpec());
    String help = cl.getUsageMessage();
    assertThat(
        help,
        allOf(
            containsString("--windowSize"),
            containsString("Length of the sliding event-time window"),
            containsString("Default: 10m"),
            containsString("--runner"),
            not(containsString("--targetParallelism"))));
  }
}
