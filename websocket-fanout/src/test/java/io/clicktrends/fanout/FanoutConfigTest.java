package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.clicktrends.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import picocli.CommandLine;

public class FanoutConfigTest {
  private static FanoutConfig parse(Map<String, String> env, String... args) {
    FanoutCommand command = new FanoutCommand();
    Cli.commandLine(command, env, args).parseArgs(args);
    return command.config();
  }

  private static FanoutConfig parse(String... args) {
    return parse(Map.of(), args);
  }

  private static String refusal(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.commandLine(new FanoutCommand(), Map.of(), args);
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args), equalTo(Cli.USAGE_ERROR));
    return err.toString();
  }

  @Test
  public void parsesOptionsInBothForms() {
    FanoutConfig c =
        parse(
            "--port=9000",
            "--rabbitmqUri",
            "amqp://u:p@h:5673",
            "--exchange=x.y",
            "--allowedOrigins=https://dash.example.com, http://localhost:3000");
    assertThat(c.port(), equalTo(9000));
    assertThat(c.rabbitmqUri(), equalTo("amqp://u:p@h:5673"));
    assertThat(c.exchange(), equalTo("x.y"));
    assertThat(
        c.allowedOrigins(), equalTo(Set.of("https://dash.example.com", "http://localhost:3000")));
    assertThat(c.toString(), containsString("amqp://***@h:5673"));
    assertThat(parse().port(), equalTo(8080));
    assertThat(parse().bindHost(), equalTo("127.0.0.1"));
    // as bin/clicktrends help shows it (this form was refused)
    assertThat(parse("--port", "9090").port(), equalTo(9090));
  }

  @Test
  public void labelsAndReadinessOptions() throws Exception {
    Path labels = Files.createTempFile("labels", ".csv");
    Files.writeString(labels, "search,shoes,Shoes\n");
    FanoutConfig c = parse("--labels", labels.toString(), "--readinessStaleAfter=45");
    assertThat(c.labelsFile(), equalTo(labels));
    assertThat(c.readinessStaleAfterSeconds(), equalTo(45));
    assertThat(parse().labelsFile(), equalTo(null));
    assertThat(parse().readinessStaleAfterSeconds(), equalTo(120));
    assertThat(
        refusal("--labels=/no/such/labels.csv"),
        containsString("--labels /no/such/labels.csv is not a readable file"));
    assertThat(
        refusal("--readinessStaleAfter=0"),
        containsString("--readinessStaleAfter=0 is out of range"));
  }

  @Test
  public void takesDefaultsFromTheEnvironmentAndAConfigFile() throws Exception {
    Path file = Files.createTempFile("fanout", ".properties");
    Files.writeString(file, "exchange=from.file\nport=7000\n");
    FanoutConfig c =
        parse(
            Map.of(
                "CLICKTRENDS_RABBITMQ_URI", "amqp://u:secret@h:5673", "CLICKTRENDS_PORT", "7100"),
            "--config",
            file.toString());
    assertThat(c.rabbitmqUri(), equalTo("amqp://u:secret@h:5673"));
    assertThat(c.exchange(), equalTo("from.file"));
    assertThat("the environment wins over the file", c.port(), equalTo(7100));
    assertThat(
        "the command line wins over both",
        parse(Map.of("CLICKTRENDS_PORT", "7100"), "--port=7200").port(),
        equalTo(7200));
  }

  @Test
  public void badValuesAreRefusedNamingTheOptionAndValue() {
    assertThat(refusal("--port=http"), allOf(containsString("--port"), containsString("http")));
    assertThat(refusal("--port=80.5"), allOf(containsString("--port"), containsString("80.5")));
    assertThat(refusal("--port=70000"), containsString("--port=70000 is out of range"));
    assertThat(
        refusal("--rabbitmqUri=http://u:secret@h"),
        allOf(
            containsString("--rabbitmqUri must start with amqp://"),
            not(containsString("secret"))));
    assertThat(refusal("--allowedOrigins=evil.com/x"), containsString("--allowedOrigins"));
    assertThat(refusal("--colour=blue"), containsString("--colour=blue"));
    assertThat(refusal("--portX=1"), containsString("--portX=1"));
  }

  @Test
  public void originPolicyAllowsOwnPageAndConfiguredOrigins() {
    OriginPolicy own = new OriginPolicy(Set.of());
    assertThat(own.allows("http://127.0.0.1:8080", "127.0.0.1", 8080), equalTo(true));
    assertThat(own.allows("http://127.0.0.1:8081", "127.0.0.1", 8080), equalTo(false));
    assertThat(own.allows("http://evil.example", "127.0.0.1", 8080), equalTo(false));
    assertThat(own.allows(null, "127.0.0.1", 8080), equalTo(true));
    OriginPolicy listed = new OriginPolicy(Set.of("https://dash.example.com"));
    assertThat(listed.allows("https://dash.example.com", "10.0.0.1", 8080), equalTo(true));
    assertThat(listed.allows("https://other.example.com", "10.0.0.1", 8080), equalTo(false));
    // a default port written out in the configuration (or sent) is the same origin
    assertThat(
        new OriginPolicy(Set.of("https://dash.example.com:443/"))
            .allows("https://dash.example.com", "10.0.0.1", 8080),
        equalTo(true));
    assertThat(listed.allows("https://dash.example.com:443", "10.0.0.1", 8080), equalTo(true));
    assertThat(listed.allows("https://dash.example.com:8443", "10.0.0.1", 8080), equalTo(false));
  }
}
