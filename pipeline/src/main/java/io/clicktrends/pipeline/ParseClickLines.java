package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import io.clicktrends.testdata.YoochooseSample;
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
 * anything else that does not parse becomes a dead letter. Outputs use the tags of
 * {@link ValidateClickEvents}.
 */
public final class ParseClickLines extends PTransform<PCollection<String>, PCollectionTuple> {
  public static ParseClickLines create() {
    return new ParseClickLines();
  }

  @Override
  public PCollectionTuple expand(PCollection<String> lines) {
    PCollectionTuple out = lines.apply("ParseLine", ParDo.of(new ParseFn())
        .withOutputTags(ValidateClickEvents.VALID, TupleTagList.of(ValidateClickEvents.DEAD_LETTERS)));
    out.get(ValidateClickEvents.VALID).setCoder(AvroCoder.of(ClickEvent.class));
    out.get(ValidateClickEvents.DEAD_LETTERS).setCoder(AvroCoder.of(DeadLetter.class));
    return out;
  }

  /**
   * One line of a replay file: a JSON object, or a YOOCHOOSE row read as a product view; null for a
   * header or blank line.
   */
  public static ParseResult parseLine(String line, long nowMillis) {
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("SessionId")) {
      return null;
    }
    if (trimmed.startsWith("{")) {
      return ClickEventJson.parse(trimmed, nowMillis);
    }
    try {
      return ParseResult.valid(YoochooseSample.parseRow(trimmed, -1));
    } catch (RuntimeException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON,
          "neither a JSON object nor a SessionId/ItemId/Time row: " + e.getMessage());
    }
  }

  static final class ParseFn extends DoFn<String, ClickEvent> {
    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      long now = System.currentTimeMillis();
      ParseResult result = parseLine(line, now);
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
