package io.clicktrends.flume.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flume.node.Application;
import org.apache.flume.node.PropertiesFileConfigurationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flume 1.11 agent started in this JVM from the Clicktrends agent configuration (by default
 * the {@code clicktrends-flume/clicktrends-agent.properties} resource, i.e. {@code
 * flume-agent/conf/}).
 *
 * <pre>{@code
 * try (FlumeAgent agent = FlumeAgent.builder().dataDir(Path.of("/tmp/clicktrends-flume")).build().start()) {
 *   FlumeIO.read().withSinkAddresses(agent.sparkSinkAddress()) ...
 * }
 * }</pre>
 *
 * <p>The configuration's {@code ${name}} placeholders are filled from the builder's variables; the
 * resolved file is written to {@code dataDir/agent.properties} (handy to see what ran) and handed
 * to Flume's own configuration provider, so what runs here is exactly what {@code flume-ng agent
 * -f} would run.
 */
public final class FlumeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FlumeAgent.class);
  public static final String AGENT_NAME = "clicktrends";
  public static final String DEFAULT_CONFIG_RESOURCE =
      "/clicktrends-flume/clicktrends-agent.properties";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

  /** The documented port of Flume's HTTP monitoring ({@link Builder#monitoringPort}). */
  public static final int DEFAULT_MONITORING_PORT = 41417;

  private static final Pattern MONITORING_LINE =
      Pattern.compile("^\\s*(flume\\.monitoring\\.[\\w.]+)\\s*=\\s*(.*?)\\s*$");

  private final String template;
  private final Map<String, String> vars;
  private final Path dataDir;
  private Application application;

  private FlumeAgent(String template, Map<String, String> vars, Path dataDir) {
    this.template = template;
    this.vars = vars;
    this.dataDir = dataDir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the agent and waits until its Avro source, HTTP source and SparkSink accept connections.
   *
   * @throws IllegalStateException if they do not within {@code timeout} (the Flume log says which
   *     component failed)
   */
  public synchronized FlumeAgent start(Duration timeout) {
    if (application != null) {
      return this;
    }
    long t0 = System.nanoTime();
    Map<String, String> monitoring = new LinkedHashMap<>();
    Path resolved = writeResolvedConfig(monitoring);
    PropertiesFileConfigurationProvider provider =
        new PropertiesFileConfigurationProvider(AGENT_NAME, resolved.toFile());
    application = new Application();
    // Flume reads its monitoring settings from the JVM's system properties when it starts the
    // components: set them
    // for that moment only, so another agent in this JVM is not affected
    Map<String, String> before = new HashMap<>();
    boolean monitored =
        monitoring.containsKey("flume.monitoring.type")
            && !"0".equals(monitoring.get("flume.monitoring.port"));
    if (monitored) {
      monitoring.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
    }
    try {
      application.handleConfigurationEvent(provider.getConfiguration());
    } finally {
      before.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
    application.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int port : new int[] {avroPort(), httpPort(), sparkSinkPort()}) {
      awaitListening(port, deadline);
    }
    if (monitored) {
      awaitListening(Integer.parseInt(monitoring.get("flume.monitoring.port")), deadline);
    }
    LOG.info(
        "Flume agent up in {} ms: avro {}, http {}, SparkSink {}, data {}{}",
        (System.nanoTime() - t0) / 1_000_000,
        avroPort(),
        httpPort(),
        sparkSinkAddress(),
        dataDir,
        monitored
            ? ", monitoring http://"
                + connectHost(vars.get("bind"))
                + ":"
                + monitoring.get("flume.monitoring.port")
                + "/metrics"
            : "");
    return this;
  }

  public FlumeAgent start() {
    return start(Duration.ofSeconds(30));
  }

  /** Stops all sources, channels and sinks (the file channels keep what was not yet taken). */
  public synchronized void stop() {
    if (application != null) {
      application.stop();
      application = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  public int avroPort() {
    return Integer.parseInt(vars.get("avroPort"));
  }

  public int httpPort() {
    return Integer.parseInt(vars.get("httpPort"));
  }

  public int sparkSinkPort() {
    return Integer.parseInt(vars.get("sinkPort"));
  }

  /** {@code host:port} for {@code FlumeIO.read().withSinkAddresses(...)}. */
  public String sparkSinkAddress() {
    return connectHost(vars.get("sinkBind")) + ":" + sparkSinkPort();
  }

  /** {@code http://host:port/} for the tracker's {@code endpoint}. */
  public String httpEndpoint() {
    return "http://" + connectHost(vars.get("bind")) + ":" + httpPort() + "/";
  }

  /** Flume's HTTP monitoring, {@code http://host:port/metrics}, if it is on. */
  public java.util.Optional<String> monitoringEndpoint() {
    String port = vars.get("monitoringPort");
    return port == null || port.equals("0")
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "http://" + connectHost(vars.get("bind")) + ":" + port + "/metrics");
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where the dead-letter sink writes its JSON lines. */
  public Path deadLetterDir() {
    return dataDir.resolve("deadletter");
  }

  private static String connectHost(String bind) {
    return bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
  }

  /**
   * Writes the configuration with its placeholders filled, less the {@code flume.monitoring.*}
   * lines, which go to {@code monitoring} (Flume takes them as system properties, not from the
   * agent's file).
   */
  private Path writeResolvedConfig(Map<String, String> monitoring) {
    try {
      for (String dir : new String[] {"deadletter", "accesslog"}) {
        Files.createDirectories(dataDir.resolve(dir));
      }
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = vars.get(m.group(1));
        if (value == null) {
          throw new IllegalArgumentException(
              "agent configuration uses ${" + m.group(1) + "} but no value is set");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      StringBuilder agentOnly = new StringBuilder();
      for (String line : out.toString().split("\n", -1)) {
        Matcher mon = MONITORING_LINE.matcher(line);
        if (mon.matches()) {
          monitoring.put(mon.group(1), mon.group(2));
        } else {
          agentOnly.append(line).append('\n');
        }
      }
      Path file = dataDir.resolve("agent.properties");
      Files.writeString(file, agentOnly, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(int port, long deadlineNanos) {
    String host = connectHost(vars.get("bind"));
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadlineNanos) {
          stop();
          throw new IllegalStateException(
              "Flume agent: nothing listens on "
                  + host
                  + ":"
                  + port
                  + " before the start timeout; see the Flume log lines above for the failing component");
        }
        try {
          Thread.sleep(50); // polling a port: there is no callback to wait on
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the Flume agent", e);
        }
      }
    }
  }

  /** A port that was free a moment ago, for tests and for several agents on one host. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds an agent; every setter fills one placeholder of the configuration. */
  public static final class Builder {
    private String template;
    private Path dataDir;
    private final Map<String, String> vars =
        new LinkedHashMap<>(
            Map.of(
                "bind", "127.0.0.1",
                "avroPort", "41414",
                "httpPort", "41415",
                "sinkBind", "127.0.0.1",
                "sinkPort", "41416",
                "extraSources", "",
                "accessLogFiles", "/var/log/nginx/access\\.log",
                "allowedOrigins", "*",
                "sinkTimeoutSeconds", "120",
                "monitoringPort", "0"));

    /**
     * A properties file with {@code ${name}} placeholders (default: the bundled
     * clicktrends-agent.properties).
     */
    public Builder configFile(Path file) {
      try {
        this.template = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Required: file channels, position file and dead-letter files live here. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir.toAbsolutePath();
      return set("dataDir", this.dataDir.toString());
    }

    /**
     * Address the sources and the SparkSink listen on: 127.0.0.1 (default) for this host only; an
     * interface's address, or 0.0.0.0 for all, when web servers or Spark executors on other hosts
     * must reach it (the SparkSink has no authentication: keep it on a private network).
     */
    public Builder bind(String host) {
      return set("bind", host).set("sinkBind", host);
    }

    public Builder avroPort(int port) {
      return set("avroPort", Integer.toString(port));
    }

    public Builder httpPort(int port) {
      return set("httpPort", Integer.toString(port));
    }

    public Builder sparkSinkPort(int port) {
      return set("sinkPort", Integer.toString(port));
    }

    /** Picks three free ports (tests, several agents on one host). */
    public Builder freePorts() {
      return avroPort(freePort()).httpPort(freePort()).sparkSinkPort(freePort());
    }

    /**
     * Enables the TAILDIR source on files matching {@code fileRegex} (Flume's filegroup syntax:
     * dir/regex).
     */
    public Builder accessLogs(String fileRegex) {
      return set("extraSources", "accesslog").set("accessLogFiles", fileRegex);
    }

    public Builder allowedOrigins(String commaSeparated) {
      return set("allowedOrigins", commaSeparated);
    }

    /**
     * Seconds a handed-out batch may stay unacknowledged before the SparkSink redelivers it
     * (default 120).
     */
    public Builder sinkTimeoutSeconds(int seconds) {
      return set("sinkTimeoutSeconds", Integer.toString(seconds));
    }

    /**
     * Flume's HTTP monitoring on {@code port} (JSON of every counter group at {@code /metrics}; the
     * documented port is {@link #DEFAULT_MONITORING_PORT}); 0, the default, leaves it off. Flume's
     * server listens on every interface.
     */
    public Builder monitoringPort(int port) {
      return set("monitoringPort", Integer.toString(port));
    }

    /** Any other placeholder of a custom configuration file. */
    public Builder set(String name, String value) {
      vars.put(name, value);
      return this;
    }

    public FlumeAgent build() {
      if (dataDir == null) {
        throw new IllegalArgumentException("FlumeAgent needs a dataDir");
      }
      String t = template;
      if (t == null) {
        try (InputStream in = FlumeAgent.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE)) {
          if (in == null) {
            throw new IllegalStateException(DEFAULT_CONFIG_RESOURCE + " is not on the classpath");
          }
          t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return new FlumeAgent(t, new HashMap<>(vars), dataDir);
    }
  }
}
