package io.clicktrends.fanout;

import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest trend per dimension (the seed's "trend object"), plus the one of the window before it,
 * against which the dashboard shows rank movement. Only newer results replace older ones: a later
 * window, or the same window with a higher pane index. A redelivered, replayed or late-arriving older
 * result is ignored, so browsers never see a duplicate or go back in time.
 */
final class TrendStore {
  private final Map<String, Trend> latest = new TreeMap<>();
  private final Map<String, Trend> previousWindow = new TreeMap<>();

  /** Returns true if {@code t} is now the latest of its dimension. */
  synchronized boolean offer(Trend t) {
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
