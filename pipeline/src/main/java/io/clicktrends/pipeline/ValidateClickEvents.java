package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ClickEventRules;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Splits events into the valid ones and dead letters, by {@link ClickEventRules}. Events reaching
 * the pipeline were checked at ingest already; this catches clock drift since then, types unknown
 * to this version (read as UNKNOWN) and events from sources without an ingest check. Counted per
 * reason in the {@code clicktrends} metrics namespace as {@code deadletter_<REASON>}.
 */
public final class ValidateClickEvents
    extends PTransform<PCollection<ClickEvent>, PCollectionTuple> {
  public static final TupleTag<ClickEvent> VALID = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final long maxClockSkewMillis;

  private ValidateClickEvents(long maxClockSkewMillis) {
    this.maxClockSkewMillis = maxClockSkewMillis;
  }

  /** With {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}. */
  public static ValidateClickEvents create() {
    return create(ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * Event times more than {@code maxClockSkewMillis} (milliseconds) ahead of the server clock are
   * dead-lettered.
   */
  public static ValidateClickEvents create(long maxClockSkewMillis) {
    return new ValidateClickEvents(maxClockSkewMillis);
  }

  @Override
  public PCollectionTuple expand(PCollection<ClickEvent> events) {
    PCollectionTuple out =
        events.apply(
            "CheckRules",
            ParDo.of(new CheckFn(maxClockSkewMillis))
                .withOutputTags(VALID, TupleTagList.of(DEAD_LETTERS)));
    out.get(VALID).setCoder(AvroCoder.of(ClickEvent.class));
    out.get(DEAD_LETTERS).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  static final class CheckFn extends DoFn<ClickEvent, ClickEvent> {
    private final long maxClockSkewMillis;

    CheckFn(long maxClockSkewMillis) {
      this.maxClockSkewMillis = maxClockSkewMillis;
    }

    @ProcessElement
    public void process(@Element ClickEvent event, MultiOutputReceiver out) {
      long now = System.currentTimeMillis();
      Rejection r;
      try {
        Optional<Rejection> rejection = ClickEventRules.check(event, now, maxClockSkewMillis);
        if (rejection.isEmpty()) {
          out.get(VALID).output(event);
          return;
        }
        r = rejection.get();
      } catch (RuntimeException e) {
        // one odd event must not fail the bundle (and, retried, the pipeline): dead-letter it with
        // the cause
        r = Rejection.internalError("ValidateClickEvents", e);
      }
      Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.deadLetter(r.reason())).inc();
      out.get(DEAD_LETTERS).output(r.toDeadLetter(raw(event), "pipeline", now));
    }

    private static byte[] raw(ClickEvent event) {
      try {
        return ClickEventJson.toJson(event).getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        return String.valueOf(event).getBytes(StandardCharsets.UTF_8);
      }
    }
  }
}
