package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.util.Set;
import org.junit.Test;

public class FanoutConfigTest {
  @Test
  public void parsesFlags() {
    FanoutConfig c = FanoutConfig.parse("--port=9000", "--rabbitmqUri=amqp://u:p@h:5673", "--exchange=x.y",
        "--allowedOrigins=https://dash.example.com, http://localhost:3000");
    assertThat(c.port(), equalTo(9000));
    assertThat(c.rabbitmqUri(), equalTo("amqp://u:p@h:5673"));
    assertThat(c.exchange(), equalTo("x.y"));
    assertThat(c.allowedOrigins(), equalTo(Set.of("https://dash.example.com", "http://localhost:3000")));
    assertThat(c.toString(), containsString("amqp://***@h:5673"));
    assertThat(FanoutConfig.parse().port(), equalTo(8080));
  }

  @Test
  public void badValuesAreRejectedNamingTheFlag() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--port=http")).getMessage(),
        containsString("--port=http is not an integer"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--port=70000")).getMessage(),
        containsString("--port=70000 is out of range"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--rabbitmqUri=http://u:secret@h")).getMessage(),
        containsString("--rabbitmqUri must start with amqp://"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--rabbitmqUri=http://u:secret@h")).getMessage(),
        org.hamcrest.Matchers.not(containsString("secret")));
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--allowedOrigins=evil.com/x")).getMessage(),
        containsString("--allowedOrigins"));
    assertThat(assertThrows(IllegalArgumentException.class, () -> FanoutConfig.parse("--colour=blue")).getMessage(),
        containsString("unknown flag --colour"));
    assertThrows(FanoutConfig.HelpRequested.class, () -> FanoutConfig.parse("--help"));
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
    assertThat(new OriginPolicy(Set.of("https://dash.example.com:443/")).allows("https://dash.example.com", "10.0.0.1", 8080),
        equalTo(true));
    assertThat(listed.allows("https://dash.example.com:443", "10.0.0.1", 8080), equalTo(true));
    assertThat(listed.allows("https://dash.example.com:8443", "10.0.0.1", 8080), equalTo(false));
  }
}
