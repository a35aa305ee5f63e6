package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A real WebSocket client (Jetty's) collecting the JSON messages it receives. Not the JDK's
 * java.net.http client: about one connection in a hundred fails with a ProtocolException there when
 * the server's first frame (our snapshot) follows the 101 response at once, which browsers handle
 * fine. Public because Jetty binds the listener methods by reflection.
 */
public final class WsClient implements Session.Listener, AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final WebSocketClient CLIENT = startClient();

  final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final boolean reading;
  private volatile Session session;
  private volatile Throwable error;

  private WsClient(boolean reading) {
    this.reading = reading;
  }

  private static WebSocketClient startClient() {
    WebSocketClient client = new WebSocketClient();
    client.setMaxTextMessageSize(64 * 1024 * 1024); // snapshots of the bulk tests are large
    client.setConnectTimeout(5_000);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the WebSocket client", e);
    }
    return client;
  }

  /** A client that reads everything. */
  static WsClient connect(URI wsUri) throws Exception {
    return connect(wsUri, null, true);
  }

  /**
   * reading=false: a client that never asks for a single frame, so it stops reading the socket. A
   * refused upgrade throws Jetty's UpgradeException, which carries the HTTP status.
   */
  static WsClient connect(URI wsUri, String origin, boolean reading) throws Exception {
    WsClient c = new WsClient(reading);
    ClientUpgradeRequest request = new ClientUpgradeRequest();
    if (origin != null) {
      request.setHeader("Origin", origin);
    }
    try {
      CLIENT.connect(c, wsUri, request).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
    return c;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    session = s;
    if (reading) {
      s.demand();
    }
  }

  @Override
  public void onWebSocketText(String text) {
    try {
      messages.add(MAPPER.readTree(text));
    } catch (Exception e) {
      error = new AssertionError("server sent invalid JSON: " + text, e);
    }
    session.demand();
  }

  @Override
  public void onWebSocketError(Throwable e) {
    error = e;
  }

  private AssertionError nothingWithin(String what, Duration timeout) {
    return new AssertionError(
        "no "
            + what
            + " within "
            + timeout
            + (error == null ? "" : " (the connection failed: " + error + ")"),
        error);
  }

  /** The next message other than a heartbeat, waiting at most {@code timeout} in total. */
  JsonNode next(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode m = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw nothingWithin("message", timeout);
      }
      if (!"heartbeat".equals(m.path("type").asText())) {
        return m;
      }
    }
  }

  /** Skips messages until one of {@code type} arrives, within {@code timeout} in total. */
  JsonNode nextOfType(String type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode m = messages.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw nothingWithin(type + " message", timeout);
      }
      if (type.equals(m.path("type").asText())) {
        return m;
      }
    }
  }

  void send(String text) throws Exception {
    Callback.Completable sent = new Callback.Completable();
    session.sendText(text, sent);
    sent.get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }
}
