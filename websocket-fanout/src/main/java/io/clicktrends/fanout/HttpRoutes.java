package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Plain HTTP: the dashboard's static files, the health checks and /metrics. Everything else is 404.
 *
 * <ul>
 *   <li>{@code /health/live} (and {@code /health}, its alias): 200 while the process serves HTTP;
 *   <li>{@code /health/ready}: 200 when the broker consumer is connected and trends are not stale,
 *       i.e. unless trends had been arriving and none arrived for {@code --readinessStaleAfter};
 *       503 otherwise;
 * </ul>
 *
 * Both answer a JSON object with the same fields ({@code status}, {@code brokerConnected}, {@code
 * clients}, {@code dimensions}, {@code lastUpdateAgeSeconds}, {@code lastArrivalAgeSeconds}, {@code
 * ready}, {@code reasons}).
 */
final class HttpRoutes extends Handler.Abstract.NonBlocking {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Scripts only from this origin, no inline script: a key that slips into markup still cannot run.
   */
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; "
          + "connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

  private record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> assets =
      Map.of(
          "/", load("index.html", "text/html; charset=utf-8"),
          "/index.html", load("index.html", "text/html; charset=utf-8"),
          "/app.js", load("app.js", "text/javascript; charset=utf-8"),
          "/style.css", load("style.css", "text/css; charset=utf-8"),
          "/vendor/uplot/uPlot.iife.min.js",
              load("vendor/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
          "/vendor/uplot/uPlot.min.css",
              load("vendor/uplot/uPlot.min.css", "text/css; charset=utf-8"),
          "/vendor/uplot/LICENSE", load("vendor/uplot/LICENSE", "text/plain; charset=utf-8"));
  private final Hub hub;
  private final Metrics metrics;
  private final BooleanSupplier brokerConnected;
  private final long staleAfterNanos;

  HttpRoutes(Hub hub, Metrics metrics, BooleanSupplier brokerConnected, long staleAfterNanos) {
    this.hub = hub;
    this.metrics = metrics;
    this.brokerConnected = brokerConnected;
    this.staleAfterNanos = staleAfterNanos;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      Response.writeError(request, response, callback, 405);
      return true;
    }
    if (path.equals("/health") || path.equals("/health/live") || path.equals("/health/ready")) {
      long now = System.nanoTime();
      boolean connected = brokerConnected.getAsBoolean();
      long lastArrival = metrics.lastArrivalNanos.get();
      boolean stale = lastArrival != 0 && now - lastArrival > staleAfterNanos;
      boolean ready = connected && !stale;
      ObjectNode n = MAPPER.createObjectNode();
      n.put("status", ready ? "ok" : "degraded");
      n.put("ready", ready);
      ArrayNode reasons = n.putArray("reasons");
      if (!connected) {
        reasons.add("not connected to the broker");
      }
      if (stale) {
        reasons.add(
            "no trend arrived for "
                + (now - lastArrival) / 1_000_000_000L
                + " s (limit "
                + staleAfterNanos / 1_000_000_000L
                + " s)");
      }
      n.put("brokerConnected", connected);
      n.put("clients", hub.clients());
      n.put("dimensions", hub.dimensions());
      age(n, "lastUpdateAgeSeconds", metrics.lastUpdateNanos.get(), now);
      age(n, "lastArrivalAgeSeconds", lastArrival, now);
      // liveness answers 200 whenever it answers; readiness 503 lets a load balancer or
      // orchestrator take this
      // instance out while it gets no trends
      int status = path.equals("/health/ready") && !ready ? 503 : 200;
      respond(
          response,
          callback,
          status,
          "application/json",
          n.toString().getBytes(StandardCharsets.UTF_8));
      return true;
    }
    if (path.equals("/metrics")) {
      respond(response, callback, 200, metrics.contentType(), metrics.scrape());
      return true;
    }
    Asset a = assets.get(path);
    if (a == null) {
      Response.writeError(request, response, callback, 404);
      return true;
    }
    response.getHeaders().put("Content-Security-Policy", CSP);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    respond(response, callback, 200, a.contentType(), a.bytes());
    return true;
  }

  private static void age(ObjectNode n, String field, long nanos, long now) {
    if (nanos == 0) {
      n.putNull(field);
    } else {
      n.put(field, (now - nanos) / 1e9);
    }
  }

  private static void respond(
      Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static Asset load(String name, String type) {
    try (InputStream in = HttpRoutes.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource web/" + name);
      }
      return new Asset(in.readAllBytes(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
