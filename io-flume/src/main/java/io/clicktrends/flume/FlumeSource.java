package io.clicktrends.flume;

import io.clicktrends.schema.ClickEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The unbounded source behind {@link FlumeIO}: one split per SparkSink address. A record is a list
 * of events (up to {@link Settings#eventsPerRecord()}, at most one Flume batch): runners pay per
 * record, and the DirectRunner reads only ten records per bundle and drops its reader after one
 * bundle in twenty, so one event per record drained about 180 events/s there.
 */
final class FlumeSource extends UnboundedSource<List<ClickEvent>, FlumeCheckpointMark> {
  private static final long serialVersionUID = 1L;

  /**
   * Reader settings, fixed when the pipeline is built. {@code dedupe}: ask the runner to drop
   * records whose id it has seen recently ({@link #requiresDeduping()}); set for the unbounded read
   * only, see there. {@code eventsPerRecord}: at most this many events per record the reader emits
   * (a record is a list of events).
   */
  record Settings(
      int batchSize,
      int connectTimeoutMillis,
      long pollTimeoutMillis,
      long maxOutOfOrdernessMillis,
      long idleTimeoutMillis,
      long maxRecordsHint,
      boolean dedupe,
      int eventsPerRecord)
      implements Serializable {}

  private final List<String> addresses;
  private final Settings settings;

  FlumeSource(List<String> addresses, Settings settings) {
    this.addresses = List.copyOf(addresses);
    this.settings = settings;
  }

  @Override
  public List<FlumeSource> split(int desiredNumSplits, PipelineOptions options) {
    // Each SparkSink serves its own agent's channel: the natural unit of parallelism, whatever the
    // runner asks for.
    List<FlumeSource> splits = new ArrayList<>();
    for (String address : addresses) {
      splits.add(new FlumeSource(List.of(address), settings));
    }
    return splits;
  }

  @Override
  public FlumeReader createReader(PipelineOptions options, FlumeCheckpointMark checkpoint) {
    if (addresses.size() != 1) {
      // A runner that reads without splitting: read the first address only would silently lose the
      // others.
      throw new IllegalStateException(
          "FlumeSource must be split (one reader per sink address) before reading; got "
              + addresses);
    }
    return new FlumeReader(this, addresses.get(0), settings, checkpoint);
  }

  /**
   * True for the unbounded read: a batch is acked only when the runner finalizes a mark, and Beam
   * 2.70's DirectRunner finalizes a mark only after the next bundle that read something, so the
   * last batch before a quiet period longer than the sink's {@code timeout} is rolled back and
   * delivered again. With this, the DirectRunner's primitive unbounded read drops a record whose
   * {@link FlumeReader#getCurrentRecordId() id} (from its eventIds) it has seen within the last 10
   * minutes (its {@code UnboundedReadDeduplicator}: an id cache per read transform, shared by all
   * splits, expiring 10 min after last access, at most 100,000 ids). The classic SparkRunner
   * ignores it (no dedup); the splittable-DoFn expansion of {@code Read.Unbounded} adds a {@code
   * Deduplicate} on the id.
   *
   * <p>False for bounded reads ({@code withMaxNumRecords}/{@code withMaxReadTime}): there {@code
   * BoundedReadFromUnboundedSource} would add a {@code Distinct}, a Combine.perKey in the global
   * window that re-stamps every element at the end of the global window (losing eventTime) and
   * hides duplicates from tests.
   */
  @Override
  public boolean requiresDeduping() {
    return settings.dedupe();
  }

  @Override
  public Coder<FlumeCheckpointMark> getCheckpointMarkCoder() {
    return SerializableCoder.of(FlumeCheckpointMark.class);
  }

  @Override
  public Coder<List<ClickEvent>> getOutputCoder() {
    return ListCoder.of(AvroCoder.of(ClickEvent.class));
  }

  List<String> addresses() {
    return addresses;
  }

  // Value semantics: runners compare sources (the DirectRunner's mutation checks, Shard keys).
  @Override
  public boolean equals(Object o) {
    return o instanceof FlumeSource s
        && s.addresses.equals(addresses)
        && s.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return addresses.hashCode() * 31 + settings.hashCode();
  }
}
