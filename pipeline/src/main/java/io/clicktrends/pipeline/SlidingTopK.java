package io.clicktrends.pipeline;

import io.clicktrends.schema.TrendItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sliding top-K of one dimension, kept incrementally, with no framework in it.
 *
 * <p>Time is counted in panes of one slide: pane {@code n} covers {@code [n*slide, (n+1)*slide)} and
 * the window "ending with pane n" covers panes {@code n-P+1 .. n} (P = panes per window). Moving the
 * window one pane forward adds the entering pane's counts and subtracts the leaving pane's, and only
 * the keys of those two panes move in the sorted ranking: a slide costs O(changed keys x log n),
 * whatever P is. Pane counts are kept {@code latePanes} panes longer than the window so a late
 * correction of a recent window can recount it, and another window length so a pane a runner
 * delivers out of order can still be recounted into the windows it belongs to.
 */
public final class SlidingTopK {
  /** A window's result: all events of the dimension in it, and the first K items. */
  public record Result(long total, List<TrendItem> items) {}

  private final int panes;
  private final int latePanes;
  private final int k;

  /** Counts per pane number, for the panes of the current window, the late horizon and pending panes. */
  final Map<Long, Map<String, Long>> paneCounts;
  /** The last pane of the current window; {@link Long#MIN_VALUE} before the first pane. */
  long last;
  /** Key counts over the current window. */
  final Map<String, Long> windowCounts;
  long total;
  /** {@link #windowCounts} in rank order; rebuilt from it after decoding. */
  private transient TreeSet<Ranked> ranking;

  public SlidingTopK(int panes, int latePanes, int k) {
    this(panes, latePanes, k, new HashMap<>(), Long.MIN_VALUE, new HashMap<>(), 0);
  }

  SlidingTopK(int panes, int latePanes, int k, Map<Long, Map<String, Long>> paneCounts, long last,
      Map<String, Long> windowCounts, long total) {
    this.panes = panes;
    this.latePanes = latePanes;
    this.k = k;
    this.paneCounts = paneCounts;
    this.last = last;
    this.windowCounts = windowCounts;
    this.total = total;
  }

  /** Adds counts to a pane the window has not reached yet (or, for late data, has passed: see {@link #correct}). */
  public void addToPane(long pane, Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return;
    }
    Map<String, Long> target = paneCounts.computeIfAbsent(pane, p -> new HashMap<>());
    counts.forEach((key, c) -> target.merge(key, c, Long::sum));
  }

  /** Whether the window has been placed yet (it starts at the first pane it is moved to). */
  public boolean started() {
    return last != Long.MIN_VALUE;
  }

  /**
   * Moves the window forward one pane at a time until it ends with pane {@code n}, calling
   * {@code emit} for each window that holds events. Stretches where the window is empty are skipped.
   */
  public void advanceTo(long n, WindowConsumer emit) {
    if (!started()) {
      last = Math.min(n, nextPaneWithData(Long.MIN_VALUE, n)) - 1;
    }
    while (last < n) {
      if (total == 0) {
        // Nothing in the window: jump to just before the next pane with data (or to n).
        long next = nextPaneWithData(last + 1, n);
        if (next > last + 1) {
          last = next - 1;
          continue;
        }
      }
      long entering = last + 1;
      long leaving = entering - panes;
      apply(paneCounts.get(entering), +1);
      apply(paneCounts.get(leaving), -1);
      last = entering;
      if (total > 0) {
        emit.accept(last, result());
      }
    }
    paneCounts.keySet().removeIf(p -> p <= last - 2L * panes - latePanes);
  }

  /**
   * Late counts for a pane the window has passed: updates the pane and, if it lies in the current
   * window, the running ranking. Windows ending before {@link #last} are recounted by {@link #recount}.
   */
  void correct(long pane, Map<String, Long> counts) {
    addToPane(pane, counts);
    if (pane > last - panes && pane <= last) {
      Map<String, Long> current = new HashMap<>(counts);
      apply(current, +1);
    }
  }

  /** The oldest window (by its last pane) whose panes are all still kept. */
  long oldestRecountable() {
    return last - panes - latePanes + 1;
  }

  /** The result of the window ending with pane {@code n}, recounted from the kept panes. */
  Result recount(long n) {
    if (n == last) {
      return result();
    }
    Map<String, Long> counts = new HashMap<>();
    for (long p = n - panes + 1; p <= n; p++) {
      Map<String, Long> pc = paneCounts.get(p);
      if (pc != null) {
        pc.forEach((key, c) -> counts.merge(key, c, Long::sum));
      }
    }
    return new Result(CountAndRankFn.total(counts), CountAndRankFn.topItems(counts, k));
  }

  /** The current window's result: O(K). */
  Result result() {
    List<TrendItem> items = new ArrayList<>(k);
    Iterator<Ranked> it = ranking().iterator();
    while (it.hasNext() && items.size() < k) {
      Ranked r = it.next();
      items.add(new TrendItem(r.key, r.count));
    }
    return new Result(total, items);
  }

  private long nextPaneWithData(long from, long to) {
    long best = to;
    for (long p : paneCounts.keySet()) {
      if (p >= from && p < best) {
        best = p;
      }
    }
    return best;
  }

  private void apply(Map<String, Long> counts, int sign) {
    if (counts == null) {
      return;
    }
    TreeSet<Ranked> rank = ranking();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String key = e.getKey();
      long delta = sign * e.getValue();
      Long old = windowCounts.get(key);
      long now = (old == null ? 0 : old) + delta;
      if (old != null) {
        rank.remove(new Ranked(key, old));
      }
      if (now > 0) {
        windowCounts.put(key, now);
        rank.add(new Ranked(key, now));
      } else {
        windowCounts.remove(key); // keys that fall to zero leave the state
      }
      total += delta;
    }
  }

  private TreeSet<Ranked> ranking() {
    if (ranking == null) {
      ranking = new TreeSet<>();
      windowCounts.forEach((key, c) -> ranking.add(new Ranked(key, c)));
    }
    return ranking;
  }

  int panes() {
    return panes;
  }

  int latePanes() {
    return latePanes;
  }

  int k() {
    return k;
  }

  /** Receives each non-empty window as the ring moves: the window's last pane and its result. */
  public interface WindowConsumer {
    void accept(long lastPane, Result result);
  }

  /** A key with its count, in rank order: count descending, then key in UTF-8 byte order. */
  private static final class Ranked implements Comparable<Ranked> {
    final String key;
    final long count;

    Ranked(String key, long count) {
      this.key = key;
      this.count = count;
    }

    @Override
    public int compareTo(Ranked o) {
      return KeyOrder.compareRanked(key, count, o.key, o.count);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ranked r && r.count == count && r.key.equals(key);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Long.hashCode(count);
    }
  }
}
