package io.clicktrends.fanout;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out service: RabbitMQ trends in, WebSocket out, the dashboard at /.
 *
 * <pre>{@code
 * java -cp ... io.clicktrends.fanout.FanoutServer --port=8080 --rabbitmqUri=amqp://guest:guest@127.0.0.1:5672
 * }</pre>
 *
 * In-process (local mode, tests): {@code try (FanoutServer s =
 * FanoutServer.start(FanoutConfig.builder().setRabbitmqUri(uri).build())) {...}}.
 */
public final class FanoutServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FanoutServer.class);

  private final Server jetty;
  private final TrendConsumer consumer;
  private final ScheduledExecutorService scheduler;
  private final Metrics metrics;
  private final Hub hub;

  private FanoutServer(
      Server jetty,
      TrendConsumer consumer,
      ScheduledExecutorService scheduler,
      Metrics metrics,
      Hub hub) {
    this.jetty = jetty;
    this.consumer = consumer;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.hub = hub;
  }

  /** Starts the HTTP server at once and the broker consumer in the background (it retries). */
  public static FanoutServer start(FanoutConfig config) throws Exception {
    Labels labels = config.labelsFile() == null ? Labels.NONE : Labels.load(config.labelsFile());
    if (config.labelsFile() != null) {
      LOG.info("{} labels from {}", labels.size(), config.labelsFile());
    }
    Metrics metrics = new Metrics();
    Hub hub = new Hub(metrics, labels, config.pingIntervalSeconds());
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "fanout-scheduler");
              t.setDaemon(true);
              return t;
            });
    TrendConsumer consumer =
        new TrendConsumer(config.rabbitmqUri(), config.exchange(), hub, metrics, scheduler);

    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(config.bindHost());
    connector.setPort(config.port());
    jetty.addConnector(connector);

    OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
    long stallNanos = TimeUnit.SECONDS.toNanos(config.stallTimeoutSeconds());
    WebSocketUpgradeHandler ws =
        WebSocketUpgradeHandler.from(
            jetty,
            container -> {
              // the keep-alive pings keep a healthy connection busier than this
              container.setIdleTimeout(Duration.ofSeconds(config.pingIntervalSeconds() * 4L));
              container.setMaxTextMessageSize(64 * 1024);
              container.addMapping(
                  "/ws",
                  (req, resp, callback) -> {
                    String origin = req.getHeaders().get("Origin");
                    if (!origins.allows(
                        origin, Request.getServerName(req), Request.getServerPort(req))) {
                      metrics.originRejected.inc();
                      LOG.warn(
                          "refused WebSocket upgrade from origin {} (allowed: this service's own page{})",
                          origin,
                          config.allowedOrigins().isEmpty()
                              ? ""
                              : " and " + config.allowedOrigins());
                      Response.writeError(req, resp, callback, 403, "origin not allowed");
                      return null;
                    }
                    return new ClientSession(hub, metrics, config.clientQueue(), stallNanos);
                  });
            });
    metrics.bind(hub::clients, consumer::isConnected);
    ws.setHandler(
        new HttpRoutes(
            hub,
            metrics,
            consumer::isConnected,
            TimeUnit.SECONDS.toNanos(config.readinessStaleAfterSeconds())));
    jetty.setHandler(ws);
    jetty.start();

    long ping = config.pingIntervalSeconds();
    long pongTimeout = TimeUnit.SECONDS.toNanos(2 * ping);
    scheduler.scheduleAtFixedRate(() -> hub.pingAll(pongTimeout), ping, ping, TimeUnit.SECONDS);
    consumer.start();
    FanoutServer server = new FanoutServer(jetty, consumer, scheduler, metrics, hub);
    LOG.info(
        "fan-out service listening on http://{}:{}/ (dashboard), /ws, /health/live, /health/ready, /metrics; {}",
        config.bindHost(),
        server.port(),
        config);
    return server;
  }

  /** The port actually bound (useful with --port=0). */
  public int port() {
    return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  public boolean isBrokerConnected() {
    return consumer.isConnected();
  }

  /** Waits until the service consumes from its queue (first connection); false on timeout. */
  public boolean awaitBrokerReady(Duration timeout) throws InterruptedException {
    return consumer.awaitReady(timeout);
  }

  public int clients() {
    return hub.clients();
  }

  String metricsText() {
    return new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
  }

  Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() throws Exception {
    consumer.close();
    scheduler.shutdownNow();
    jetty.stop();
    LOG.info("fan-out service stopped");
  }

  /** Blocks until the HTTP server has stopped. */
  void awaitStop() throws InterruptedException {
    jetty.join();
  }

  /** {@code bin/clicktrends fanout}: see {@link FanoutCommand}. */
  public static void main(String[] args) {
    int code = io.clicktrends.cli.Cli.execute(new FanoutCommand(), args);
    if (code != 0) {
      System.exit(code);
    }
  }
}
