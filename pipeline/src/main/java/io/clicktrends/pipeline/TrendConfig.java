package io.clicktrends.pipeline;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.joda.time.Duration;

/** The validated, immutable settings of a trend computation. */
public final class TrendConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The dimensions ranked when --dimensions is not given. */
  public static final String DEFAULT_DIMENSIONS =
      "add_to_cart,search,category_view,product_view,purchase";

  private final Duration windowSize;
  private final Duration windowSlide;
  private final int topK;
  private final Duration allowedLateness;
  private final List<Dimension> dimensions;

  /**
   * 0: no rising trends; otherwise the least count c a key needs in a window to be listed as
   * rising.
   */
  private final int risingMinCount;

  /** The least count a key needs to be listed as rising when --risingMinCount is not given. */
  public static final int DEFAULT_RISING_MIN_COUNT = 5;

  private TrendConfig(
      Duration windowSize,
      Duration windowSlide,
      int topK,
      Duration allowedLateness,
      List<Dimension> dimensions,
      int risingMinCount) {
    this.windowSize = windowSize;
    this.windowSlide = windowSlide;
    this.topK = topK;
    this.allowedLateness = allowedLateness;
    this.dimensions = Collections.unmodifiableList(new ArrayList<>(dimensions));
    this.risingMinCount = risingMinCount;
  }

  /** Parses and validates the options; the exception names the bad option and value. */
  public static TrendConfig from(TrendOptions o) {
    List<Dimension> dims = new ArrayList<>();
    List<String> names =
        o.getDimensions() != null ? o.getDimensions() : List.of(DEFAULT_DIMENSIONS);
    for (String s : names) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          dims.add(Dimension.parse(part));
        }
      }
    }
    TrendConfig counts =
        of(
            Durations.parse("windowSize", o.getWindowSize()),
            Durations.parse("windowSlide", o.getWindowSlide()),
            o.getTopK(),
            Durations.parse("allowedLateness", o.getAllowedLateness()),
            dims);
    return o.getRising() ? counts.withRising(o.getRisingMinCount()) : counts;
  }

  /**
   * Validates and builds a configuration of count trends only (no rising trends; see {@link
   * #withRising}); the exception names the bad value.
   */
  public static TrendConfig of(
      Duration windowSize,
      Duration windowSlide,
      int topK,
      Duration allowedLateness,
      List<Dimension> dimensions) {
    Objects.requireNonNull(windowSize, "windowSize");
    Objects.requireNonNull(windowSlide, "windowSlide");
    Objects.requireNonNull(allowedLateness, "allowedLateness");
    if (windowSlide.getMillis() <= 0) {
      throw new IllegalArgumentException(
          "--windowSlide=" + Durations.format(windowSlide) + " must be positive");
    }
    if (windowSize.getMillis() <= 0) {
      throw new IllegalArgumentException(
          "--windowSize=" + Durations.format(windowSize) + " must be positive");
    }
    if (windowSlide.isLongerThan(windowSize)) {
      throw new IllegalArgumentException(
          "--windowSlide="
              + Durations.format(windowSlide)
              + " is longer than --windowSize="
              + Durations.format(windowSize));
    }
    if (windowSize.getMillis() % windowSlide.getMillis() != 0) {
      throw new IllegalArgumentException(
          "--windowSize="
              + Durations.format(windowSize)
              + " is not a multiple of --windowSlide="
              + Durations.format(windowSlide));
    }
    if (topK < 1) {
      throw new IllegalArgumentException("--topK=" + topK + " must be at least 1");
    }
    if (allowedLateness.getMillis() < 0) {
      throw new IllegalArgumentException(
          "--allowedLateness=" + Durations.format(allowedLateness) + " must not be negative");
    }
    if (dimensions == null || dimensions.isEmpty()) {
      throw new IllegalArgumentException("--dimensions is empty; name at least one dimension");
    }
    Set<Dimension> unique = EnumSet.noneOf(Dimension.class);
    for (Dimension d : dimensions) {
      if (!unique.add(d)) {
        throw new IllegalArgumentException("--dimensions lists \"" + d + "\" twice");
      }
    }
    return new TrendConfig(windowSize, windowSlide, topK, allowedLateness, dimensions, 0);
  }

  /**
   * This configuration with rising trends too: per dimension and window {@code [e-S, e)}, the K
   * keys with the highest score {@code (c - b) / sqrt(c + b)} among those with {@code c >=
   * minCount} and {@code c > b}, where c is the key's count in the window and b its count in the
   * previous window {@code [e-2S, e-S)} ({@link RisingScore}).
   *
   * @param minCount the least count c a key needs in the window to be listed, at least 1 ({@code
   *     --risingMinCount})
   */
  public TrendConfig withRising(int minCount) {
    if (minCount < 1) {
      throw new IllegalArgumentException("--risingMinCount=" + minCount + " must be at least 1");
    }
    return new TrendConfig(windowSize, windowSlide, topK, allowedLateness, dimensions, minCount);
  }

  /** Whether rising trends are computed beside the count trends ({@code --rising}). */
  public boolean rising() {
    return risingMinCount > 0;
  }

  /**
   * The least count c a key needs in a window to be listed as rising; 0 when rising trends are off.
   */
  public int risingMinCount() {
    return risingMinCount;
  }

  public Duration windowSize() {
    return windowSize;
  }

  public Duration windowSlide() {
    return windowSlide;
  }

  /** Windows each event belongs to: windowSize / windowSlide. */
  public int slicesPerWindow() {
    return (int) (windowSize.getMillis() / windowSlide.getMillis());
  }

  /** Slice numbers and window bounds for this slide and window size. */
  public SliceGrid sliceGrid() {
    return new SliceGrid(windowSlide.getMillis(), slicesPerWindow());
  }

  public int topK() {
    return topK;
  }

  /** How long after a window's end late events still correct it; any duration of zero or more. */
  public Duration allowedLateness() {
    return allowedLateness;
  }

  /**
   * The last watermark (epoch millis) at which a late event still corrects the window ending at
   * {@code windowEndMillis} (exclusive): {@code windowEnd - 1ms + allowedLateness}. Once the
   * watermark is past it the window is closed and later events are dropped from it (and counted).
   * This is Beam's rule (a window's data is dropped once the watermark passes its maximum timestamp
   * plus the allowed lateness), judged exactly, to the millisecond, by every engine and by {@link
   * ReferenceComputation}, whatever the slide.
   */
  public long latenessDeadline(long windowEndMillis) {
    return windowEndMillis - 1 + allowedLateness.getMillis();
  }

  public List<Dimension> dimensions() {
    return dimensions;
  }

  @Override
  public String toString() {
    return "windowSize="
        + Durations.format(windowSize)
        + " windowSlide="
        + Durations.format(windowSlide)
        + " topK="
        + topK
        + " allowedLateness="
        + Durations.format(allowedLateness)
        + " dimensions="
        + dimensions
        + (rising() ? " risingMinCount=" + risingMinCount : " rising=false");
  }
}
