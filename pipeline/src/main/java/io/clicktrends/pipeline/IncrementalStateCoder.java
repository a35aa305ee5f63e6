package io.clicktrends.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Encodes the incremental engine's state compactly (runners that persist state between batches use it). */
final class IncrementalStateCoder extends AtomicCoder<IncrementalState> {
  private static final IncrementalStateCoder INSTANCE = new IncrementalStateCoder();

  static IncrementalStateCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(IncrementalState s, OutputStream os) throws IOException {
    DataOutputStream out = new DataOutputStream(os);
    out.writeInt(s.dimensions.size());
    for (Map.Entry<String, SlidingTopK> e : s.dimensions.entrySet()) {
      SlidingTopK d = e.getValue();
      out.writeUTF(e.getKey());
      out.writeInt(d.panes());
      out.writeInt(d.latePanes());
      out.writeInt(d.k());
      out.writeLong(d.last);
      out.writeLong(d.total);
      out.writeInt(d.paneCounts.size());
      for (Map.Entry<Long, Map<String, Long>> p : d.paneCounts.entrySet()) {
        out.writeLong(p.getKey());
        writeCounts(out, p.getValue());
      }
      writeCounts(out, d.windowCounts);
      Map<Long, Integer> emitted = s.emitted.getOrDefault(e.getKey(), Map.of());
      out.writeInt(emitted.size());
      for (Map.Entry<Long, Integer> w : emitted.entrySet()) {
        out.writeLong(w.getKey());
        out.writeInt(w.getValue());
      }
    }
    out.flush();
  }

  @Override
  public IncrementalState decode(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    IncrementalState s = new IncrementalState();
    int dims = in.readInt();
    for (int i = 0; i < dims; i++) {
      String dim = in.readUTF();
      int panes = in.readInt();
      int latePanes = in.readInt();
      int k = in.readInt();
      long last = in.readLong();
      long total = in.readLong();
      int paneCount = in.readInt();
      Map<Long, Map<String, Long>> paneCounts = new HashMap<>();
      for (int j = 0; j < paneCount; j++) {
        long pane = in.readLong();
        paneCounts.put(pane, readCounts(in));
      }
      Map<String, Long> window = readCounts(in);
      s.dimensions.put(dim, new SlidingTopK(panes, latePanes, k, paneCounts, last, window, total));
      int emittedCount = in.readInt();
      Map<Long, Integer> emitted = new HashMap<>();
      for (int j = 0; j < emittedCount; j++) {
        emitted.put(in.readLong(), in.readInt());
      }
      s.emitted.put(dim, emitted);
    }
    return s;
  }

  private static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Long> c : counts.entrySet()) {
      out.writeUTF(c.getKey());
      out.writeLong(c.getValue());
    }
  }

  private static Map<String, Long> readCounts(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, Long> counts = new HashMap<>(Math.max(16, n * 2));
    for (int i = 0; i < n; i++) {
      counts.put(in.readUTF(), in.readLong());
    }
    return counts;
  }
}
