package io.clicktrends.pipeline;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.NonMergingWindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowMappingFn;
import org.joda.time.Instant;

/**
 * The incremental engine's slide-sized slices as Beam windows, each split at its lateness mark when
 * the allowed lateness is not a whole number of slides. Slice {@code n} covers {@code [n*slide,
 * (n+1)*slide)}; with {@code mark = allowedLateness mod slide > 0} it is two windows, {@code
 * [n*slide, n*slide+mark)} and {@code [n*slide+mark, (n+1)*slide)}, otherwise one. Times are epoch
 * milliseconds.
 *
 * <p>Why: a late event corrects the window ending at {@code e} while the watermark is at most
 * {@code e - 1ms + allowedLateness} ({@link TrendConfig#latenessDeadline}). For windows ending on
 * slide boundaries, those deadlines are the last instants of the first parts ({@code mark > 0}) or
 * of whole slices ({@code mark = 0}). Each window's on-time firing shows that the watermark passed
 * its last instant, so firing both parts tells the engine when each deadline passed, exactly, with
 * no timer. Counts go only into second parts (stamped at a slice's last instant); first parts carry
 * only ticks.
 */
final class LatenessMarkedSlices extends NonMergingWindowFn<Object, IntervalWindow> {
  private static final long serialVersionUID = 1L;

  private final long slide;
  private final long mark;

  /**
   * @param slideMillis the slide (slice length), positive
   * @param markMillis where each slice is split, from its start: allowed lateness mod slide, in
   *     {@code [0, slide)}
   */
  LatenessMarkedSlices(long slideMillis, long markMillis) {
    if (slideMillis <= 0 || markMillis < 0 || markMillis >= slideMillis) {
      throw new IllegalArgumentException(
          "slice split at " + markMillis + " ms of a " + slideMillis + " ms slice");
    }
    this.slide = slideMillis;
    this.mark = markMillis;
  }

  /** The window an instant (epoch millis) falls in. */
  IntervalWindow windowOf(long t) {
    long start = Math.floorDiv(t, slide) * slide;
    if (mark == 0) {
      return new IntervalWindow(new Instant(start), new Instant(start + slide));
    }
    long split = start + mark;
    return t < split
        ? new IntervalWindow(new Instant(start), new Instant(split))
        : new IntervalWindow(new Instant(split), new Instant(start + slide));
  }

  /** Whether a window is the first part of a split slice: it carries only ticks, never counts. */
  boolean isMarkPart(IntervalWindow w) {
    return mark != 0 && Math.floorMod(w.start().getMillis(), slide) == 0;
  }

  @Override
  public Collection<IntervalWindow> assignWindows(AssignContext c) {
    return List.of(windowOf(c.timestamp().getMillis()));
  }

  @Override
  public boolean isCompatible(WindowFn<?, ?> other) {
    return equals(other);
  }

  @Override
  public Coder<IntervalWindow> windowCoder() {
    return IntervalWindow.getCoder();
  }

  @Override
  public WindowMappingFn<IntervalWindow> getDefaultWindowMappingFn() {
    return new WindowMappingFn<>() {
      @Override
      public IntervalWindow getSideInputWindow(BoundedWindow mainWindow) {
        if (mainWindow instanceof GlobalWindow) {
          throw new IllegalArgumentException("no side input window for the global window");
        }
        return windowOf(mainWindow.maxTimestamp().getMillis());
      }
    };
  }

  @Override
  public boolean assignsToOneWindow() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatenessMarkedSlices m && m.slide == slide && m.mark == mark;
  }

  @Override
  public int hashCode() {
    return Objects.hash(slide, mark);
  }
}
