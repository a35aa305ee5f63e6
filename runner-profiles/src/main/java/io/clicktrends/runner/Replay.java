package io.clicktrends.runner;

import io.clicktrends.cli.Cli;
import io.clicktrends.pipeline.ParseClickLines;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Sends a clickstream file to a Flume agent in event-time order, at N times real time, with a
 * progress line: {@code bin/clicktrends replay FILE [--speed N] [--to avro://host:41414 |
 * http://host:41415]}. Each event goes as its JSON form, exactly as the tracker would send it.
 */
public final class Replay {
  private static final int BATCH = 100;

  private final List<ClickEvent> events;
  private final double speed;
  private final URI to;

  public Replay(List<ClickEvent> events, double speed, URI to) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("--speed=" + speed + " must be positive");
    }
    if (!"avro".equals(to.getScheme()) && !"http".equals(to.getScheme())) {
      throw new IllegalArgumentException(
          "--to=" + to + " must be avro://host:port or http://host:port");
    }
    this.events = events;
    this.speed = speed;
    this.to = to;
  }

  /**
   * Reads a JSON-lines or YOOCHOOSE TSV file, sorted by event time; a line that is not a valid
   * click is reported (a count per reason on stderr) and skipped, and the rest go on: no one line
   * (bad UTF-8, a value out of range, two objects) stops the replay. A leading byte-order mark is
   * ignored.
   */
  public static List<ClickEvent> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, Integer> skipped = new TreeMap<>();
    List<ClickEvent> out = read(bytes, System.currentTimeMillis(), skipped);
    if (!skipped.isEmpty()) {
      System.err.printf(
          "replay: skipped %d lines of %s that are not valid clicks: %s%n",
          skipped.values().stream().mapToInt(Integer::intValue).sum(), file, skipped);
    }
    return out;
  }

  /**
   * The valid clicks of a file's bytes, sorted by event time; {@code skipped} gets a count per
   * reason of the others. Lines end at LF (a CR before it is whitespace); each is decoded as strict
   * UTF-8 on its own, so one bad byte costs its line only (Files.readAllLines would throw for the
   * whole file).
   */
  static List<ClickEvent> read(byte[] bytes, long nowMillis, Map<String, Integer> skipped) {
    List<ClickEvent> out = new ArrayList<>();
    int start = ClickEventJson.startsWithBom(bytes) ? 3 : 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      ParseResult r;
      try {
        String line =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, start, end - start))
                .toString();
        r = ParseClickLines.parseLine(line, nowMillis);
      } catch (CharacterCodingException e) {
        r = ParseResult.rejected(RejectReason.INVALID_UTF8, "line is not valid UTF-8");
      } catch (
          RuntimeException e) { // parseLine never throws; if it ever does, it costs this line only
        r = ParseResult.rejected(Rejection.internalError("Replay", e));
      }
      start = end + 1;
      if (r == null) {
        continue;
      }
      if (r.isValid()) {
        out.add(r.event());
      } else {
        skipped.merge(r.rejection().reason().name(), 1, Integer::sum);
      }
    }
    out.sort(Comparator.comparing(ClickEvent::getEventTime).thenComparing(ClickEvent::getEventId));
    return out;
  }

  /** Sends every event; returns how many were sent. Paces by event time divided by the speed. */
  public long run() throws Exception {
    if (events.isEmpty()) {
      return 0;
    }
    try (Sender sender = "avro".equals(to.getScheme()) ? new AvroSender(to) : new HttpSender(to)) {
      long firstEventTime = events.get(0).getEventTime().toEpochMilli();
      long start = System.nanoTime();
      long lastProgress = 0;
      List<ClickEvent> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < events.size(); i++) {
        ClickEvent e = events.get(i);
        long dueNanos = (long) ((e.getEventTime().toEpochMilli() - firstEventTime) / speed * 1e6);
        long waitNanos = dueNanos - (System.nanoTime() - start);
        if (waitNanos > 0) {
          if (!batch.isEmpty()) {
            sender.send(batch);
            batch.clear();
          }
          java.util.concurrent.locks.LockSupport.parkNanos(
              waitNanos); // pacing, not synchronisation
        }
        batch.add(e);
        if (batch.size() == BATCH) {
          sender.send(batch);
          batch.clear();
        }
        long now = System.nanoTime();
        if (now - lastProgress > 1_000_000_000L || i == events.size() - 1) {
          lastProgress = now;
          double secs = (now - start) / 1e9;
          System.err.printf(
              "\rreplay: %,d/%,d events  %,.0f events/s  event time %s   ",
              i + 1, events.size(), (i + 1) / Math.max(secs, 1e-3), e.getEventTime());
        }
      }
      if (!batch.isEmpty()) {
        sender.send(batch);
      }
      System.err.println();
    }
    return events.size();
  }

  interface Sender extends AutoCloseable {
    void send(List<ClickEvent> batch) throws Exception;
  }

  /** Flume's own RpcClient to the Avro source, as a server-side tracker would use it. */
  static final class AvroSender implements Sender {
    private final RpcClient client;

    AvroSender(URI to) {
      client =
          RpcClientFactory.getDefaultInstance(
              to.getHost(), to.getPort() < 0 ? 41414 : to.getPort(), BATCH);
    }

    @Override
    public void send(List<ClickEvent> batch) throws EventDeliveryException {
      List<Event> events = new ArrayList<>(batch.size());
      for (ClickEvent e : batch) {
        events.add(EventBuilder.withBody(ClickEventJson.toJson(e), StandardCharsets.UTF_8));
      }
      client.appendBatch(events);
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** The HTTP source, as the browser tracker uses it: a JSON array per POST. */
  static final class HttpSender implements Sender {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI endpoint;

    HttpSender(URI to) {
      endpoint =
          URI.create(
              "http://" + to.getHost() + ":" + (to.getPort() < 0 ? 41415 : to.getPort()) + "/");
    }

    @Override
    public void send(List<ClickEvent> batch) throws Exception {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < batch.size(); i++) {
        body.append(i == 0 ? "" : ",").append(ClickEventJson.toJson(batch.get(i)));
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("HTTP source answered " + r.statusCode() + ": " + r.body());
      }
    }

    @Override
    public void close() {}
  }

  /** {@code bin/clicktrends replay}: see {@link ReplayCommand}. */
  public static void main(String[] args) {
    int code = Cli.execute(new ReplayCommand(), args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      showDefaultValues = true,
      description =
          "Sends a clickstream file (JSON lines or YOOCHOOSE TSV) to a Flume agent in event-time order, at"
              + " N times real time; lines that are not valid clicks are counted per reason and skipped.")
  static final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The clickstream file.")
    Path file;

    @Option(
        names = "--speed",
        paramLabel = "N",
        description = "Times real time (event-time gaps are divided by it).")
    double speed = 600;

    @Option(
        names = "--to",
        paramLabel = "URI",
        description =
            "avro://host:port (the agent's Avro source) or"
                + " http://host:port (its HTTP source).")
    URI to = URI.create("avro://127.0.0.1:41414");

    @Override
    public Integer call() throws Exception {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException(file + ": no such readable file");
      }
      Replay replay =
          new Replay(List.of(), speed, to); // validates --speed and --to before the file is read
      List<ClickEvent> events = read(file);
      System.err.printf(
          "replay: %,d events from %s to %s at %sx, event time %s .. %s%n",
          events.size(),
          file,
          to,
          speed,
          events.isEmpty() ? "-" : events.get(0).getEventTime(),
          events.isEmpty() ? "-" : events.get(events.size() - 1).getEventTime());
      try {
        new Replay(events, replay.speed, to).run();
      } catch (org.apache.flume.FlumeException | IOException e) {
        System.err.println("clicktrends replay: cannot send to " + to + ": " + e.getMessage());
        return 1;
      }
      return 0;
    }
  }
}
