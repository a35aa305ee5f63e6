package io.clicktrends.pipeline;

import io.clicktrends.schema.TrendItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.values.KV;

/**
 * Counts the keys of one dimension in one window and ranks them: the output is (total, top K
 * items). Counting and ranking happen in one combine so that an accumulating late pane re-ranks the
 * complete corrected counts; a separate Count stage followed by Top would see only the keys a late
 * pane changed.
 */
final class CountAndRankFn extends CombineFn<String, Map<String, Long>, KV<Long, List<TrendItem>>> {
  private final int topK;

  CountAndRankFn(int topK) {
    this.topK = topK;
  }

  @Override
  public Map<String, Long> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<String, Long> addInput(Map<String, Long> acc, String key) {
    acc.merge(key, 1L, Long::sum);
    return acc;
  }

  @Override
  public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accs) {
    Map<String, Long> merged = null;
    for (Map<String, Long> acc : accs) {
      if (merged == null) {
        merged = acc;
      } else {
        for (Map.Entry<String, Long> e : acc.entrySet()) {
          merged.merge(e.getKey(), e.getValue(), Long::sum);
        }
      }
    }
    return merged == null ? createAccumulator() : merged;
  }

  @Override
  public KV<Long, List<TrendItem>> extractOutput(Map<String, Long> acc) {
    return KV.of(total(acc), topItems(acc, topK));
  }

  static long total(Map<String, Long> counts) {
    long total = 0;
    for (long c : counts.values()) {
      total += c;
    }
    return total;
  }

  /** The K highest counts in {@link KeyOrder} with a bounded heap: O(n log K). */
  static List<TrendItem> topItems(Map<String, Long> counts, int k) {
    PriorityQueue<Map.Entry<String, Long>> heap = new PriorityQueue<>(KeyOrder.RANKED.reversed());
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      heap.add(e);
      if (heap.size() > k) {
        heap.poll();
      }
    }
    List<Map.Entry<String, Long>> best = new ArrayList<>(heap);
    best.sort(KeyOrder.RANKED);
    List<TrendItem> items = new ArrayList<>(best.size());
    for (Map.Entry<String, Long> e : best) {
      items.add(new TrendItem(e.getKey(), e.getValue()));
    }
    return items;
  }

  @Override
  public Coder<Map<String, Long>> getAccumulatorCoder(
      CoderRegistry registry, Coder<String> inputCoder) {
    return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
  }

  @Override
  public Coder<KV<Long, List<TrendItem>>> getDefaultOutputCoder(
      CoderRegistry registry, Coder<String> inputCoder) {
    return rankingCoder();
  }

  static Coder<KV<Long, List<TrendItem>>> rankingCoder() {
    return KvCoder.of(VarLongCoder.of(), ListCoder.of(AvroCoder.of(TrendItem.class)));
  }
}
