package io.clicktrends.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The counts one firing of a slice produced for one ring: for slice {@code slice} (a slide-sized
 * stretch of event time), per key. {@code onTime} is true for the firing when the watermark passed
 * the slice's end, false for a late correction carrying only the late events. {@code mark} is true
 * for the firing of the slice's first part, before its lateness mark ({@link
 * LatenessMarkedSlices}): it carries no counts and tells only that the watermark passed the mark.
 */
final class SliceUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  final long slice;
  final boolean onTime;
  final boolean mark;
  final Map<String, Long> counts;

  SliceUpdate(long slice, boolean onTime, Map<String, Long> counts) {
    this(slice, onTime, false, counts);
  }

  SliceUpdate(long slice, boolean onTime, boolean mark, Map<String, Long> counts) {
    this.slice = slice;
    this.onTime = onTime;
    this.mark = mark;
    this.counts = counts;
  }

  /** Encodes slice, timing, part and counts. */
  static final class SliceUpdateCoder extends CustomCoder<SliceUpdate> {
    private static final Coder<Map<String, Long>> COUNTS = MergeSliceCounts.coder();

    @Override
    public void encode(SliceUpdate u, OutputStream out) throws IOException {
      VarLongCoder.of().encode(u.slice, out);
      BooleanCoder.of().encode(u.onTime, out);
      BooleanCoder.of().encode(u.mark, out);
      COUNTS.encode(u.counts, out);
    }

    @Override
    public SliceUpdate decode(InputStream in) throws IOException {
      return new SliceUpdate(
          VarLongCoder.of().decode(in),
          BooleanCoder.of().decode(in),
          BooleanCoder.of().decode(in),
          COUNTS.decode(in));
    }
  }
}
