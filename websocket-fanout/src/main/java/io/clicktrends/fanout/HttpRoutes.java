package io.clicktrends.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Plain HTTP: the dashboard's three static files, /health and /metrics. Everything else is 404. */
final class HttpRoutes extends Handler.Abstract.NonBlocking {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Scripts only from this origin, no inline script: a key that slips into markup still cannot run. */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

  private record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> assets = Map.of(
      "/", load("index.html", "text/html; charset=utf-8"),
      "/index.html", load("index.html", "text/html; charset=utf-8"),
      "/app.js", load("app.js", "text/javascript; charset=utf-8"),
      "/style.css", load("style.css", "text/css; charset=utf-8"));
  private final Hub hub;
  private final Metrics metrics;
  private final BooleanSupplier brokerConnected;

  HttpRoutes(Hub hub, Metrics metrics, BooleanSupplier brokerConnected) {
    this.hub = hub;
    this.metrics = metrics;
    this.brokerConnected = brokerConnected;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      Response.writeError(request, response, callback, 405);
      return true;
    }
    if (path.equals("/health")) {
      boolean up = brokerConnected.getAsBoolean();
      ObjectNode n = MAPPER.createObjectNode();
      n.put("status", up ? "ok" : "degraded");
      n.put("brokerConnected", up);
      n.put("clients", hub.clients());
      n.put("dimensions", hub.dimensions());
      long last = metrics.lastUpdateNanos.get();
      if (last == 0) {
        n.putNull("lastUpdateAgeSeconds");
      } else {
        n.put("lastUpdateAgeSeconds", (System.nanoTime() - last) / 1e9);
      }
      // 503 lets a load balancer or orchestrator see that this instance gets no trends
      respond(response, callback, up ? 200 : 503, "application/json", n.toString().getBytes());
      return true;
    }
    if (path.equals("/metrics")) {
      respond(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
          metrics.prometheus(hub::clients, brokerConnected).getBytes());
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

  private static void respond(Response response, Callback callback, int status, String type, byte[] body) {
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
