package io.clicktrends.pipeline;

import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * Turns the rings' reports into trends: with one shard per dimension a ring's results are the dimension's; with
 * several, the shards' per-window top K are merged into the exact global top K (each key lives in one shard, so the
 * union of the shards' top K holds the global top K; totals add up).
 *
 * <p>A merged window is published ON_TIME once every shard of its dimension has completed it (the shards get the same
 * pane firings, see {@link CountPerPaneInBundle}), from each shard's latest ON_TIME result; when a shard's latest
 * result for it is LATE, a LATE result from every shard's latest follows. A shard's later result for a published
 * window (late data, or on-time data a runner delivered out of order) restates it in the same way.
 */
final class RankAcrossShards extends PTransform<PCollection<KV<String, RingReport>>, PCollection<Trend>> {
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
      trends = reports
          .apply("GroupByDimension", new GroupPerStep<>())
          .apply("MergeShards", ParDo.of(new MergeShards(config, shards)));
    }
    return trends.setCoder(AvroCoder.of(Trend.class));
  }

  static Trend trend(TrendConfig config, String dimension, long window, boolean late, int index, long total,
      List<TrendItem> items) {
    long slide = config.windowSlide().getMillis();
    return Trend.newBuilder()
        .setDimension(dimension)
        .setWindowStart(Instant.ofEpochMilli((window - config.panesPerWindow() + 1) * slide))
        .setWindowEnd(Instant.ofEpochMilli((window + 1) * slide))
        .setTotal(total)
        .setItems(items)
        .setTiming(late ? "LATE" : "ON_TIME")
        .setPaneIndex(index)
        .setEmittedAt(Instant.now())
        .build();
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
        out.output(trend(config, report.getKey(), r.window(), r.late(), r.index(), r.total(), r.items()));
      }
    }
  }

  /** Merges the shards of one dimension; its state is small: K items per shard per window still correctable. */
  static final class MergeShards extends DoFn<KV<String, Iterable<RingReport>>, Trend> {
    private final TrendConfig config;
    private final int shards;

    @StateId("merge")
    private final StateSpec<ValueState<MergeState>> mergeSpec = StateSpecs.value(MergeState.Coder.of());

    MergeShards(TrendConfig config, int shards) {
      this.config = config;
      this.shards = shards;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<RingReport>> element,
        @StateId("merge") ValueState<MergeState> state, OutputReceiver<Trend> out) {
      MergeState s = state.read();
      if (s == null) {
        s = new MergeState(shards);
      }
      TreeMap<Long, Boolean> restated = new TreeMap<>(); // published windows a shard changed: true if by late data
      for (RingReport report : element.getValue()) {
        s.pending.put(List.of(report.shard, report.seq), report);
      }
      // each shard's reports in its own order: a report is applied only after every earlier one of its shard
      for (int shard = 0; shard < shards; shard++) {
        RingReport report;
        while ((report = s.pending.remove(List.of(shard, s.nextSeq[shard]))) != null) {
          s.nextSeq[shard]++;
          s.progress[shard] = Math.max(s.progress[shard], report.completedThrough);
          for (RingReport.WindowResult r : report.results) {
            if (s.keep(report.shard, r) && r.window() <= s.publishedThrough) {
              restated.merge(r.window(), r.late(), Boolean::logicalOr);
            }
          }
        }
      }
      long complete = Arrays.stream(s.progress).min().getAsLong();
      String dimension = element.getKey();
      for (Map.Entry<Long, Boolean> w : restated.entrySet()) {
        publish(s, dimension, w.getKey(), !w.getValue(), out);
      }
      if (complete > s.publishedThrough) {
        for (long window : new ArrayList<>(s.windows.subMap(s.publishedThrough, false, complete, true).keySet())) {
          publish(s, dimension, window, true, out);
        }
        s.publishedThrough = complete;
      }
      if (complete != Long.MIN_VALUE) {
        // as long as a shard may still restate a window (SlidingTopK.oldestRecountable), keep its results and index
        long forget = complete - config.panesPerWindow() - IncrementalState.latePanes(config);
        s.windows.headMap(forget, true).clear();
        s.nextIndex.headMap(forget, true).clear();
      }
      state.write(s);
    }

    /** Publishes the window's merged ON_TIME result (if asked and any), then a LATE one if a shard's latest is late. */
    private void publish(MergeState s, String dimension, long window, boolean onTime, OutputReceiver<Trend> out) {
      Map<Integer, RingReport.WindowResult[]> byShard = s.windows.getOrDefault(window, Map.of());
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
        out.output(merged(s, dimension, window, false, onTimeResults));
      }
      if (anyLate) {
        out.output(merged(s, dimension, window, true, latest));
      }
    }

    private Trend merged(MergeState s, String dimension, long window, boolean late,
        List<RingReport.WindowResult> parts) {
      long total = 0;
      TreeSet<TrendItem> ranked = new TreeSet<>((a, b) -> KeyOrder.compareRanked(a.getKey(), a.getCount(),
          b.getKey(), b.getCount()));
      for (RingReport.WindowResult p : parts) {
        total += p.total();
        ranked.addAll(p.items());
      }
      List<TrendItem> items = new ArrayList<>(config.topK());
      for (TrendItem item : ranked) {
        if (items.size() == config.topK()) {
          break;
        }
        items.add(item);
      }
      int index = s.nextIndex.merge(window, 1, Integer::sum) - 1;
      return trend(config, dimension, window, late, index, total, items);
    }
  }

  /** The merge's memory for one dimension: each shard's progress, and its latest results per window. */
  static final class MergeState {
    static final int ON_TIME = 0;
    static final int LATEST = 1;
    private static final int VERSION = 1;

    final long[] progress;
    /** Per shard, the sequence number of the next report to apply; reports that came early wait in pending. */
    final long[] nextSeq;
    final Map<List<Object>, RingReport> pending = new HashMap<>();
    long publishedThrough = Long.MIN_VALUE;
    /** Window to shard to {latest ON_TIME result, latest result}. */
    final TreeMap<Long, Map<Integer, RingReport.WindowResult[]>> windows = new TreeMap<>();
    final TreeMap<Long, Integer> nextIndex = new TreeMap<>();

    MergeState(int shards) {
      progress = new long[shards];
      nextSeq = new long[shards];
      Arrays.fill(progress, Long.MIN_VALUE);
    }

    /** Keeps a shard's result if newer than what it had for the window; returns whether it was. */
    boolean keep(int shard, RingReport.WindowResult r) {
      RingReport.WindowResult[] kept = windows.computeIfAbsent(r.window(), w -> new HashMap<>())
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
        out.writeInt(s.windows.size());
        for (Map.Entry<Long, Map<Integer, RingReport.WindowResult[]>> w : s.windows.entrySet()) {
          out.writeLong(w.getKey());
          out.writeInt(w.getValue().size());
          for (Map.Entry<Integer, RingReport.WindowResult[]> shard : w.getValue().entrySet()) {
            out.writeInt(shard.getKey());
            for (RingReport.WindowResult r : shard.getValue()) {
              out.writeBoolean(r != null);
              if (r != null) {
                out.writeBoolean(r.late());
                out.writeInt(r.index());
                out.writeLong(r.total());
                RingReport.writeItems(out, r.items());
              }
            }
          }
        }
        out.writeInt(s.nextIndex.size());
        for (Map.Entry<Long, Integer> e : s.nextIndex.entrySet()) {
          out.writeLong(e.getKey());
          out.writeInt(e.getValue());
        }
        out.flush();
      }

      @Override
      public MergeState decode(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(is);
        int version = in.readUnsignedByte();
        if (version != VERSION) {
          throw new IOException("shard merge state in layout " + version + ", this version reads " + VERSION
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
                kept[k] = new RingReport.WindowResult(window, in.readBoolean(), in.readInt(), in.readLong(),
                    RingReport.readItems(in));
              }
            }
            byShard.put(shard, kept);
          }
          s.windows.put(window, byShard);
        }
        int indexes = in.readInt();
        for (int i = 0; i < indexes; i++) {
          s.nextIndex.put(in.readLong(), in.readInt());
        }
        return s;
      }
    }
  }

  static KvCoder<String, RingReport> reportCoder() {
    return KvCoder.of(StringUtf8Coder.of(), RingReport.Coder.of());
  }
}
