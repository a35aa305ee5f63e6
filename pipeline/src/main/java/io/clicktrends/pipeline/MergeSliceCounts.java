package io.clicktrends.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/** Merges partial key counts of one slice and ring. */
final class MergeSliceCounts
    extends CombineFn<Map<String, Long>, Map<String, Long>, Map<String, Long>> {

  static Coder<Map<String, Long>> coder() {
    return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
  }

  @Override
  public Map<String, Long> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<String, Long> addInput(Map<String, Long> acc, Map<String, Long> in) {
    in.forEach((key, c) -> acc.merge(key, c, Long::sum));
    return acc;
  }

  @Override
  public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accs) {
    Map<String, Long> merged = createAccumulator();
    for (Map<String, Long> acc : accs) {
      addInput(merged, acc);
    }
    return merged;
  }

  @Override
  public Map<String, Long> extractOutput(Map<String, Long> acc) {
    return acc;
  }

  @Override
  public Coder<Map<String, Long>> getAccumulatorCoder(
      CoderRegistry r, Coder<Map<String, Long>> in) {
    return coder();
  }

  @Override
  public Coder<Map<String, Long>> getDefaultOutputCoder(
      CoderRegistry r, Coder<Map<String, Long>> in) {
    return coder();
  }
}
