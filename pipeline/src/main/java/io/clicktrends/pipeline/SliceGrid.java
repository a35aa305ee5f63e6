package io.clicktrends.pipeline;

import java.io.Serializable;

/**
 * The slice arithmetic of the incremental engine, in one place. Event time (epoch millis) is cut
 * into slices one slide long, numbered from the epoch: slice {@code n} covers {@code [n*slide,
 * (n+1)*slide)}. A window is named by its last slice: the window ending with slice {@code n} covers
 * slices {@code n-P+1 .. n}, P = slices per window, and its bounds are {@code [(n-P+1)*slide,
 * (n+1)*slide)}.
 *
 * <p>Example, a 10 min window every 10 s (slide 10,000 ms, P = 60): an event at 12:00:05 UTC on
 * 2026-11-29 (1,795,953,605,000 ms) is in slice 179,595,360; the windows containing it end with
 * slices 179,595,360 to 179,595,419, and the first of them covers {@code [11:50:10, 12:00:10)}.
 * Negative times floor too: -1 ms is in slice -1.
 *
 * <p>{@link ReferenceComputation} deliberately does its own arithmetic, so a mistake here cannot
 * hide by being shared with the yardstick.
 *
 * @param slideMillis the slide, which is the slice length, in milliseconds; positive
 * @param slicesPerWindow P, windowSize / windowSlide; positive
 */
public record SliceGrid(long slideMillis, int slicesPerWindow) implements Serializable {
  public SliceGrid {
    if (slideMillis <= 0) {
      throw new IllegalArgumentException("slide must be positive, was " + slideMillis + " ms");
    }
    if (slicesPerWindow <= 0) {
      throw new IllegalArgumentException(
          "slices per window must be positive, was " + slicesPerWindow);
    }
  }

  /** The slice holding {@code epochMillis}. */
  public long sliceOf(long epochMillis) {
    return Math.floorDiv(epochMillis, slideMillis);
  }

  /** Slice {@code n}'s first instant, epoch millis. */
  public long start(long n) {
    return n * slideMillis;
  }

  /** Slice {@code n}'s exclusive end, epoch millis: also the end of the window ending with it. */
  public long end(long n) {
    return (n + 1) * slideMillis;
  }

  /** The start (epoch millis) of the window whose last slice is {@code n}. */
  public long windowStart(long n) {
    return start(n - slicesPerWindow + 1);
  }
}
