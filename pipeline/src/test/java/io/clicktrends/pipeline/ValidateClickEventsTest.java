package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.EventType;
import java.time.Instant;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class ValidateClickEventsTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void invalidEventsBecomeDeadLettersWithTheirReasonAndTheRestFlowOn() {
    ClickEvent good = TestEvents.click(EventType.add_to_cart, "p1", "2014-04-01T10:00:00Z");
    ClickEvent tooOld = TestEvents.click(EventType.add_to_cart, "p1", "1999-12-31T23:59:59Z");
    ClickEvent future =
        TestEvents.click(
            EventType.search, "q", Instant.now().plusSeconds(3 * 24 * 3600).toEpochMilli());
    ClickEvent unknown =
        ClickEvent.newBuilder(good).setEventId("u").setType(EventType.UNKNOWN).build();
    ClickEvent longKey =
        TestEvents.click(EventType.search, "x".repeat(1025), "2014-04-01T10:00:00Z");

    PCollectionTuple out =
        p.apply(
                Create.of(good, tooOld, future, unknown, longKey)
                    .withCoder(AvroCoder.of(ClickEvent.class)))
            .apply(ValidateClickEvents.create());
    PAssert.that(out.get(ValidateClickEvents.VALID)).containsInAnyOrder(good);
    PAssert.that(
            out.get(ValidateClickEvents.DEAD_LETTERS)
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via((DeadLetter d) -> d.getReason())))
        .containsInAnyOrder(
            "TIMESTAMP_TOO_OLD", "TIMESTAMP_IN_FUTURE", "UNKNOWN_TYPE", "KEY_TOO_LONG");
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(ComputeTrendsTest.counter(result, "deadletter_KEY_TOO_LONG"), is(1L));
    assertThat(ComputeTrendsTest.counter(result, "deadletter_TIMESTAMP_TOO_OLD"), is(1L));
  }
}
