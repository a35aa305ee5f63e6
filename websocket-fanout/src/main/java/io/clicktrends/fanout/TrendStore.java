package io.clicktrends.fanout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The latest trend per dimension and kind (top, rising), plus the one of the window before it,
 * against which the dashboard shows rank movement. A top trend and a rising trend of the same
 * dimension and window are kept apart: one never replaces the other. Within a dimension and kind
 * only newer results replace older ones: a later window, or the same window with a higher pane
 * index. A redelivered, replayed or late-arriving older result is ignored, so browsers never see a
 * duplicate or go back in time. A result whose window ends far ahead of this service's clock is
 * refused too ({@link #DEFAULT_MAX_AHEAD_MILLIS}): it would pin the dashboard to a window from a
 * bad clock.
 */
final class TrendStore {
  /**
   * How far a trend's window end may lie ahead of this service's clock: 5 minutes. A window's first
   * result comes when the pipeline's watermark passes its end, and FlumeIO's watermark does not
   * pass the pipeline's wall clock, so a real window ends before the pipeline's clock; this is
   * margin for clocks that differ between hosts. A trend further ahead comes from a bad clock and
   * would otherwise stay "latest" and hide every real trend until the clock caught up with it (a
   * day, for a device 23 hours fast).
   */
  static final long DEFAULT_MAX_AHEAD_MILLIS = 5 * 60_000;

  /** A trend and when this service received it (epoch milliseconds). */
  record Entry(TrendMessage message, long receivedAtMillis) {}

  private final Map<String, Entry> latest = new TreeMap<>();
  private final Map<String, Entry> previousWindow = new TreeMap<>();
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

  private static String key(TrendMessage m) {
    return m.dimension() + '\u0000' + m.kind();
  }

  /** True if {@code t}'s window ends further ahead of this service's clock than it accepts. */
  boolean tooFarAhead(TrendMessage t) {
    return t.trend()
        .getWindowEnd()
        .isAfter(Instant.ofEpochMilli(clockMillis.getAsLong()).plusMillis(maxAheadMillis));
  }

  /** {@link #offer(TrendMessage, long)} received now. */
  boolean offer(TrendMessage t) {
    return offer(t, clockMillis.getAsLong());
  }

  /**
   * Returns true if {@code t} is now the latest of its dimension and kind; false for a duplicate,
   * an older result, or one whose window ends too far ahead of this service's clock ({@link
   * #tooFarAhead}).
   */
  synchronized boolean offer(TrendMessage t, long receivedAtMillis) {
    if (tooFarAhead(t)) {
      return false;
    }
    String k = key(t);
    Entry current = latest.get(k);
    if (current != null && !isNewer(t, current.message())) {
      return false;
    }
    if (current != null
        && t.trend().getWindowEnd().isAfter(current.message().trend().getWindowEnd())) {
      previousWindow.put(k, current);
    }
    latest.put(k, new Entry(t, receivedAtMillis));
    return true;
  }

  static boolean isNewer(TrendMessage candidate, TrendMessage current) {
    int byWindow = candidate.trend().getWindowEnd().compareTo(current.trend().getWindowEnd());
    return byWindow > 0
        || (byWindow == 0 && candidate.trend().getPaneIndex() > current.trend().getPaneIndex());
  }

  /** The latest of each dimension and kind, by dimension then kind. */
  synchronized List<Entry> latest() {
    return new ArrayList<>(latest.values());
  }

  synchronized List<Entry> previousWindows() {
    return new ArrayList<>(previousWindow.values());
  }

  synchronized TrendMessage previousOf(String dimension, String kind) {
    Entry e = previousWindow.get(dimension + '\u0000' + kind);
    return e == null ? null : e.message();
  }

  /** The number of dimensions with a trend of any kind. */
  synchronized int size() {
    return (int) latest.values().stream().map(e -> e.message().dimension()).distinct().count();
  }
}
