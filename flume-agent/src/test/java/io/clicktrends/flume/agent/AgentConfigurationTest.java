package io.clicktrends.flume.agent;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;

import java.io.InputStream;
import java.util.Properties;
import org.junit.Test;

/**
 * The shipped agent configuration keeps one copy of each valid event: the pipeline writes the
 * archive, so valid events go to the {@code stream} channel only; dead letters keep their own
 * channel and file_roll sink.
 */
public class AgentConfigurationTest {
  private static Properties config() throws Exception {
    Properties p = new Properties();
    try (InputStream in =
        FlumeAgent.class
            .getClassLoader()
            .getResourceAsStream("clicktrends-flume/clicktrends-agent.properties")) {
      assertNotNull("agent configuration on the classpath", in);
      p.load(in);
    }
    return p;
  }

  @Test
  public void validEventsGoToTheStreamChannelOnly() throws Exception {
    Properties p = config();
    assertEquals("stream deadletter", p.getProperty("clicktrends.channels"));
    assertEquals("spark deadletter", p.getProperty("clicktrends.sinks"));
    for (String source : new String[] {"avro", "http", "accesslog"}) {
      String prefix = "clicktrends.sources." + source;
      assertEquals(source, "stream deadletter", p.getProperty(prefix + ".channels"));
      assertEquals(source, "stream", p.getProperty(prefix + ".selector.mapping.valid"));
      assertEquals(source, "deadletter", p.getProperty(prefix + ".selector.mapping.dead"));
    }
    assertFalse(
        "no archive channel or sink left",
        p.stringPropertyNames().stream().anyMatch(k -> k.contains(".archive.")));
  }
}
