package io.clicktrends.flume;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
import io.clicktrends.schema.ClickEvent;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Reads {@link ClickEvent}s from one or more Flume agents through their SparkSinks (the pull
 * protocol of Spark's {@code spark-streaming-flume-sink}), with transactions: a batch is acked to
 * Flume only when the runner finalizes the checkpoint that covers it, so events acknowledged to the
 * agent's clients are never lost on a pipeline crash.
 *
 * <pre>{@code
 * PCollection<ClickEvent> clicks = p.apply(FlumeIO.read().withSinkAddresses("web1:41416", "web2:41416"));
 * }</pre>
 *
 * <p>One split per address (one agent per web-server host, each with its own SparkSink). Timestamps
 * are the events' {@code eventTime}; the watermark is a bounded-out-of-orderness estimate per split
 * ({@link #withMaxOutOfOrderness}, default 5 s) that keeps advancing on idle splits. Delivery is at
 * least once: a batch comes again if the pipeline fails before finalizing it, or if it stays
 * unfinalized past the sink's timeout; {@code eventId} identifies duplicates. The unbounded read
 * declares {@code requiresDeduping()}: the DirectRunner then drops a redelivered batch (same events
 * in the same order) it has output within the last 10 minutes, and, since a batch may come back
 * grouped with other rolled-back events, this read drops an eventId it output within the last 10
 * minutes too ({@code RecentEventIds}; only on the DirectRunner, which never retries a bundle). The
 * classic SparkRunner ignores {@code requiresDeduping} (at least once; see the README).
 *
 * <p>Inside, the source emits one record per fetched Flume batch (a list of events) and {@code
 * EventsAtEventTime} splits it: the DirectRunner reads ten records per bundle, so one event per
 * record capped it at about 180 events/s.
 *
 * <p>Runners: the DirectRunner (by default, without {@code --experiments=use_sdf_read}) and the
 * classic SparkRunner run this as a primitive unbounded read, which finalizes checkpoints. Do not
 * force the splittable-DoFn wrapper ({@code use_sdf_read} / {@code use_unbounded_sdf_wrapper}):
 * with it finalization may never happen (apache/beam#20602) and every batch would be redelivered
 * after the sink's timeout.
 */
public final class FlumeIO {
  private FlumeIO() {}

  /** A read with the defaults; {@link Read#withSinkAddresses} is required. */
  public static Read read() {
    return new AutoValue_FlumeIO_Read.Builder()
        .setSinkAddresses(List.of())
        .setBatchSize(10_000)
        .setConnectTimeout(Duration.standardSeconds(5))
        .setPollTimeout(Duration.standardMinutes(2))
        .setMaxOutOfOrderness(Duration.standardSeconds(5))
        .setIdleTimeout(Duration.standardSeconds(30))
        .setMaxNumRecords(Long.MAX_VALUE)
        .build();
  }

  /** Immutable; each {@code with...} returns a copy. */
  @AutoValue
  public abstract static class Read extends PTransform<PBegin, PCollection<ClickEvent>> {
    private static final long serialVersionUID = 1L;

    abstract List<String> getSinkAddresses();

    abstract int getBatchSize();

    abstract Duration getConnectTimeout();

    abstract Duration getPollTimeout();

    abstract Duration getMaxOutOfOrderness();

    abstract Duration getIdleTimeout();

    abstract long getMaxNumRecords();

    abstract @Nullable Duration getMaxReadTime();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setSinkAddresses(List<String> addresses);

      abstract Builder setBatchSize(int n);

      abstract Builder setConnectTimeout(Duration d);

      abstract Builder setPollTimeout(Duration d);

      abstract Builder setMaxOutOfOrderness(Duration d);

      abstract Builder setIdleTimeout(Duration d);

      abstract Builder setMaxNumRecords(long n);

      abstract Builder setMaxReadTime(Duration d);

      abstract Read build();
    }

    /** {@code host:port} of each agent's SparkSink (default port 41416); one split each. */
    public Read withSinkAddresses(String... hostPorts) {
      return toBuilder().setSinkAddresses(List.of(hostPorts)).build();
    }

    /**
     * Events per getEventBatch request (default 10,000, the agent channel's transactionCapacity; it
     * must not exceed it): the most events a record carries to the runner, and the unit of acks and
     * of redelivery.
     */
    public Read withBatchSize(int n) {
      return toBuilder().setBatchSize(n).build();
    }

    /** How late an event may be relative to the latest seen on its split (default 5 s). */
    public Read withMaxOutOfOrderness(Duration d) {
      return toBuilder().setMaxOutOfOrderness(d).build();
    }

    /**
     * A split that never received anything holds the watermark back for this long (default 30 s),
     * then follows now.
     */
    public Read withIdleTimeout(Duration d) {
      return toBuilder().setIdleTimeout(d).build();
    }

    /**
     * How often a getEventBatch that has waited this long checks its connection (default 2 min): it
     * keeps waiting on a live one (an empty channel; the sink cannot cancel a request, so
     * abandoning it would leave the sink polling for nobody), and re-connects when the connection
     * has closed.
     */
    public Read withPollTimeout(Duration d) {
      return toBuilder().setPollTimeout(d).build();
    }

    /** How long connecting to a SparkSink may take (default 5 s). */
    public Read withConnectTimeout(Duration d) {
      return toBuilder().setConnectTimeout(d).build();
    }

    /** Bounded read (tests, backfills): stop after this many events. */
    public Read withMaxNumRecords(long n) {
      return toBuilder().setMaxNumRecords(n).build();
    }

    /** Bounded read (tests, backfills): stop after this long. */
    public Read withMaxReadTime(Duration d) {
      return toBuilder().setMaxReadTime(d).build();
    }

    @Override
    public PCollection<ClickEvent> expand(PBegin input) {
      List<String> addresses = getSinkAddresses();
      checkArgument(
          !addresses.isEmpty(), "FlumeIO.read() needs withSinkAddresses(\"host:41416\", ...)");
      checkArgument(
          addresses.stream().distinct().count() == addresses.size(),
          "FlumeIO: duplicate sink address in %s",
          addresses);
      addresses.forEach(SinkConnection.HostPort::parse); // refuses a malformed host:port, naming it
      checkArgument(
          getBatchSize() >= 1, "FlumeIO: withBatchSize(%s) must be at least 1", getBatchSize());
      checkArgument(
          getMaxOutOfOrderness().getMillis() >= 0,
          "FlumeIO: withMaxOutOfOrderness(%s) must not be negative",
          getMaxOutOfOrderness());
      checkArgument(
          getIdleTimeout().getMillis() >= 0,
          "FlumeIO: withIdleTimeout(%s) must not be negative",
          getIdleTimeout());
      checkArgument(
          getPollTimeout().getMillis() >= 1,
          "FlumeIO: withPollTimeout(%s) must be positive",
          getPollTimeout());
      checkArgument(
          getConnectTimeout().getMillis() >= 1
              && getConnectTimeout().getMillis() <= Integer.MAX_VALUE,
          "FlumeIO: withConnectTimeout(%s) must be positive",
          getConnectTimeout());
      checkArgument(
          getMaxNumRecords() >= 1,
          "FlumeIO: withMaxNumRecords(%s) must be at least 1",
          getMaxNumRecords());
      long maxNumRecords = getMaxNumRecords();
      Duration maxReadTime = getMaxReadTime();
      int batchSize = getBatchSize();
      boolean bounded = maxNumRecords != Long.MAX_VALUE || maxReadTime != null;
      // Unbounded: a record per fetched batch. Bounded: one event per record, so maxNumRecords
      // counts events.
      FlumeSource source =
          new FlumeSource(
              addresses,
              new FlumeSource.Settings(
                  batchSize,
                  (int) getConnectTimeout().getMillis(),
                  getPollTimeout().getMillis(),
                  getMaxOutOfOrderness().getMillis(),
                  getIdleTimeout().getMillis(),
                  maxNumRecords,
                  !bounded,
                  bounded ? 1 : batchSize));
      org.apache.beam.sdk.io.Read.Unbounded<List<ClickEvent>> unbounded =
          org.apache.beam.sdk.io.Read.from(source);
      PCollection<List<ClickEvent>> records;
      if (!bounded) {
        records =
            input.apply(
                "ReadBatches",
                unbounded); // requiresDeduping: the DirectRunner drops redelivered batches
      } else {
        // BoundedReadFromUnboundedSource: reads each split to the limit, then finalizes (acks) and
        // closes.
        records =
            input.apply(
                "ReadBatches",
                maxReadTime == null
                    ? unbounded.withMaxNumRecords(maxNumRecords)
                    : unbounded.withMaxNumRecords(maxNumRecords).withMaxReadTime(maxReadTime));
      }
      // The DirectRunner never retries a bundle, so there a repeated eventId can be dropped safely
      // (RecentEventIds).
      boolean dedupeEvents =
          !bounded
              && "DirectRunner"
                  .equals(input.getPipeline().getOptions().getRunner().getSimpleName());
      return records
          .apply(
              "EventsAtEventTime",
              ParDo.of(new EventsAtEventTime(dedupeEvents ? UUID.randomUUID().toString() : null)))
          .setCoder(AvroCoder.of(ClickEvent.class));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(
              DisplayData.item("sinkAddresses", String.join(",", getSinkAddresses()))
                  .withLabel("SparkSink addresses"))
          .add(DisplayData.item("batchSize", getBatchSize()).withLabel("Events per getEventBatch"))
          .add(
              DisplayData.item("maxOutOfOrderness", getMaxOutOfOrderness())
                  .withLabel("Watermark slack"))
          .add(DisplayData.item("idleTimeout", getIdleTimeout()).withLabel("Idle split timeout"))
          .add(
              DisplayData.item("pollTimeout", getPollTimeout())
                  .withLabel("getEventBatch connection check"))
          .addIfNotDefault(
              DisplayData.item("maxNumRecords", getMaxNumRecords()).withLabel("Stop after events"),
              Long.MAX_VALUE)
          .addIfNotNull(DisplayData.item("maxReadTime", getMaxReadTime()).withLabel("Stop after"));
    }
  }

  /**
   * Splits each record into its events, each at its own eventTime (never before the record's
   * timestamp, the earliest of them), so windowing downstream sees one element per event.
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
