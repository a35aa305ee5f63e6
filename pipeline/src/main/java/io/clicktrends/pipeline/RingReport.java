package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.TrendItem;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * What one ring (one shard of a dimension) reports after one step: the window results it emitted,
 * in order, and the last slice its windows are complete through. One report per step, so a reader
 * never sees a ring's progress without the results that came with it.
 */
final class RingReport {
  /**
   * A ring's result for one window: count trend or rising trend, ON_TIME or LATE, its own result
   * index for the window and kind, the window's total and the top K items by count ({@code rising
   * == false}) or the top K rising items.
   */
  record WindowResult(
      long window,
      boolean rising,
      boolean late,
      int index,
      long total,
      List<TrendItem> items,
      List<RisingItem> risingItems) {
    static WindowResult counts(
        long window, boolean late, int index, long total, List<TrendItem> items) {
      return new WindowResult(window, false, late, index, total, items, List.of());
    }

    static WindowResult rising(
        long window, boolean late, int index, long total, List<RisingItem> items) {
      return new WindowResult(window, true, late, index, total, List.of(), items);
    }
  }

  final int shard;

  /**
   * The report's number in its ring's sequence (from 0): a runner may deliver a ring's reports out
   * of order.
   */
  final long seq;

  /** The ring's last completed slice ({@link Long#MIN_VALUE} before its first). */
  final long completedThrough;

  final List<WindowResult> results;

  RingReport(int shard, long seq, long completedThrough, List<WindowResult> results) {
    this.shard = shard;
    this.seq = seq;
    this.completedThrough = completedThrough;
    this.results = results;
  }

  static final class Coder extends AtomicCoder<RingReport> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(RingReport r, OutputStream os) throws IOException {
      DataOutputStream out = new DataOutputStream(os);
      write(out, r);
      out.flush();
    }

    @Override
    public RingReport decode(InputStream is) throws IOException {
      return read(new DataInputStream(is));
    }
  }

  static void write(DataOutputStream out, RingReport r) throws IOException {
    out.writeInt(r.shard);
    out.writeLong(r.seq);
    out.writeLong(r.completedThrough);
    out.writeInt(r.results.size());
    for (WindowResult w : r.results) {
      out.writeLong(w.window());
      writeResult(out, w);
    }
  }

  static RingReport read(DataInputStream in) throws IOException {
    int shard = in.readInt();
    long seq = in.readLong();
    long through = in.readLong();
    int n = in.readInt();
    List<WindowResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(readResult(in, in.readLong()));
    }
    return new RingReport(shard, seq, through, results);
  }

  /** Writes a result without its window: kind, timing, index, total and items. */
  static void writeResult(DataOutputStream out, WindowResult w) throws IOException {
    out.writeBoolean(w.rising());
    out.writeBoolean(w.late());
    out.writeInt(w.index());
    out.writeLong(w.total());
    if (w.rising()) {
      out.writeInt(w.risingItems().size());
      for (RisingItem item : w.risingItems()) {
        out.writeUTF(item.getKey());
        out.writeLong(item.getCount());
        out.writeLong(item.getPrevious());
        out.writeDouble(item.getScore());
      }
    } else {
      writeItems(out, w.items());
    }
  }

  static WindowResult readResult(DataInputStream in, long window) throws IOException {
    boolean rising = in.readBoolean();
    boolean late = in.readBoolean();
    int index = in.readInt();
    long total = in.readLong();
    if (!rising) {
      return WindowResult.counts(window, late, index, total, readItems(in));
    }
    int n = in.readInt();
    List<RisingItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new RisingItem(in.readUTF(), in.readLong(), in.readLong(), in.readDouble()));
    }
    return WindowResult.rising(window, late, index, total, items);
  }

  static void writeItems(DataOutputStream out, List<TrendItem> items) throws IOException {
    out.writeInt(items.size());
    for (TrendItem item : items) {
      out.writeUTF(item.getKey());
      out.writeLong(item.getCount());
    }
  }

  static List<TrendItem> readItems(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<TrendItem> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new TrendItem(in.readUTF(), in.readLong()));
    }
    return items;
  }
}
