package io.clicktrends.flume;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventAvro;
import io.clicktrends.schema.EventHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.spark.streaming.flume.sink.EventBatch;
import org.apache.spark.streaming.flume.sink.SparkSinkEvent;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one SparkSink. {@link #advance()} never blocks: connecting (with its handshake) runs on a
 * background thread and {@code getEventBatch} is an asynchronous call that may long-poll, so
 * advance() only looks whether an answer has arrived. Batches are acked only by {@link
 * FlumeCheckpointMark#finalizeCheckpoint()}; closing nacks what no mark references, so Flume hands
 * it out again, and leaves a waiting request with its connection to the next reader of the same
 * sink ({@link RequestHandoff}).
 */
final class FlumeReader extends UnboundedSource.UnboundedReader<List<ClickEvent>> {
  private static final Logger LOG = LoggerFactory.getLogger(FlumeReader.class);
  private static final long MIN_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final FlumeSource source;
  private final String address;
  private final FlumeSource.Settings settings;
  private final EventTimeWatermark watermark;
  private final Map<String, Schema> writerSchemas = new HashMap<>();

  // Events of currentBatch not yet emitted; a new batch is requested only when this is empty.
  private final Deque<ClickEvent> pending = new ArrayDeque<>();
  private String currentBatch;
  private boolean
      currentBatchInMark; // a mark carries currentBatch's rest: leave it to that mark's restored
  // reader
  private final List<String> emittedBatches =
      new ArrayList<>(); // fully emitted since the last mark

  private SinkConnection connection;
  private CompletableFuture<SinkConnection> connecting;
  private CompletableFuture<EventBatch> inFlight;
  private long inFlightSince; // when inFlight was sent
  private long
      inFlightCheckedAt; // when the connection under a long-waiting inFlight was last checked
  private long nextConnectAt;
  private long backoffMillis = MIN_BACKOFF_MILLIS;
  private int failedAttempts;

  private long emitted;
  private long undecodable;
  private List<ClickEvent> current;
  private long currentTimestamp;

  FlumeReader(
      FlumeSource source,
      String address,
      FlumeSource.Settings settings,
      FlumeCheckpointMark restoreFrom) {
    this.source = source;
    this.address = address;
    this.settings = settings;
    long now = System.currentTimeMillis();
    if (restoreFrom != null) {
      pending.addAll(restoreFrom.carriedEvents());
      currentBatch = restoreFrom.carriedBatch();
      currentBatchInMark = currentBatch != null;
    }
    this.watermark =
        new EventTimeWatermark(
            settings.maxOutOfOrdernessMillis(),
            settings.idleTimeoutMillis(),
            now,
            restoreFrom == null ? null : restoreFrom.watermark());
    RequestHandoff.Waiting left = RequestHandoff.take(address);
    if (left != null && left.opening() != null) {
      connecting = left.opening();
    } else if (left != null) {
      connection = left.connection();
      inFlight = left.request();
      inFlightSince = left.sentAt();
      inFlightCheckedAt = now;
    }
  }

  @Override
  public boolean start() {
    return advance();
  }

  /**
   * Emits the next record: up to {@code eventsPerRecord} fetched events. Once the fetched batch is
   * all emitted, the next getEventBatch goes out at once, so the sink fills it while the runner
   * processes this record.
   */
  @Override
  public boolean advance() {
    if (pending.isEmpty()) {
      poll();
    }
    if (pending.isEmpty()) {
      current = null;
      return false;
    }
    int n = Math.min(pending.size(), settings.eventsPerRecord());
    List<ClickEvent> record = new ArrayList<>(n);
    long now = System.currentTimeMillis();
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      ClickEvent next = pending.poll();
      long t = next.getEventTime().toEpochMilli();
      watermark.observe(t, now);
      earliest = Math.min(earliest, t);
      record.add(next);
    }
    current = record;
    currentTimestamp = earliest;
    emitted += n;
    if (pending.isEmpty()) {
      batchDone();
      poll();
    }
    return true;
  }

  private void batchDone() {
    if (currentBatch != null) {
      emittedBatches.add(currentBatch);
      currentBatch = null;
      currentBatchInMark = false;
    }
  }

  /** Moves the connection/request state machine one step without blocking. */
  private void poll() {
    long now = System.currentTimeMillis();
    if (connection == null && !connect(now)) {
      return;
    }
    if (inFlight == null) {
      int n = (int) Math.min(settings.batchSize(), settings.maxRecordsHint() - emitted);
      if (n <= 0) {
        return; // a bounded read has all it asked for: fetching more would only strand events
      }
      try {
        inFlight = connection.requestBatch(n);
        inFlightSince = now;
        inFlightCheckedAt = now;
      } catch (IOException | RuntimeException e) {
        connectionLost("getEventBatch failed", e);
      }
      return;
    }
    if (!inFlight.isDone()) {
      if (now - inFlightCheckedAt > settings.pollTimeoutMillis()) {
        if (connection.isOpen()) {
          // An empty channel: the sink answers when events come. Abandoning the request would not
          // cancel it on the
          // sink, which keeps one of its few request threads polling the channel for it; every
          // abandoned request
          // would later take a batch, hold it until the sink's timeout and roll it back (a quiet
          // night piled up
          // hundreds and starved the live reader).
          inFlightCheckedAt = now;
        } else {
          LOG.warn(
              "FlumeIO: the connection to SparkSink {} closed while getEventBatch waited; reconnecting",
              address);
          dropConnection();
        }
      }
      return;
    }
    EventBatch batch;
    try {
      batch = inFlight.get();
    } catch (java.util.concurrent.CancellationException e) {
      return;
    } catch (ExecutionException e) {
      connectionLost("getEventBatch failed", e.getCause());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } finally {
      inFlight = null;
    }
    accept(batch);
  }

  private boolean connect(long now) {
    if (connecting == null) {
      if (now < nextConnectAt) {
        return false;
      }
      connecting = SinkConnection.openAsync(address, settings.connectTimeoutMillis());
      return false;
    }
    if (!connecting.isDone()) {
      return false;
    }
    try {
      connection = connecting.join();
      if (failedAttempts > 0) {
        LOG.info(
            "FlumeIO: connected to SparkSink {} after {} failed attempts", address, failedAttempts);
      }
      failedAttempts = 0;
      backoffMillis = MIN_BACKOFF_MILLIS;
      return true;
    } catch (RuntimeException e) {
      failedAttempts++;
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause.getCause() != null) {
        cause = cause.getCause();
      }
      LOG.warn(
          "FlumeIO: cannot reach SparkSink at {} ({}); retry {} in {} ms",
          address,
          cause,
          failedAttempts,
          backoffMillis);
      nextConnectAt = now + backoffMillis;
      backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      return false;
    } finally {
      connecting = null;
    }
  }

  private void accept(EventBatch batch) {
    if (!batch.getErrorMsg().isEmpty()) {
      // The sink could not build a batch (e.g. it is stopping); nothing to ack. Try again after a
      // short pause.
      LOG.warn("FlumeIO: SparkSink {} answered with an error: {}", address, batch.getErrorMsg());
      nextConnectAt = System.currentTimeMillis() + MIN_BACKOFF_MILLIS;
      dropConnection();
      return;
    }
    currentBatch = batch.getSequenceNumber();
    currentBatchInMark = false;
    WorkerState.COUNTERS.eventsReceived.addAndGet(batch.getEvents().size());
    for (SparkSinkEvent e : batch.getEvents()) {
      ClickEvent event = decode(e);
      if (event != null) {
        pending.add(event);
      }
    }
    if (pending.isEmpty()) {
      batchDone(); // nothing to emit (empty or all undecodable): ack with the next mark
    }
  }

  private ClickEvent decode(SparkSinkEvent e) {
    byte[] body = new byte[e.getBody().remaining()];
    e.getBody().duplicate().get(body);
    try {
      return decodeBody(e.getHeaders(), body, writerSchemas);
    } catch (IOException | RuntimeException ex) {
      // The interceptor should have dead-lettered it; skip, count and say so rather than kill the
      // pipeline.
      undecodable++;
      if (undecodable == 1 || undecodable % 1000 == 0) {
        LOG.warn(
            "FlumeIO: {} event bodies from {} are not Avro ClickEvents (last: {}, {} bytes); skipped. Is the ETL"
                + " interceptor configured on every source?",
            undecodable,
            address,
            ex.toString(),
            body.length);
      }
      return null;
    }
  }

  /**
   * Decodes one event body by the schema its headers name: the interceptor's default fingerprint
   * header (this pipeline's own schema), a {@code flume.avro.schema.literal} (any schema, parsed
   * once into {@code writerSchemas}), or neither (a body in this pipeline's schema). A fingerprint
   * of another schema without the literal is an error saying what to do.
   */
  static ClickEvent decodeBody(
      Map<String, String> headers, byte[] body, Map<String, Schema> writerSchemas)
      throws IOException {
    String fingerprint = headers.get(EventHeaders.SCHEMA_FINGERPRINT);
    String literal = headers.get(EventHeaders.SCHEMA_LITERAL);
    if (ClickEventAvro.FINGERPRINT.equals(fingerprint)
        || (fingerprint == null && literal == null)
        || ClickEventAvro.SCHEMA_JSON.equals(literal)) {
      return ClickEventAvro.decode(body);
    }
    if (literal == null) {
      throw new IOException(
          "written with schema fingerprint "
              + fingerprint
              + ", which this pipeline does not know"
              + " (its own is "
              + ClickEventAvro.FINGERPRINT
              + "): set the agents' interceptor to schema = literal while"
              + " they run a newer ClickEvent schema");
    }
    Schema writer = writerSchemas.computeIfAbsent(literal, l -> new Schema.Parser().parse(l));
    return ClickEventAvro.decode(body, writer);
  }

  private void connectionLost(String what, Throwable cause) {
    LOG.warn(
        "FlumeIO: {} on SparkSink {} ({}); reconnecting", what, address, String.valueOf(cause));
    nextConnectAt = System.currentTimeMillis() + backoffMillis;
    dropConnection();
  }

  private void dropConnection() {
    if (connection != null) {
      connection.release(inFlight);
      connection = null;
    }
    inFlight = null;
  }

  @Override
  public List<ClickEvent> getCurrent() {
    if (current == null) {
      throw new NoSuchElementException();
    }
    return current;
  }

  /**
   * The earliest eventTime in the record: FlumeIO re-stamps each event with its own, never earlier.
   */
  @Override
  public Instant getCurrentTimestamp() {
    getCurrent();
    return new Instant(currentTimestamp);
  }

  /**
   * The eventId of a one-event record, else a SHA-256 over the record's eventIds: a batch the sink
   * hands out again after a rollback holds the same events in the same order (the channel puts them
   * back at its head), so a runner that dedupes by record id drops it.
   */
  @Override
  public byte[] getCurrentRecordId() {
    List<ClickEvent> record = getCurrent();
    if (record.size() == 1) {
      return record.get(0).getEventId().getBytes(StandardCharsets.UTF_8);
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (ClickEvent e : record) {
        digest.update(e.getEventId().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  @Override
  public Instant getWatermark() {
    return new Instant(watermark.current(System.currentTimeMillis(), waitingSince()));
  }

  /**
   * Since when every fetched event is emitted and a getEventBatch waits on a live connection (the
   * sink answers it as soon as its channel has events; {@link EventTimeWatermark} decides when that
   * wait shows the sink is empty). While connecting, backing off or reading a batch, events may be
   * waiting in the agent's channel.
   */
  long waitingSince() {
    boolean waiting =
        pending.isEmpty() && connection != null && inFlight != null && !inFlight.isDone();
    return waiting ? inFlightSince : EventTimeWatermark.NOT_WAITING;
  }

  @Override
  public FlumeCheckpointMark getCheckpointMark() {
    FlumeCheckpointMark mark =
        new FlumeCheckpointMark(
            address,
            emittedBatches,
            pending.isEmpty() ? null : currentBatch,
            new ArrayList<>(pending),
            watermark.state(System.currentTimeMillis(), waitingSince()),
            settings.connectTimeoutMillis());
    emittedBatches.clear();
    if (currentBatch != null) {
      currentBatchInMark = true;
    }
    return mark;
  }

  @Override
  public FlumeSource getCurrentSource() {
    return source;
  }

  /**
   * Nacks every batch no checkpoint mark references, so the sink hands it out again now, not after
   * its timeout.
   */
  @Override
  public void close() {
    List<String> toNack = new ArrayList<>(emittedBatches);
    if (currentBatch != null && !currentBatchInMark) {
      toNack.add(currentBatch);
    }
    for (String seq : toNack) {
      SinkAcks.nack(address, seq, settings.connectTimeoutMillis());
    }
    // The next reader of this sink in this JVM (the runner's restored one) continues what this one
    // started.
    if (connecting != null) {
      RequestHandoff.leave(RequestHandoff.Waiting.opening(address, connecting));
      connecting = null;
    } else if (connection != null && connection.isOpen()) {
      RequestHandoff.leave(RequestHandoff.Waiting.requesting(connection, inFlight, inFlightSince));
      connection = null;
      inFlight = null;
    } else {
      dropConnection();
    }
    // The DirectRunner closes and restores its reader every twenty bundles or so: routine, unless
    // it nacked batches.
    if (toNack.isEmpty() && undecodable == 0) {
      LOG.debug("FlumeIO reader for {} closed: {} events emitted", address, emitted);
    } else {
      LOG.info(
          "FlumeIO reader for {} closed: {} events emitted, {} undecodable, {} batches nacked",
          address,
          emitted,
          undecodable,
          toNack.size());
    }
  }
}
