package io.clicktrends.testdata;

import java.util.Arrays;
import java.util.Random;

/**
 * Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search in the CDF.
 */
public final class Zipf {
  private final double[] cdf;

  public Zipf(int n, double s) {
    if (n < 1) {
      throw new IllegalArgumentException("Zipf needs at least one item, got " + n);
    }
    if (s < 0) {
      throw new IllegalArgumentException("Zipf skew must not be negative, got " + s);
    }
    cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
  }

  public int sample(Random random) {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    return Math.min(i >= 0 ? i : -i - 1, cdf.length - 1);
  }
}
