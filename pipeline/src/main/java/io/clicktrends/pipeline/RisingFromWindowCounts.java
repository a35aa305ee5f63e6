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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;

/**
 * The sliding-windows engine's rising trends: from each firing of a sliding window's full key
 * counts (accumulating, so a firing holds the window's counts as they stand), per dimension, the
 * rising result of that window (its counts against the latest counts of the window before it) and,
 * when the window after it has fired already, that window's rising result again (LATE: its previous
 * window changed). So each rising result is the function of the counts published for the two
 * windows ({@link ReferenceComputation#compute} gives the rule). Input: dimension to the firings of
 * one step ({@link GroupPerStep}), taken in window order, so a late firing of a window counts
 * before the on-time firing of the window after it in the same step.
 */
final class RisingFromWindowCounts
    extends DoFn<KV<String, Iterable<RisingFromWindowCounts.Firing>>, Trend> {
  /** One firing of a sliding window: its end (epoch millis), timing, index and full key counts. */
  record Firing(long end, boolean late, long index, Map<String, Long> counts) {}

  /** Per window end: the latest firing seen, and the index of the next rising result. */
  static final class Memory {
    final TreeMap<Long, Firing> latest = new TreeMap<>();
    final TreeMap<Long, Integer> nextIndex = new TreeMap<>();
  }

  private final TrendConfig config;
  private final boolean keepEverything;

  @StateId("memory")
  private final StateSpec<ValueState<Memory>> memorySpec = StateSpecs.value(MemoryCoder.INSTANCE);

  /**
   * @param bounded a bounded input: its firings come gathered whole per dimension (the engine
   *     groups them so), and a window's counts are kept to the end of the finite input
   */
  RisingFromWindowCounts(TrendConfig config, boolean bounded) {
    this.config = config;
    this.keepEverything = bounded;
  }

  @ProcessElement
  public void process(
      @Element KV<String, Iterable<Firing>> element,
      @StateId("memory") ValueState<Memory> state,
      OutputReceiver<Trend> out) {
    Memory m = state.read();
    if (m == null) {
      m = new Memory();
    }
    long size = config.windowSize().getMillis();
    List<Firing> firings = new ArrayList<>();
    element.getValue().forEach(firings::add);
    firings.sort(Comparator.comparingLong(Firing::end).thenComparingLong(Firing::index));
    for (Firing f : firings) {
      Firing kept = m.latest.get(f.end());
      if (kept != null && kept.index() >= f.index()) {
        continue;
      }
      m.latest.put(f.end(), f);
      Firing previous = m.latest.get(f.end() - size);
      out.output(
          rising(
              m,
              element.getKey(),
              f.end(),
              f.late(),
              f.counts(),
              previous == null ? Map.of() : previous.counts()));
      Firing next = m.latest.get(f.end() + size);
      if (next != null) {
        out.output(rising(m, element.getKey(), next.end(), true, next.counts(), f.counts()));
      }
    }
    // a window's late firings come before the watermark passes its end plus the allowed lateness,
    // so before a window
    // ending that much later has fired; the window after it must be kept for as long
    if (m.latest.isEmpty() || keepEverything) {
      state.write(m);
      return;
    }
    long horizon =
        m.latest.lastKey()
            - 2 * size
            - config.allowedLateness().getMillis()
            - config.windowSlide().getMillis();
    m.latest.headMap(horizon, true).clear();
    m.nextIndex.headMap(horizon, true).clear();
    state.write(m);
  }

  private Trend rising(
      Memory m,
      String dimension,
      long end,
      boolean late,
      Map<String, Long> c,
      Map<String, Long> b) {
    List<RisingItem> listed = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, Long> e : c.entrySet()) {
      total += e.getValue();
      long before = b.getOrDefault(e.getKey(), 0L);
      if (RisingScore.listed(e.getValue(), before, config.risingMinCount())) {
        listed.add(
            new RisingItem(
                e.getKey(), e.getValue(), before, RisingScore.score(e.getValue(), before)));
      }
    }
    listed.sort(RisingScore.ORDER);
    List<RisingItem> top =
        new ArrayList<>(listed.subList(0, Math.min(config.topK(), listed.size())));
    List<TrendItem> items = new ArrayList<>(top.size());
    for (RisingItem r : top) {
      items.add(new TrendItem(r.getKey(), r.getCount()));
    }
    return Trend.newBuilder()
        .setDimension(dimension)
        .setWindowStart(Instant.ofEpochMilli(end - config.windowSize().getMillis()))
        .setWindowEnd(Instant.ofEpochMilli(end))
        .setTotal(total)
        .setItems(items)
        .setRising(top)
        .setKind(TrendJson.RISING)
        .setTiming(late ? "LATE" : "ON_TIME")
        .setPaneIndex(m.nextIndex.merge(end, 1, Integer::sum) - 1)
        .setEmittedAt(Instant.now())
        .build();
  }

  /** Turns a window's full counts into a {@link Firing} that names the window and the pane. */
  static final class ToFiring extends DoFn<KV<String, Map<String, Long>>, KV<String, Firing>> {
    @ProcessElement
    public void process(
        @Element KV<String, Map<String, Long>> counts,
        IntervalWindow window,
        PaneInfo pane,
        OutputReceiver<KV<String, Firing>> out) {
      out.output(
          KV.of(
              counts.getKey(),
              new Firing(
                  window.end().getMillis(),
                  pane.getTiming() == PaneInfo.Timing.LATE,
                  pane.getIndex(),
                  counts.getValue())));
    }
  }

  static KvCoder<String, Firing> firingCoder() {
    return KvCoder.of(StringUtf8Coder.of(), FiringCoder.INSTANCE);
  }

  static final class FiringCoder extends AtomicCoder<Firing> {
    static final FiringCoder INSTANCE = new FiringCoder();

    @Override
    public void encode(Firing f, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      write(out, f);
      out.flush();
    }

    @Override
    public Firing decode(InputStream is) throws IOException {
      return read(new DataInputStream(is));
    }

    static void write(DataOutputStream out, Firing f) throws IOException {
      out.writeLong(f.end());
      out.writeBoolean(f.late());
      out.writeLong(f.index());
      out.writeInt(f.counts().size());
      for (Map.Entry<String, Long> e : f.counts().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
    }

    static Firing read(DataInputStream in) throws IOException {
      long end = in.readLong();
      boolean late = in.readBoolean();
      long index = in.readLong();
      int n = in.readInt();
      Map<String, Long> counts = new HashMap<>();
      for (int i = 0; i < n; i++) {
        counts.put(in.readUTF(), in.readLong());
      }
      return new Firing(end, late, index, counts);
    }
  }

  static final class MemoryCoder extends AtomicCoder<Memory> {
    static final MemoryCoder INSTANCE = new MemoryCoder();

    @Override
    public void encode(Memory m, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(m.latest.size());
      for (Firing f : m.latest.values()) {
        FiringCoder.write(out, f);
      }
      out.writeInt(m.nextIndex.size());
      for (Map.Entry<Long, Integer> e : m.nextIndex.entrySet()) {
        out.writeLong(e.getKey());
        out.writeInt(e.getValue());
      }
      out.flush();
    }

    @Override
    public Memory decode(InputStream is) throws IOException {
      DataInputStream in = new DataInputStream(is);
      Memory m = new Memory();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        Firing f = FiringCoder.read(in);
        m.latest.put(f.end(), f);
      }
      int k = in.readInt();
      for (int i = 0; i < k; i++) {
        m.nextIndex.put(in.readLong(), in.readInt());
      }
      return m;
    }
  }
}
