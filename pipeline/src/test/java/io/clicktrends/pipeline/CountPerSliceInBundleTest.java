package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** The counts and ticks one bundle emits. */
public class CountPerSliceInBundleTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void anOldEventBesideALiveOneTicksTwoStretchesNotEverySliceBetween() {
    long slide = 10_000;
    long live = 1_000 * slide; // slice 1000; the old event is in slice 0, a day-like distance apart
    PCollection<Long> emitted =
        p
            // one element holding both events, split in one step: both reach the counting step in
            // one bundle
            .apply(
                Create.of(
                        List.of(
                            List.of(
                                TestEvents.click(EventType.search, "boots", 5L),
                                TestEvents.click(EventType.search, "boots", live + 5))))
                    .withCoder(ListCoder.of(AvroCoder.of(ClickEvent.class))))
            .apply(
                FlatMapElements.into(TypeDescriptor.of(ClickEvent.class))
                    .via((List<ClickEvent> events) -> events))
            .setCoder(AvroCoder.of(ClickEvent.class))
            .apply(
                ParDo.of(
                    new CountPerSliceInBundle(
                        List.of(Dimension.search),
                        new RankingShards(2),
                        new SliceGrid(slide, 1),
                        0,
                        3)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), MergeSliceCounts.coder()))
            .apply(Count.globally());
    // per ring: slices 0..3 and 1000..1003 (a count where the ring has the key, a tick where not):
    // 8
    // each, 2 rings
    PAssert.thatSingleton(emitted).isEqualTo(16L);
    p.run();
  }

  @Test
  public void aLatenessThatIsNotAWholeNumberOfSlidesAlsoTicksEachSlicesLatenessMark() {
    long slide = 10_000;
    PCollection<KV<String, Map<String, Long>>> emitted =
        p.apply(
                Create.of(TestEvents.click(EventType.search, "boots", 5L))
                    .withCoder(AvroCoder.of(ClickEvent.class)))
            .apply(
                ParDo.of(
                    new CountPerSliceInBundle(
                        List.of(Dimension.search),
                        new RankingShards(1),
                        new SliceGrid(slide, 1),
                        3_000,
                        1)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), MergeSliceCounts.coder()));
    // slices 0 and 1: the count (or a tick) at the slice's last instant, a tick at its mark's last
    // instant
    PAssert.that(
            emitted
                .apply(Reify.timestamps())
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (TimestampedValue<KV<String, Map<String, Long>>> t) ->
                                t.getTimestamp().getMillis() + " " + t.getValue().getValue())))
        .containsInAnyOrder("2999 {}", "9999 {boots=1}", "12999 {}", "19999 {}");
    p.run();
  }
}
