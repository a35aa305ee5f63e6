package io.clicktrends.flume;

import io.clicktrends.schema.ClickEvent;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Reads {@link ClickEvent}s from one or more Flume agents through their SparkSinks (the pull protocol of Spark's
 * {@code spark-streaming-flume-sink}), with transactions: a batch is acked to Flume only when the runner finalizes the
 * checkpoint that covers it, so events acknowledged to the agent's clients are never lost on a pipeline crash.
 *
 * <pre>{@code
 * PCollection<ClickEvent> clicks = p.apply(FlumeIO.read().withSinkAddresses("web1:41416", "web2:41416"));
 * }</pre>
 *
 * <p>One split per address (one agent per web-server host, each with its own SparkSink). Timestamps are the events'
 * {@code eventTime}; the watermark is a bounded-out-of-orderness estimate per split ({@link
 * #withMaxOutOfOrderness}, default 5 s) that keeps advancing on idle splits. Delivery is at least once: a batch comes
 * again if the pipeline fails before finalizing it, or if it stays unfinalized past the sink's timeout; {@code eventId}
 * identifies duplicates. The unbounded read declares {@code requiresDeduping()}: the DirectRunner then drops a
 * redelivered batch (same events in the same order) it has output within the last 10 minutes, and, since a batch may
 * come back grouped with other rolled-back events, this read drops an eventId it output within the last 10 minutes
 * too ({@code RecentEventIds}; only on the DirectRunner, which never retries a bundle). The classic SparkRunner
 * ignores {@code requiresDeduping} (at least once; see the README).
 *
 * <p>Inside, the source emits one record per fetched Flume batch (a list of events) and {@code EventsAtEventTime}
 * splits it: the DirectRunner reads ten records per bundle, so one event per record capped it at about 180 events/s.
 *
 * <p>Runners: the DirectRunner (by default, without {@code --experiments=use_sdf_read}) and the classic SparkRunner
 * run this as a primitive unbounded read, which finalizes checkpoints. Do not force the splittable-DoFn wrapper
 * ({@code use_sdf_read} / {@code use_unbounded_sdf_wrapper}): with it finalization may never happen
 * (apache/beam#20602) and every batch would be redelivered after the sink's timeout.
 */
public final class FlumeIO {
  private FlumeIO() {}

  /** A read with the defaults; {@link Read#withSinkAddresses} is required. */
  public static Read read() {
    return new Read(List.of(), 10_000, 5_000, 120_000, 5_000, 30_000, Long.MAX_VALUE, null);
  }

  /** Immutable; each {@code with...} returns a copy. */
  public static final class Read extends PTransform<PBegin, PCollection<ClickEvent>> {
    private static final long serialVersionUID = 1L;
    private final List<String> addresses;
    private final int batchSize;
    private final int connectTimeoutMillis;
    private final long pollTimeoutMillis;
    private final long maxOutOfOrdernessMillis;
    private final long idleTimeoutMillis;
    private final long maxNumRecords;
    private final Duration maxReadTime;

    private Read(List<String> addresses, int batchSize, int connectTimeoutMillis, long pollTimeoutMillis,
        long maxOutOfOrdernessMillis, long idleTimeoutMillis, long maxNumRecords, Duration maxReadTime) {
      this.addresses = addresses;
      this.batchSize = batchSize;
      this.connectTimeoutMillis = connectTimeoutMillis;
      this.pollTimeoutMillis = pollTimeoutMillis;
      this.maxOutOfOrdernessMillis = maxOutOfOrdernessMillis;
      this.idleTimeoutMillis = idleTimeoutMillis;
      this.maxNumRecords = maxNumRecords;
      this.maxReadTime = maxReadTime;
    }

    /** {@code host:port} of each agent's SparkSink (default port 41416); one split each. */
    public Read withSinkAddresses(String... hostPorts) {
      return new Read(List.of(hostPorts), batchSize, connectTimeoutMillis, pollTimeoutMillis,
          maxOutOfOrdernessMillis, idleTimeoutMillis, maxNumRecords, maxReadTime);
    }

    /**
     * Events per getEventBatch request (default 10,000, the agent channel's transactionCapacity; it must not exceed it):
     * the most events a record carries to the runner, and the unit of acks and of redelivery.
     */
    public Read withBatchSize(int n) {
      return new Read(addresses, n, connectTimeoutMillis, pollTimeoutMillis, maxOutOfOrdernessMillis,
          idleTimeoutMillis, maxNumRecords, maxReadTime);
    }

    /** How late an event may be relative to the latest seen on its split (default 5 s). */
    public Read withMaxOutOfOrderness(Duration d) {
      return new Read(addresses, batchSize, connectTimeoutMillis, pollTimeoutMillis, d.getMillis(),
          idleTimeoutMillis, maxNumRecords, maxReadTime);
    }

    /** A split that never received anything holds the watermark back for this long (default 30 s), then follows now. */
    public Read withIdleTimeout(Duration d) {
      return new Read(addresses, batchSize, connectTimeoutMillis, pollTimeoutMillis, maxOutOfOrdernessMillis,
          d.getMillis(), maxNumRecords, maxReadTime);
    }

    /**
     * How often a getEventBatch that has waited this long checks its connection (default 2 min): it keeps waiting on
     * a live one (an empty channel; the sink cannot cancel a request, so abandoning it would leave the sink polling
     * for nobody), and re-connects when the connection has closed.
     */
    public Read withPollTimeout(Duration d) {
      return new Read(addresses, batchSize, connectTimeoutMillis, d.getMillis(), maxOutOfOrdernessMillis,
          idleTimeoutMillis, maxNumRecords, maxReadTime);
    }

    public Read withConnectTimeout(Duration d) {
      return new Read(addresses, batchSize, (int) d.getMillis(), pollTimeoutMillis, maxOutOfOrdernessMillis,
          idleTimeoutMillis, maxNumRecords, maxReadTime);
    }

    /** Bounded read (tests, backfills): stop after this many events. */
    public Read withMaxNumRecords(long n) {
      return new Read(addresses, batchSize, connectTimeoutMillis, pollTimeoutMillis, maxOutOfOrdernessMillis,
          idleTimeoutMillis, n, maxReadTime);
    }

    /** Bounded read (tests, backfills): stop after this long. */
    public Read withMaxReadTime(Duration d) {
      return new Read(addresses, batchSize, connectTimeoutMillis, pollTimeoutMillis, maxOutOfOrdernessMillis,
          idleTimeoutMillis, maxNumRecords, d);
    }

    @Override
    public PCollection<ClickEvent> expand(PBegin input) {
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("FlumeIO.read() needs withSinkAddresses(\"host:41416\", ...)");
      }
      if (addresses.stream().distinct().count() != addresses.size()) {
        throw new IllegalArgumentException("FlumeIO: duplicate sink address in " + addresses);
      }
      addresses.forEach(SinkConnection.HostPort::parse);
      if (batchSize < 1 || maxOutOfOrdernessMillis < 0 || idleTimeoutMillis < 0 || pollTimeoutMillis < 1
          || connectTimeoutMillis < 1 || maxNumRecords < 1) {
        throw new IllegalArgumentException("FlumeIO: batch size, timeouts and maxNumRecords must be positive");
      }
      boolean bounded = maxNumRecords != Long.MAX_VALUE || maxReadTime != null;
      // Unbounded: a record per fetched batch. Bounded: one event per record, so maxNumRecords counts events.
      FlumeSource source = new FlumeSource(addresses, new FlumeSource.Settings(batchSize, connectTimeoutMillis,
          pollTimeoutMillis, maxOutOfOrdernessMillis, idleTimeoutMillis, maxNumRecords, !bounded,
          bounded ? 1 : batchSize));
      org.apache.beam.sdk.io.Read.Unbounded<List<ClickEvent>> unbounded = org.apache.beam.sdk.io.Read.from(source);
      PCollection<List<ClickEvent>> records;
      if (!bounded) {
        records = input.apply("ReadBatches", unbounded); // requiresDeduping: the DirectRunner drops redelivered batches
      } else {
        // BoundedReadFromUnboundedSource: reads each split to the limit, then finalizes (acks) and closes.
        records = input.apply("ReadBatches", maxReadTime == null ? unbounded.withMaxNumRecords(maxNumRecords)
            : unbounded.withMaxNumRecords(maxNumRecords).withMaxReadTime(maxReadTime));
      }
      // The DirectRunner never retries a bundle, so there a repeated eventId can be dropped safely (RecentEventIds).
      boolean dedupeEvents = !bounded
          && "DirectRunner".equals(input.getPipeline().getOptions().getRunner().getSimpleName());
      return records.apply("EventsAtEventTime",
              ParDo.of(new EventsAtEventTime(dedupeEvents ? UUID.randomUUID().toString() : null)))
          .setCoder(AvroCoder.of(ClickEvent.class));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("sinkAddresses", String.join(",", addresses)).withLabel("SparkSink addresses"))
          .add(DisplayData.item("batchSize", batchSize).withLabel("Events per getEventBatch"))
          .add(DisplayData.item("maxOutOfOrderness", Duration.millis(maxOutOfOrdernessMillis))
              .withLabel("Watermark slack"))
          .addIfNotDefault(DisplayData.item("maxNumRecords", maxNumRecords).withLabel("Stop after events"),
              Long.MAX_VALUE);
    }
  }

  /**
   * Splits each record into its events, each at its own eventTime (never before the record's timestamp, the
   * earliest of them), so windowing downstream sees one element per event.
   */
  static final class EventsAtEventTime extends DoFn<List<ClickEvent>, ClickEvent> {
    private final String dedupeReadId; // null: output every event

    EventsAtEventTime(String dedupeReadId) {
      this.dedupeReadId = dedupeReadId;
    }

    @ProcessElement
    public void process(@Element List<ClickEvent> record, OutputReceiver<ClickEvent> out) {
      RecentEventIds recent = dedupeReadId == null ? null : RecentEventIds.of(dedupeReadId);
      long now = System.currentTimeMillis();
      for (ClickEvent e : record) {
        if (recent == null || recent.firstTime(e.getEventId(), now)) {
          out.outputWithTimestamp(e, new Instant(e.getEventTime().toEpochMilli()));
        }
      }
    }
  }
}
