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
 * The counts one firing of a pane produced for one ring: for pane {@code pane} (a slide-sized
 * stretch of event time), per key. {@code onTime} is true for the firing when the watermark passed
 * the pane's end, false for a late correction carrying only the late events. {@code mark} is true
 * for the firing of the pane's first part, before its lateness mark ({@link LatenessMarkedPanes}):
 * it carries no counts and tells only that the watermark passed the mark.
 */
final class PaneUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  final long pane;
  final boolean onTime;
  final boolean mark;
  final Map<String, Long> counts;

  PaneUpdate(long pane, boolean onTime, Map<String, Long> counts) {
    this(pane, onTime, false, counts);
  }

  PaneUpdate(long pane, boolean onTime, boolean mark, Map<String, Long> counts) {
    this.pane = pane;
    this.onTime = onTime;
    this.mark = mark;
    this.counts = counts;
  }

  /** Encodes pane, timing, part and counts. */
  static final class PaneUpdateCoder extends CustomCoder<PaneUpdate> {
    private static final Coder<Map<String, Long>> COUNTS = MergePaneCounts.coder();

    @Override
    public void encode(PaneUpdate u, OutputStream out) throws IOException {
      VarLongCoder.of().encode(u.pane, out);
      BooleanCoder.of().encode(u.onTime, out);
      BooleanCoder.of().encode(u.mark, out);
      COUNTS.encode(u.counts, out);
    }

    @Override
    public PaneUpdate decode(InputStream in) throws IOException {
      return new PaneUpdate(
          VarLongCoder.of().decode(in),
          BooleanCoder.of().decode(in),
          BooleanCoder.of().decode(in),
          COUNTS.decode(in));
    }
  }
}
