package io.clicktrends.pipeline;

import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Groups per key what reaches it in one step of the runner (on the SparkRunner, a micro-batch; on
 * the DirectRunner, what arrived together), in the global window, firing as soon as anything is
 * there and discarding what fired. A stateful step after it then reads and writes its state once
 * per key per step rather than once per element (the SparkRunner decodes and re-encodes a key's
 * state on every element).
 */
final class GroupPerStep<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, Iterable<V>>>> {
  @Override
  public PCollection<KV<K, Iterable<V>>> expand(PCollection<KV<K, V>> input) {
    return input
        .apply(
            "EveryFiring",
            Window.<KV<K, V>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .apply("GroupByKey", GroupByKey.create());
  }
}
