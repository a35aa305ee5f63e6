package io.clicktrends.flume;

import io.clicktrends.schema.ClickEvent;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.io.UnboundedSource;

/**
 * What a FlumeIO reader has done since its previous checkpoint: the batches whose events were all
 * emitted (acked when the runner finalizes this mark, never earlier), and the one batch it was in
 * the middle of, with the events it had fetched but not yet emitted. Acks are per batch, so that
 * batch is acked only by a later mark, once a reader (this one, or one restored from this mark) has
 * emitted the rest.
 *
 * <p>Serializable (ClickEvent is an Avro SpecificRecord, which is Externalizable), so {@code
 * SerializableCoder} works.
 */
final class FlumeCheckpointMark implements UnboundedSource.CheckpointMark, Serializable {
  private static final long serialVersionUID = 1L;

  private final String address;
  private final List<String> emittedBatches;
  private final String carriedBatch; // null if none
  private final List<ClickEvent> carriedEvents;
  private final EventTimeWatermark.State watermark;
  private final int connectTimeoutMillis;

  FlumeCheckpointMark(
      String address,
      List<String> emittedBatches,
      String carriedBatch,
      List<ClickEvent> carriedEvents,
      EventTimeWatermark.State watermark,
      int connectTimeoutMillis) {
    this.address = address;
    this.emittedBatches = List.copyOf(emittedBatches);
    this.carriedBatch = carriedBatch;
    this.carriedEvents = List.copyOf(carriedEvents);
    this.watermark = watermark;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  @Override
  public void finalizeCheckpoint() {
    for (String seq : emittedBatches) {
      SinkAcks.ack(address, seq, connectTimeoutMillis);
    }
  }

  String address() {
    return address;
  }

  List<String> emittedBatches() {
    return emittedBatches;
  }

  String carriedBatch() {
    return carriedBatch;
  }

  List<ClickEvent> carriedEvents() {
    return carriedEvents;
  }

  EventTimeWatermark.State watermark() {
    return watermark;
  }

  @Override
  public String toString() {
    return "FlumeCheckpointMark{"
        + address
        + ", ack "
        + emittedBatches
        + ", carried "
        + carriedBatch
        + " with "
        + carriedEvents.size()
        + " events}";
  }
}
