package io.clicktrends.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.CustomCoder;
import org.joda.time.Duration;

/**
 * Encodes the incremental engine's state compactly, for runners that persist state between batches.
 * The state is only meaningful under the settings it was counted with (slice numbers depend on the
 * slide, the ring's length on the window size and lateness, its ranking on K), so the encoding
 * records them and decoding refuses a state saved under other settings than the running pipeline's,
 * with an {@link java.io.IOException} naming the option: "the incremental engine's saved state was
 * counted with --windowSize=10m, this pipeline runs with --windowSize=5m: restart with
 * --windowSize=10m, or from a fresh checkpoint directory ...".
 *
 * <p>This guards runners that rebuild the pipeline and restore its state. The SparkRunner instead
 * resumes a checkpointed pipeline as it was started, ignoring new options; {@link
 * CheckpointedSettings} refuses such a start before it runs.
 */
final class IncrementalStateCoder extends CustomCoder<IncrementalState> {
  /**
   * The first byte of every encoding; a state written in another layout fails to decode with a
   * message. Layout 5: the settings (window size, slide and allowed lateness in ms, K, the rising
   * minimum count), then the ring ({@link SlidingTopK#writeTo}), the result indexes, the report
   * count and the watermark passed.
   */
  static final int VERSION = 5;

  private final TrendConfig config;

  private IncrementalStateCoder(TrendConfig config) {
    this.config = Objects.requireNonNull(config);
  }

  /** A coder for the state of a pipeline running with {@code config}. */
  static IncrementalStateCoder of(TrendConfig config) {
    return new IncrementalStateCoder(config);
  }

  @Override
  public void encode(IncrementalState s, OutputStream os) throws IOException {
    DataOutputStream out = new DataOutputStream(os);
    out.writeByte(VERSION);
    out.writeLong(config.windowSize().getMillis());
    out.writeLong(config.windowSlide().getMillis());
    out.writeLong(config.allowedLateness().getMillis());
    out.writeInt(config.topK());
    out.writeInt(config.risingMinCount());
    s.ring.writeTo(out);
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
    sameDuration("windowSize", in.readLong(), config.windowSize().getMillis());
    sameDuration("windowSlide", in.readLong(), config.windowSlide().getMillis());
    sameDuration("allowedLateness", in.readLong(), config.allowedLateness().getMillis());
    same("topK", in.readInt(), config.topK());
    int risingMinCount = in.readInt();
    if (risingMinCount != config.risingMinCount()) {
      throw changed(risingSetting(risingMinCount), risingSetting(config.risingMinCount()));
    }
    SlidingTopK ring =
        SlidingTopK.readFrom(
            in,
            config.slicesPerWindow(),
            IncrementalState.lateSlices(config),
            config.topK(),
            config.risingMinCount());
    Map<Long, Integer> emitted = readIndexes(in);
    Map<Long, Integer> risingEmitted = readIndexes(in);
    long reports = in.readLong();
    long watermarkPassed = in.readLong();
    return new IncrementalState(ring, emitted, risingEmitted, reports, watermarkPassed);
  }

  private static void sameDuration(String option, long saved, long now) throws IOException {
    if (saved != now) {
      throw changed(
          "--" + option + "=" + Durations.format(Duration.millis(saved)),
          "--" + option + "=" + Durations.format(Duration.millis(now)));
    }
  }

  private static void same(String option, int saved, int now) throws IOException {
    if (saved != now) {
      throw changed("--" + option + "=" + saved, "--" + option + "=" + now);
    }
  }

  private static String risingSetting(int minCount) {
    return minCount == 0 ? "--rising=false" : "--rising=true --risingMinCount=" + minCount;
  }

  private static IOException changed(String saved, String now) {
    return new IOException(
        "the incremental engine's saved state was counted with "
            + saved
            + ", this pipeline runs with "
            + now
            + ": restart with "
            + saved
            + ", or from a fresh checkpoint directory (the saved windows' counts are then lost)");
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
}
