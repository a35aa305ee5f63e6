package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
import java.util.Comparator;

/**
 * The rising-trend rule: a key with count c in the window {@code [e-S, e)} and b in the previous
 * window {@code [e-2S, e-S)} is listed when {@code c >= minCount} and {@code c > b}, scored {@code
 * (c - b) / sqrt(c + b)} (the change in units of its Poisson standard deviation, a double), ranked
 * by score descending, then key ascending in UTF-8 byte order ({@link KeyOrder}).
 */
public final class RisingScore {
  private RisingScore() {}

  /**
   * Whether a key with count {@code c} in the window and {@code b} in the previous one is listed.
   */
  public static boolean listed(long c, long b, int minCount) {
    return c >= minCount && c > b;
  }

  /** {@code (c - b) / sqrt(c + b)}; defined when {@code c + b > 0}. */
  public static double score(long c, long b) {
    return (c - b) / Math.sqrt(c + b);
  }

  /** Score descending, then key ascending (UTF-8 byte order). */
  public static int compare(String keyA, double scoreA, String keyB, double scoreB) {
    int c = Double.compare(scoreB, scoreA);
    return c != 0 ? c : KeyOrder.compareUtf8(keyA, keyB);
  }

  public static final Comparator<RisingItem> ORDER =
      (a, b) -> compare(a.getKey(), a.getScore(), b.getKey(), b.getScore());
}
