package io.clicktrends.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/** Merges partial (dimension, key) counts of one pane. */
final class MergePaneCounts extends CombineFn<Map<String, Map<String, Long>>, Map<String, Map<String, Long>>,
    Map<String, Map<String, Long>>> {

  static Coder<Map<String, Map<String, Long>>> coder() {
    return MapCoder.of(StringUtf8Coder.of(), MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  @Override
  public Map<String, Map<String, Long>> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<String, Map<String, Long>> addInput(Map<String, Map<String, Long>> acc, Map<String, Map<String, Long>> in) {
    in.forEach((dim, counts) -> {
      Map<String, Long> target = acc.computeIfAbsent(dim, d -> new HashMap<>());
      counts.forEach((key, c) -> target.merge(key, c, Long::sum));
    });
    return acc;
  }

  @Override
  public Map<String, Map<String, Long>> mergeAccumulators(Iterable<Map<String, Map<String, Long>>> accs) {
    Map<String, Map<String, Long>> merged = createAccumulator();
    for (Map<String, Map<String, Long>> acc : accs) {
      addInput(merged, acc);
    }
    return merged;
  }

  @Override
  public Map<String, Map<String, Long>> extractOutput(Map<String, Map<String, Long>> acc) {
    return acc;
  }

  @Override
  public Coder<Map<String, Map<String, Long>>> getAccumulatorCoder(CoderRegistry r, Coder<Map<String, Map<String, Long>>> in) {
    return coder();
  }

  @Override
  public Coder<Map<String, Map<String, Long>>> getDefaultOutputCoder(CoderRegistry r, Coder<Map<String, Map<String, Long>>> in) {
    return coder();
  }
}
