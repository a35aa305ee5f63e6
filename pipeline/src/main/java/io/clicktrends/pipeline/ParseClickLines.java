package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ClickEventRules;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import io.clicktrends.schema.YoochooseRow;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lines of a replay file to events: a JSON object per line (our JSON-lines form) or a YOOCHOOSE row
 * ({@code SessionId<TAB>ItemId<TAB>Time}, as a product_view). Header and blank lines are skipped;
 * anything else that does not parse becomes a dead letter. Outputs use the tags of {@link
 * ValidateClickEvents}.
 */
public final class ParseClickLines extends PTransform<PCollection<String>, PCollectionTuple> {
  private final long maxClockSkewMillis;

  private ParseClickLines(long maxClockSkewMillis) {
    this.maxClockSkewMillis = maxClockSkewMillis;
  }

  /** With {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}. */
  public static ParseClickLines create() {
    return create(ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * Event times more than {@code maxClockSkewMillis} (milliseconds) ahead of the clock are
   * dead-lettered.
   */
  public static ParseClickLines create(long maxClockSkewMillis) {
    return new ParseClickLines(maxClockSkewMillis);
  }

  @Override
  public PCollectionTuple expand(PCollection<String> lines) {
    PCollectionTuple out =
        lines.apply(
            "ParseLine",
            ParDo.of(new ParseFn(maxClockSkewMillis))
                .withOutputTags(
                    ValidateClickEvents.VALID, TupleTagList.of(ValidateClickEvents.DEAD_LETTERS)));
    out.get(ValidateClickEvents.VALID).setCoder(AvroCoder.of(ClickEvent.class));
    out.get(ValidateClickEvents.DEAD_LETTERS).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  /** {@link #parseLine(String, long, long)} with {@link ClickEventRules#DEFAULT_MAX_CLOCK_SKEW}. */
  public static ParseResult parseLine(String line, long nowMillis) {
    return parseLine(line, nowMillis, ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis());
  }

  /**
   * One line of a replay file: a JSON object, or a YOOCHOOSE row read as a product view; null for a
   * header or blank line. A leading byte-order mark (the first line of a file saved by some
   * editors) is ignored. A line holds one record: a JSON object followed by anything but whitespace
   * is MALFORMED_JSON. Never throws.
   *
   * @param nowMillis the clock, epoch milliseconds (the events' ingestTime)
   * @param maxClockSkewMillis how far ahead of it an event time may be, milliseconds
   */
  public static ParseResult parseLine(String line, long nowMillis, long maxClockSkewMillis) {
    try {
      String trimmed = ClickEventJson.withoutBom(line).strip();
      if (trimmed.isEmpty() || trimmed.startsWith("SessionId")) {
        return null;
      }
      if (trimmed.startsWith("{")) {
        return ClickEventJson.parse(trimmed, nowMillis, maxClockSkewMillis);
      }
      ClickEvent row;
      try {
        row = YoochooseRow.parse(trimmed, -1);
      } catch (RuntimeException e) {
        return ParseResult.rejected(
            RejectReason.MALFORMED_JSON,
            "neither a JSON object nor a SessionId/ItemId/Time row: " + e.getMessage());
      }
      // a row is held to the same rules as every other event (its time, its text)
      return ClickEventRules.check(row, nowMillis, maxClockSkewMillis)
          .map(ParseResult::rejected)
          .orElseGet(() -> ParseResult.valid(row));
    } catch (RuntimeException e) {
      return ParseResult.rejected(Rejection.internalError("ParseClickLines", e));
    }
  }

  static final class ParseFn extends DoFn<String, ClickEvent> {
    private final long maxClockSkewMillis;

    ParseFn(long maxClockSkewMillis) {
      this.maxClockSkewMillis = maxClockSkewMillis;
    }

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      long now = System.currentTimeMillis();
      ParseResult result = parseLine(line, now, maxClockSkewMillis);
      if (result == null) {
        return;
      }
      if (result.isValid()) {
        out.get(ValidateClickEvents.VALID).output(result.event());
      } else {
        Rejection r = result.rejection();
        Metrics.counter(PipelineMetrics.NAMESPACE, PipelineMetrics.deadLetter(r.reason())).inc();
        out.get(ValidateClickEvents.DEAD_LETTERS)
            .output(r.toDeadLetter(line.getBytes(StandardCharsets.UTF_8), "pipeline", now));
      }
    }
  }
}
