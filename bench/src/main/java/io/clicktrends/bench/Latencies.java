package io.clicktrends.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ON_TIME latencies of a run (milliseconds from a window's end to the arrival of its first ON_TIME
 * trend at the benchmark's queue), in window-end order, with the percentiles and the backlog test.
 *
 * <p>The latency includes the watermark's {@code maxOutOfOrderness} (5 s by default: a window
 * cannot close before its end plus that bound), the source's and runner's delays (micro-batch
 * interval on Spark), the engine, the publish with confirms and the broker.
 */
final class Latencies {
  private final List<TrendCollector.OnTime> byWindowEnd;

  /**
   * @param onTime the measured windows' ON_TIME arrivals, in any order
   */
  Latencies(List<TrendCollector.OnTime> onTime) {
    this.byWindowEnd = new ArrayList<>(onTime);
    byWindowEnd.sort(
        Comparator.comparingLong(TrendCollector.OnTime::windowEndMillis)
            .thenComparingLong(TrendCollector.OnTime::arrivedMillis));
  }

  int count() {
    return byWindowEnd.size();
  }

  /** The nearest-rank percentile ({@code p} in (0, 100]) of all latencies; -1 if there are none. */
  long percentile(double p) {
    return percentile(latencies(0, byWindowEnd.size()), p);
  }

  /**
   * Whether the backlog did not grow: the median latency of the last 20% of ON_TIME trends (by
   * window end; at least one) is at most the median of the first 20% plus {@code slackMillis} (one
   * slide). False without trends.
   */
  boolean backlogSteady(long slackMillis) {
    int n = byWindowEnd.size();
    if (n == 0) {
      return false;
    }
    int k = Math.max(1, (int) Math.ceil(n * 0.2));
    long first = percentile(latencies(0, k), 50);
    long last = percentile(latencies(n - k, n), 50);
    return last <= first + slackMillis;
  }

  /** Median latency of the first / last 20% of trends, for the log. */
  String describeTrend() {
    int n = byWindowEnd.size();
    if (n == 0) {
      return "no ON_TIME trends";
    }
    int k = Math.max(1, (int) Math.ceil(n * 0.2));
    return "median latency of the first "
        + k
        + " ON_TIME trends "
        + percentile(latencies(0, k), 50)
        + " ms, of the last "
        + k
        + " "
        + percentile(latencies(n - k, n), 50)
        + " ms";
  }

  private long[] latencies(int from, int to) {
    long[] out = new long[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = byWindowEnd.get(i).latencyMillis();
    }
    return out;
  }

  private static long percentile(long[] values, double p) {
    if (values.length == 0) {
      return -1;
    }
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
