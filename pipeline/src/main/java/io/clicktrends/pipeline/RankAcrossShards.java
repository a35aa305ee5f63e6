package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import io.clicktrends.schema.TrendJson;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns the rings' reports into trends: with one shard per dimension a ring's results are the
 * dimension's; with several, the shards' per-window top K are merged into the exact global top K
 * (each key lives in one shard, so the union of the shards' top K holds the global top K; totals
 * add up). Rising results merge the same way, by score: a key's score depends on its own counts
 * only, so the union of the shards' top K rising holds the global top K.
 *
 * <p>A merged window is published ON_TIME once every shard of its dimension has completed it (the
 * shards get the same slice firings, see {@link CountPerSliceInBundle}), from each shard's latest
 * ON_TIME result; when a shard's latest result for it is LATE, a LATE result from every shard's
 * latest follows. A shard's later result for a published window (late data, or on-time data a
 * runner delivered out of order) restates it in the same way.
 */
final class RankAcrossShards
    extends PTransform<PCollection<KV<String, RingReport>>, PCollection<Trend>> {
  private final TrendConfig config;
  private final int shards;

  RankAcrossShards(TrendConfig config, int shards) {
    this.config = config;
    this.shards = shards;
  }

  @Override
  public PCollection<Trend> expand(PCollection<KV<String, RingReport>> reports) {
    PCollection<Trend> trends;
    if (shards == 1) {
      trends = reports.apply("ResultsAsTrends", ParDo.of(new ResultsAsTrends(config)));
    } else {
      trends =
          reports
              .apply("GroupByDimension", new GroupPerStep<>())
              .apply("MergeShards", ParDo.of(new MergeShards(config, shards)));
    }
    return trends.setCoder(AvroCoder.of(Trend.class));
  }

  static Trend trend(TrendConfig config, String dimension, RingReport.WindowResult r) {
    SliceGrid grid = config.sliceGrid();
    Trend.Builder t =
        Trend.newBuilder()
            .setDimension(dimension)
            .setWindowStart(Instant.ofEpochMilli(grid.windowStart(r.window())))
            .setWindowEnd(Instant.ofEpochMilli(grid.end(r.window())))
            .setTotal(r.total())
            .setTiming(r.late() ? "LATE" : "ON_TIME")
            .setPaneIndex(r.index())
            .setEmittedAt(Instant.now());
    if (r.rising()) {
      List<TrendItem> items = new ArrayList<>(r.risingItems().size());
      for (RisingItem item : r.risingItems()) {
        items.add(new TrendItem(item.getKey(), item.getCount()));
      }
      t.setKind(TrendJson.RISING).setItems(items).setRising(r.risingItems());
    } else {
      t.setKind(TrendJson.TOP).setItems(r.items());
    }
    return t.build();
  }

  /** One shard per dimension: each result is the dimension's trend as it stands. */
  static final class ResultsAsTrends extends DoFn<KV<String, RingReport>, Trend> {
    private final TrendConfig config;

    ResultsAsTrends(TrendConfig config) {
      this.config = config;
    }

    @ProcessElement
    public void process(@Element KV<String, RingReport> report, OutputReceiver<Trend> out) {
      for (RingReport.WindowResult r : report.getValue().results) {
        out.output(trend(config, report.getKey(), r));
      }
    }
  }

  /**
   * Merges the shards of one dimension; its state is small: K items per shard per window still
   * correctable.
   */
  static final class MergeShards extends DoFn<KV<String, Iterable<RingReport>>, Trend> {
    private final TrendConfig config;
    private final int shards;

    @StateId("merge")
    private final StateSpec<ValueState<MergeState>> mergeSpec =
        StateSpecs.value(MergeState.Coder.of());

    MergeShards(TrendConfig config, int shards) {
      this.config = config;
      this.shards = shards;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<RingReport>> element,
        @StateId("merge") ValueState<MergeState> state,
        OutputReceiver<Trend> out) {
      MergeState s = state.read();
      if (s == null) {
        s = new MergeState(shards);
      }
      // published windows a shard changed (count results, rising results): true if by late data
      TreeMap<Long, Boolean> restated = new TreeMap<>();
      TreeMap<Long, Boolean> risingRestated = new TreeMap<>();
      for (RingReport report : element.getValue()) {
        s.pending.put(List.of(report.shard, report.seq), report);
      }
      // each shard's reports in its own order: a report is applied only after every earlier one of
      // its shard
      for (int shard = 0; shard < shards; shard++) {
        RingReport report;
        while ((report = s.pending.remove(List.of(shard, s.nextSeq[shard]))) != null) {
          s.nextSeq[shard]++;
          s.progress[shard] = Math.max(s.progress[shard], report.completedThrough);
          for (RingReport.WindowResult r : report.results) {
            if (s.keep(report.shard, r) && r.window() <= s.publishedThrough) {
              (r.rising() ? risingRestated : restated)
                  .merge(r.window(), r.late(), Boolean::logicalOr);
            }
          }
        }
      }
      long complete = Arrays.stream(s.progress).min().getAsLong();
      String dimension = element.getKey();
      for (Map.Entry<Long, Boolean> w : restated.entrySet()) {
        publish(s, dimension, w.getKey(), !w.getValue(), false, out);
      }
      for (Map.Entry<Long, Boolean> w : risingRestated.entrySet()) {
        publish(s, dimension, w.getKey(), !w.getValue(), true, out);
      }
      if (complete > s.publishedThrough) {
        for (long window :
            new ArrayList<>(s.windows.subMap(s.publishedThrough, false, complete, true).keySet())) {
          publish(s, dimension, window, true, false, out);
        }
        for (long window :
            new ArrayList<>(
                s.risingWindows.subMap(s.publishedThrough, false, complete, true).keySet())) {
          publish(s, dimension, window, true, true, out);
        }
        s.publishedThrough = complete;
      }
      if (complete != Long.MIN_VALUE) {
        // as long as a shard may still restate a window (SlidingTopK.oldestRecountable), keep its
        // results and index
        long forget = complete - config.slicesPerWindow() - IncrementalState.lateSlices(config);
        s.windows.headMap(forget, true).clear();
        s.nextIndex.headMap(forget, true).clear();
        s.risingWindows.headMap(forget, true).clear();
        s.risingNextIndex.headMap(forget, true).clear();
      }
      state.write(s);
    }

    /**
     * Publishes the window's merged ON_TIME result (if asked and any), then a LATE one if a shard's
     * latest is late.
     */
    private void publish(
        MergeState s,
        String dimension,
        long window,
        boolean onTime,
        boolean rising,
        OutputReceiver<Trend> out) {
      Map<Integer, RingReport.WindowResult[]> byShard =
          s.windows(rising).getOrDefault(window, Map.of());
      List<RingReport.WindowResult> onTimeResults = new ArrayList<>();
      List<RingReport.WindowResult> latest = new ArrayList<>();
      boolean anyLate = false;
      for (RingReport.WindowResult[] r : byShard.values()) {
        if (r[MergeState.ON_TIME] != null) {
          onTimeResults.add(r[MergeState.ON_TIME]);
        }
        latest.add(r[MergeState.LATEST]);
        anyLate |= r[MergeState.LATEST].late();
      }
      if (onTime && !onTimeResults.isEmpty()) {
        out.output(
            rising
                ? mergedRising(s, dimension, window, false, onTimeResults)
                : merged(s, dimension, window, false, onTimeResults));
      }
      if (anyLate) {
        out.output(
            rising
                ? mergedRising(s, dimension, window, true, latest)
                : merged(s, dimension, window, true, latest));
      }
    }

    private Trend mergedRising(
        MergeState s,
        String dimension,
        long window,
        boolean late,
        List<RingReport.WindowResult> parts) {
      List<RisingItem> items =
          firstK(parts, RingReport.WindowResult::risingItems, RisingScore.ORDER, config.topK());
      int index = s.risingNextIndex.merge(window, 1, Integer::sum) - 1;
      return trend(
          config,
          dimension,
          RingReport.WindowResult.rising(window, late, index, total(parts), items));
    }

    private Trend merged(
        MergeState s,
        String dimension,
        long window,
        boolean late,
        List<RingReport.WindowResult> parts) {
      List<TrendItem> items = firstK(parts, RingReport.WindowResult::items, RANKED, config.topK());
      int index = s.nextIndex.merge(window, 1, Integer::sum) - 1;
      return trend(
          config,
          dimension,
          RingReport.WindowResult.counts(window, late, index, total(parts), items));
    }

    private static long total(List<RingReport.WindowResult> parts) {
      long total = 0;
      for (RingReport.WindowResult p : parts) {
        total += p.total();
      }
      return total;
    }

    /**
     * The first {@code k} of all the shards' items in {@code order}. Each key lives in one shard,
     * so the shards' top K lists together hold the global top K.
     */
    private static <T> List<T> firstK(
        List<RingReport.WindowResult> parts,
        Function<RingReport.WindowResult, List<T>> itemsOf,
        Comparator<? super T> order,
        int k) {
      TreeSet<T> ranked = new TreeSet<>(order);
      for (RingReport.WindowResult p : parts) {
        ranked.addAll(itemsOf.apply(p));
      }
      List<T> first = new ArrayList<>(k);
      for (T item : ranked) {
        if (first.size() == k) {
          break;
        }
        first.add(item);
      }
      return first;
    }

    private static final Comparator<TrendItem> RANKED =
        (a, b) -> KeyOrder.compareRanked(a.getKey(), a.getCount(), b.getKey(), b.getCount());
  }

  /**
   * The merge's memory for one dimension: each shard's progress, and its latest results per window.
   */
  static final class MergeState {
    static final int ON_TIME = 0;
    static final int LATEST = 1;

    /** Layout 2 adds the rising results and their indexes. */
    private static final int VERSION = 2;

    final long[] progress;

    /**
     * Per shard, the sequence number of the next report to apply; reports that came early wait in
     * pending.
     */
    final long[] nextSeq;

    final Map<List<Object>, RingReport> pending = new HashMap<>();
    long publishedThrough = Long.MIN_VALUE;

    /** Window to shard to {latest ON_TIME result, latest result}. */
    final TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> windows = new TreeMap<>();

    final TreeMap<Long, Integer> nextIndex = new TreeMap<>();

    /** As {@link #windows} and {@link #nextIndex}, for the rising results. */
    final TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> risingWindows = new TreeMap<>();

    final TreeMap<Long, Integer> risingNextIndex = new TreeMap<>();

    TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> windows(boolean rising) {
      return rising ? risingWindows : windows;
    }

    MergeState(int shards) {
      progress = new long[shards];
      nextSeq = new long[shards];
      Arrays.fill(progress, Long.MIN_VALUE);
    }

    /** Keeps a shard's result if newer than what it had for the window; returns whether it was. */
    boolean keep(int shard, RingReport.WindowResult r) {
      RingReport.WindowResult[] kept =
          windows(r.rising())
              .computeIfAbsent(r.window(), w -> new HashMap<>())
              .computeIfAbsent(shard, x -> new RingReport.WindowResult[2]);
      if (kept[LATEST] != null && kept[LATEST].index() >= r.index()) {
        return false;
      }
      kept[LATEST] = r;
      if (!r.late()) {
        kept[ON_TIME] = r;
      }
      return true;
    }

    static final class Coder extends AtomicCoder<MergeState> {
      private static final Coder INSTANCE = new Coder();

      static Coder of() {
        return INSTANCE;
      }

      @Override
      public void encode(MergeState s, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        out.writeByte(VERSION);
        out.writeInt(s.progress.length);
        for (int i = 0; i < s.progress.length; i++) {
          out.writeLong(s.progress[i]);
          out.writeLong(s.nextSeq[i]);
        }
        out.writeInt(s.pending.size());
        for (RingReport r : s.pending.values()) {
          RingReport.write(out, r);
        }
        out.writeLong(s.publishedThrough);
        writeWindows(out, s.windows);
        writeIndexes(out, s.nextIndex);
        writeWindows(out, s.risingWindows);
        writeIndexes(out, s.risingNextIndex);
        out.flush();
      }

      private static void writeWindows(
          DataOutputStream out, TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> ws)
          throws IOException {
        out.writeInt(ws.size());
        for (Map.Entry<Long, Map<Integer, RingReport.WindowResult[]>> w : ws.entrySet()) {
          out.writeLong(w.getKey());
          out.writeInt(w.getValue().size());
          for (Map.Entry<Integer, RingReport.WindowResult[]> shard : w.getValue().entrySet()) {
            out.writeInt(shard.getKey());
            for (RingReport.WindowResult r : shard.getValue()) {
              out.writeBoolean(r != null);
              if (r != null) {
                RingReport.writeResult(out, r);
              }
            }
          }
        }
      }

      private static void readWindows(
          DataInputStream in, TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> ws)
          throws IOException {
        int windows = in.readInt();
        for (int i = 0; i < windows; i++) {
          long window = in.readLong();
          int n = in.readInt();
          Map<Integer, RingReport.WindowResult[]> byShard = new HashMap<>();
          for (int j = 0; j < n; j++) {
            int shard = in.readInt();
            RingReport.WindowResult[] kept = new RingReport.WindowResult[2];
            for (int k = 0; k < 2; k++) {
              if (in.readBoolean()) {
                kept[k] = RingReport.readResult(in, window);
              }
            }
            byShard.put(shard, kept);
          }
          ws.put(window, byShard);
        }
      }

      private static void writeIndexes(DataOutputStream out, TreeMap<Long, Integer> indexes)
          throws IOException {
        out.writeInt(indexes.size());
        for (Map.Entry<Long, Integer> e : indexes.entrySet()) {
          out.writeLong(e.getKey());
          out.writeInt(e.getValue());
        }
      }

      private static void readIndexes(DataInputStream in, TreeMap<Long, Integer> indexes)
          throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          indexes.put(in.readLong(), in.readInt());
        }
      }

      @Override
      public MergeState decode(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int version = in.readUnsignedByte();
        if (version != VERSION) {
          throw new IOException(
              "shard merge state in layout "
                  + version
                  + ", this version reads "
                  + VERSION
                  + ": restart from a fresh checkpoint directory");
        }
        MergeState s = new MergeState(in.readInt());
        for (int i = 0; i < s.progress.length; i++) {
          s.progress[i] = in.readLong();
          s.nextSeq[i] = in.readLong();
        }
        int pending = in.readInt();
        for (int i = 0; i < pending; i++) {
          RingReport r = RingReport.read(in);
          s.pending.put(List.of(r.shard, r.seq), r);
        }
        s.publishedThrough = in.readLong();
        readWindows(in, s.windows);
        readIndexes(in, s.nextIndex);
        readWindows(in, s.risingWindows);
        readIndexes(in, s.risingNextIndex);
        return s;
      }
    }
  }

  static KvCoder<String, RingReport> reportCoder() {
    return KvCoder.of(StringUtf8Coder.of(), RingReport.Coder.of());
  }
}
