package io.clicktrends.runner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.flume.agent.FlumeAgent;
import io.clicktrends.pipeline.ClicktrendsOptions;
import io.clicktrends.pipeline.ClicktrendsPipeline;
import io.clicktrends.pipeline.ReferenceComputation;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.pipeline.TrendText;
import io.clicktrends.schema.AmqpDefaults;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.EventType;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import io.clicktrends.testdata.YoochooseSample;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.apache.beam.sdk.PipelineResult;
import org.apache.flume.Event;
import org.apache.flume.api.RpcClient;
import org.apache.flume.api.RpcClientFactory;
import org.apache.flume.event.EventBuilder;
import org.junit.Test;

/**
 * The whole streaming path on the classic SparkRunner in {@code local[2]}: a real Flume agent
 * (in-process, free ports), FlumeIO, the default (incremental) engine, RabbitMQ. Events (a minute
 * of recent clicks; a burst of two days of old ones, as a replay sends them) are sent in order with
 * Flume's RpcClient; the last trend received per (dimension, window) must equal the reference
 * computation's final result, and every event must be acked once. Run with {@code mvn -o verify -f
 * runner-profiles/pom.xml -Pspark-it}.
 */
public class SparkStreamingIT {
  private static final long DEADLINE_MS = 240_000;

  /**
   * What a case sends (all at once, in this order), and the windows compared: those ending by
   * {@code compareUntil}.
   */
  private record Workload(List<ClickEvent> events, Instant compareUntil) {}

  @Test(timeout = 420_000)
  public void flumeToSparkStreamingToRabbitMqEqualsTheReference() throws Exception {
    run(recentClicks(), "--windowSize=20s", "--windowSlide=10s");
  }

  /**
   * A replay: the first 8,000 of the YOOCHOOSE sample's old clicks (2014, two days of event time)
   * sent in one burst, so the source reads days of event time within a few micro-batches. One click
   * an hour later closes every window of the burst (a replay that stops leaves the last windows to
   * the idle watermark, which follows the wall clock); the windows it opens are not compared.
   */
  @Test(timeout = 420_000)
  public void aBurstOfHoursOfOldClicksEqualsTheReference() throws Exception {
    run(aBurstOfOldClicks(), "--windowSize=10m", "--windowSlide=1m", "--rankingShards=3");
  }

  /** One minute of event time ending 15 s ago, in order, every 200 ms; a small skewed key space. */
  private static Workload recentClicks() {
    long now = System.currentTimeMillis();
    long end = now - 15_000;
    long start = end - 60_000;
    List<ClickEvent> events = new ArrayList<>();
    Random rnd = new Random(42);
    EventType[] types = {
      EventType.product_view,
      EventType.add_to_cart,
      EventType.search,
      EventType.category_view,
      EventType.purchase
    };
    for (long t = start; t < end; t += 200) {
      EventType type = types[rnd.nextInt(types.length)];
      String key = "k" + (int) Math.floor(Math.pow(rnd.nextDouble(), 2) * 6);
      ClickEvent.Builder b =
          ClickEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setEventTime(Instant.ofEpochMilli(t))
              .setType(type)
              .setSessionId("s" + rnd.nextInt(20))
              .setIngestTime(Instant.ofEpochMilli(now));
      switch (type) {
        case search -> b.setQuery(key);
        case category_view -> b.setCategory(key);
        default -> b.setProductId(key);
      }
      events.add(b.build());
    }
    return new Workload(events, Instant.MAX);
  }

  /**
   * The eventIds in every Avro file under the archive, published or in progress (its complete
   * blocks).
   */
  private static Set<String> archivedIds(Path archive) throws java.io.IOException {
    Set<String> ids = new HashSet<>();
    List<Path> files;
    try (java.util.stream.Stream<Path> walk = Files.walk(archive)) {
      files = walk.filter(f -> f.toString().endsWith(".avro")).toList();
    }
    for (Path f : files) {
      try (org.apache.avro.file.DataFileStream<ClickEvent> in =
          new org.apache.avro.file.DataFileStream<>(
              Files.newInputStream(f),
              new org.apache.avro.specific.SpecificDatumReader<>(ClickEvent.class))) {
        in.forEach(e -> ids.add(e.getEventId().toString()));
      }
    }
    return ids;
  }

  private static Workload aBurstOfOldClicks() {
    List<ClickEvent> sample = YoochooseSample.readSorted(YoochooseSample.locate());
    List<ClickEvent> events = new ArrayList<>(sample.subList(0, 8_000));
    ClickEvent last = events.get(events.size() - 1);
    Instant closing = last.getEventTime().plusSeconds(3_600);
    events.add(
        ClickEvent.newBuilder(last)
            .setEventId("closing-" + UUID.randomUUID())
            .setEventTime(closing)
            .build());
    return new Workload(events, closing);
  }

  private void run(Workload workload, String... windowArgs) throws Exception {
    long t0 = System.nanoTime();
    Path dataDir = Files.createTempDirectory("clicktrends-spark-it");
    String exchange = "clicktrends.it.spark." + UUID.randomUUID();
    try (FlumeAgent agent =
            FlumeAgent.builder()
                .dataDir(dataDir.resolve("flume"))
                .bind("127.0.0.1")
                .freePorts()
                .build()
                .start();
        AmqpBrokerResolver.ResolvedBroker broker =
            AmqpBrokerResolver.resolve(AmqpDefaults.DEFAULT_URI)) {
      log(
          t0,
          "agent up at "
              + agent.sparkSinkAddress()
              + ", broker "
              + (broker.isEmbedded() ? "embedded" : "RabbitMQ"));

      // The consumer: a private queue bound to the test exchange before anything is published.
      ConnectionFactory cf = new ConnectionFactory();
      cf.setUri(broker.uri());
      Map<String, Trend> lastPerWindow = new ConcurrentHashMap<>();
      AtomicInteger received = new AtomicInteger();
      try (Connection conn = cf.newConnection("spark-it");
          Channel ch = conn.createChannel()) {
        ch.exchangeDeclare(exchange, "topic", true);
        String queue = ch.queueDeclare().getQueue();
        ch.queueBind(queue, exchange, "trend.#");
        DeliverCallback onMessage =
            (tag, delivery) -> {
              Trend t = TrendJson.fromJson(new String(delivery.getBody(), StandardCharsets.UTF_8));
              received.incrementAndGet();
              lastPerWindow.merge(
                  TrendText.windowId(t),
                  t,
                  (old, now) -> now.getPaneIndex() >= old.getPaneIndex() ? now : old);
            };
        ch.basicConsume(queue, true, onMessage, tag -> {});

        ClicktrendsOptions options =
            ClicktrendsPipeline.parse(
                concat(
                    new String[] {
                      "--runner=SparkRunner",
                      "--streaming=true",
                      "--sparkMaster=local[2]",
                      "--checkpointDir=" + dataDir.resolve("checkpoint"),
                      "--batchIntervalMillis=1000",
                      "--flumeSinks=" + agent.sparkSinkAddress(),
                      "--rabbitmqUri=" + broker.uri(),
                      "--exchange=" + exchange
                    },
                    concat(
                        new String[] {
                          "--archivePath=" + dataDir.resolve("archive"),
                          "--allowedLateness=0s",
                          "--topK=3"
                        },
                        windowArgs)));
        PipelineResult result = ClicktrendsPipeline.build(options).run();
        log(t0, "pipeline started: " + result.getState());
        try {
          List<ClickEvent> events = workload.events();
          long start = events.get(0).getEventTime().toEpochMilli();
          long end = events.get(events.size() - 1).getEventTime().toEpochMilli();
          RpcClient client =
              RpcClientFactory.getDefaultInstance("127.0.0.1", agent.avroPort(), 100);
          try {
            List<Event> batch = new ArrayList<>();
            for (ClickEvent e : events) {
              batch.add(EventBuilder.withBody(ClickEventJson.toJson(e), StandardCharsets.UTF_8));
            }
            client.appendBatch(batch);
          } finally {
            client.close();
          }
          log(
              t0,
              "sent "
                  + events.size()
                  + " events, event time "
                  + Instant.ofEpochMilli(start)
                  + " .. "
                  + Instant.ofEpochMilli(end));

          // Every event arrives in order within the 5 s out-of-orderness, so none is late: the
          // final result of every
          // window is all of its events.
          List<ReferenceComputation.Arrival> arrivals = new ArrayList<>();
          for (ClickEvent e : events) {
            arrivals.add(new ReferenceComputation.Arrival(e, Long.MIN_VALUE));
          }
          TrendConfig config = TrendConfig.from(options);
          Map<String, String> expected =
              new TreeMap<>(
                  ReferenceComputation.compute(arrivals, config, ReferenceComputation.Cut.FINAL));
          expected.keySet().removeIf(id -> !endsBy(id, workload.compareUntil()));

          long deadline = System.currentTimeMillis() + DEADLINE_MS;
          long firstTrendAt = -1;
          Map<String, String> actual = actualOf(lastPerWindow, workload.compareUntil());
          while (!actual.equals(expected) && System.currentTimeMillis() < deadline) {
            if (firstTrendAt < 0 && received.get() > 0) {
              firstTrendAt = System.nanoTime();
              log(t0, "first trend received");
            }
            assertTrue("pipeline stopped: " + result.getState(), !result.getState().isTerminal());
            result.waitUntilFinish(
                org.joda.time.Duration.millis(500)); // returns RUNNING after the wait: a poll
            actual = actualOf(lastPerWindow, workload.compareUntil());
          }
          log(
              t0,
              "received "
                  + received.get()
                  + " trends for "
                  + actual.size()
                  + " windows (expected "
                  + expected.size()
                  + ")");
          assertEquals(diff(expected, actual), expected, actual);
          assertTrue(received.get() >= expected.size());
          log(t0, "final trends equal the reference computation");

          // The SparkSink commits a batch's take from the stream channel only when FlumeIO acks it,
          // and FlumeIO
          // acks only in finalizeCheckpoint: every event committed once proves Spark finalized the
          // checkpoints.
          long acksDeadline = System.currentTimeMillis() + 60_000;
          while (streamChannelTakes() < events.size()
              && System.currentTimeMillis() < acksDeadline) {
            result.waitUntilFinish(org.joda.time.Duration.millis(200));
          }
          assertEquals(
              "events acked (taken from the stream channel and committed)",
              events.size(),
              streamChannelTakes());
          log(t0, "all " + events.size() + " events acked once through finalized checkpoints");

          // The archive makes a bundle durable before it commits, so every acked event is on disk
          // by now (in a
          // published file or one still in _inprogress/, before its roll).
          Set<String> sentIds = new HashSet<>();
          events.forEach(e -> sentIds.add(e.getEventId().toString()));
          Set<String> archived = archivedIds(dataDir.resolve("archive"));
          sentIds.removeAll(archived);
          assertEquals("acked events missing from the archive", Set.of(), sentIds);
          log(t0, "every acked event is in the archive (" + archived.size() + " distinct ids)");
        } finally {
          long c = System.nanoTime();
          try {
            result.cancel();
          } catch (Exception e) {
            log(t0, "cancel: " + e);
          }
          log(
              t0,
              "cancelled in " + (System.nanoTime() - c) / 1_000_000 + " ms: " + result.getState());
          ch.exchangeDelete(exchange);
        }
      }
    }
  }

  /**
   * The in-process agent's counter of events whose take from the {@code stream} channel committed.
   */
  private static long streamChannelTakes() throws Exception {
    return (Long)
        ManagementFactory.getPlatformMBeanServer()
            .getAttribute(
                new ObjectName("org.apache.flume.channel:type=stream"), "EventTakeSuccessCount");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static Map<String, String> actualOf(
      Map<String, Trend> lastPerWindow, Instant compareUntil) {
    Map<String, String> out = new TreeMap<>();
    lastPerWindow.forEach(
        (id, t) -> {
          if (!t.getWindowEnd().isAfter(compareUntil)) {
            out.put(id, TrendText.content(t));
          }
        });
    return out;
  }

  /**
   * A window id ({@code dimension start/end}, with {@code " rising"} after a rising trend's; see
   * TrendText) ends by {@code until}.
   */
  private static boolean endsBy(String windowId, Instant until) {
    String end = windowId.substring(windowId.lastIndexOf('/') + 1);
    int space = end.indexOf(' ');
    return !Instant.parse(space < 0 ? end : end.substring(0, space)).isAfter(until);
  }

  private static String diff(Map<String, String> expected, Map<String, String> actual) {
    StringBuilder sb = new StringBuilder("trends differ from the reference:\n");
    TreeMap<String, String> all = new TreeMap<>(expected);
    actual.forEach(all::putIfAbsent);
    all.keySet()
        .forEach(
            id -> {
              String e = expected.get(id);
              String a = actual.get(id);
              if (e == null || !e.equals(a)) {
                sb.append("  ")
                    .append(id)
                    .append(": expected ")
                    .append(e)
                    .append(", got ")
                    .append(a)
                    .append('\n');
              }
            });
    return sb.toString();
  }

  private static void log(long t0, String what) {
    System.out.printf("[spark-it +%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, what);
  }
}
