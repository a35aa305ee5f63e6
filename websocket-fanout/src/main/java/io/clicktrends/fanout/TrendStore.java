package io.clicktrends.fanout;

import io.clicktrends.schema.Trend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The latest trend per dimension (the seed's "trend object"), plus the one of the window before it,
 * against which the dashboard shows rank movement. Only newer results replace older ones: a later
 * window, or the same window with a higher pane index. A redelivered, replayed or late-arriving older
 * result is ignored, so browsers never see a duplicate or go back in time. A result whose window ends far ahead of this
 * service's clock is refused too ({@link #DEFAULT_MAX_AHEAD_MILLIS}): it would pin the dashboard to a window from a
 * bad clock.
 */
final class TrendStore {
  /**
   * How far a trend's window end may lie ahead of this service's clock: 5 minutes. A window's first result comes when
   * the pipeline's watermark passes its end, and FlumeIO's watermark does not pass the pipeline's wall clock, so a real
   * window ends before the pipeline's clock; this is margin for clocks that differ between hosts. A trend further ahead comes from a bad clock and would otherwise stay "latest"
   * and hide every real trend until the clock caught up with it (a day, for a device 23 hours fast).
   */
  static final long DEFAULT_MAX_AHEAD_MILLIS = 5 * 60_000;

  private final Map<String, Trend> latest = new TreeMap<>();
  private final Map<String, Trend> previousWindow = new TreeMap<>();
  private final LongSupplier clockMillis;
  private final long maxAheadMillis;

  TrendStore() {
    this(System::currentTimeMillis, DEFAULT_MAX_AHEAD_MILLIS);
  }

  /**
   * @param clockMillis this service's clock, epoch milliseconds
   * @param maxAheadMillis how far ahead of it a window may end to be accepted, milliseconds
   */
  TrendStore(LongSupplier clockMillis, long maxAheadMillis) {
    this.clockMillis = clockMillis;
    this.maxAheadMillis = maxAheadMillis;
  }

  /** True if {@code t}'s window ends further ahead of this service's clock than it accepts. */
  boolean tooFarAhead(Trend t) {
    return t.getWindowEnd().isAfter(Instant.ofEpochMilli(clockMillis.getAsLong()).plusMillis(maxAheadMillis));
  }

  /**
   * Returns true if {@code t} is now the latest of its dimension; false for a duplicate, an older result, or one whose
   * window ends too far ahead of this service's clock ({@link #tooFarAhead}).
   */
  synchronized boolean offer(Trend t) {
    if (tooFarAhead(t)) {
      return false;
    }
    Trend current = latest.get(t.getDimension());
    if (current != null && !isNewer(t, current)) {
      return false;
    }
    if (current != null && t.getWindowEnd().isAfter(current.getWindowEnd())) {
      previousWindow.put(t.getDimension(), current);
    }
    latest.put(t.getDimension(), t);
    return true;
  }

  static boolean isNewer(Trend candidate, Trend current) {
    int byWindow = candidate.getWindowEnd().compareTo(current.getWindowEnd());
    return byWindow > 0 || (byWindow == 0 && candidate.getPaneIndex() > current.getPaneIndex());
  }

  synchronized List<Trend> latest() {
    return new ArrayList<>(latest.values());
  }

  synchronized List<Trend> previousWindows() {
    return new ArrayList<>(previousWindow.values());
  }

  synchronized Trend previousOf(String dimension) {
    return previousWindow.get(dimension);
  }

  synchronized int size() {
    return latest.size();
  }
}
