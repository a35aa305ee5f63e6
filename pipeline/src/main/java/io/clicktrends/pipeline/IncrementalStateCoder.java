package io.clicktrends.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * Encodes the incremental engine's state compactly (runners that persist state between batches use
 * it).
 */
final class IncrementalStateCoder extends AtomicCoder<IncrementalState> {
  private static final IncrementalStateCoder INSTANCE = new IncrementalStateCoder();

  static IncrementalStateCoder of() {
    return INSTANCE;
  }

  /**
   * The first byte of every encoding; a state written in another layout fails to decode with a
   * message. Layout 4 adds the rising trends' minimum count and previous-window counts, the late
   * counts some windows dropped, and the rising results' indexes.
   */
  static final int VERSION = 4;

  @Override
  public void encode(IncrementalState s, OutputStream os) throws IOException {
    DataOutputStream out = new DataOutputStream(os);
    SlidingTopK d = s.ring;
    out.writeByte(VERSION);
    out.writeInt(d.slices());
    out.writeInt(d.lateSlices());
    out.writeInt(d.k());
    out.writeInt(d.risingMinCount());
    out.writeLong(d.last);
    out.writeLong(d.total);
    out.writeInt(d.sliceCounts.size());
    for (Map.Entry<Long, Map<String, Long>> p : d.sliceCounts.entrySet()) {
      out.writeLong(p.getKey());
      writeCounts(out, p.getValue());
    }
    writeCounts(out, d.windowCounts);
    writeCounts(out, d.previousCounts);
    out.writeInt(d.exclusions.size());
    for (SlidingTopK.Exclusion x : d.exclusions) {
      out.writeLong(x.slice());
      out.writeLong(x.from());
      writeCounts(out, x.counts());
    }
    writeIndexes(out, s.emitted);
    writeIndexes(out, s.risingEmitted);
    out.writeLong(s.reports);
    out.writeLong(s.watermarkPassed);
    out.flush();
  }

  @Override
  public IncrementalState decode(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException(
          "incremental engine state in layout "
              + version
              + ", this version reads "
              + VERSION
              + ": restart from a fresh checkpoint directory");
    }
    int slices = in.readInt();
    int lateSlices = in.readInt();
    int k = in.readInt();
    int risingMinCount = in.readInt();
    long last = in.readLong();
    long total = in.readLong();
    int sliceCount = in.readInt();
    Map<Long, Map<String, Long>> sliceCounts = new HashMap<>();
    for (int j = 0; j < sliceCount; j++) {
      long slice = in.readLong();
      sliceCounts.put(slice, readCounts(in));
    }
    Map<String, Long> window = readCounts(in);
    Map<String, Long> previous = readCounts(in);
    int exclusionCount = in.readInt();
    List<SlidingTopK.Exclusion> exclusions = new ArrayList<>(exclusionCount);
    for (int j = 0; j < exclusionCount; j++) {
      exclusions.add(new SlidingTopK.Exclusion(in.readLong(), in.readLong(), readCounts(in)));
    }
    Map<Long, Integer> emitted = readIndexes(in);
    Map<Long, Integer> risingEmitted = readIndexes(in);
    long reports = in.readLong();
    long watermarkPassed = in.readLong();
    return new IncrementalState(
        new SlidingTopK(
            slices,
            lateSlices,
            k,
            risingMinCount,
            sliceCounts,
            last,
            window,
            total,
            previous,
            exclusions),
        emitted,
        risingEmitted,
        reports,
        watermarkPassed);
  }

  private static void writeIndexes(DataOutputStream out, Map<Long, Integer> indexes)
      throws IOException {
    out.writeInt(indexes.size());
    for (Map.Entry<Long, Integer> w : indexes.entrySet()) {
      out.writeLong(w.getKey());
      out.writeInt(w.getValue());
    }
  }

  private static Map<Long, Integer> readIndexes(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<Long, Integer> indexes = new HashMap<>();
    for (int j = 0; j < n; j++) {
      indexes.put(in.readLong(), in.readInt());
    }
    return indexes;
  }

  private static void writeCounts(DataOutputStream out, Map<String, Long> counts)
      throws IOException {
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
