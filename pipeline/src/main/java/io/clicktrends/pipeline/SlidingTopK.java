package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
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
 * <p>Time is counted in panes of one slide: pane {@code n} covers {@code [n*slide, (n+1)*slide)}
 * and the window "ending with pane n" covers panes {@code n-P+1 .. n} (P = panes per window).
 * Moving the window one pane forward adds the entering pane's counts and subtracts the leaving
 * pane's, and only the keys of those two panes move in the sorted ranking: a slide costs O(changed
 * keys x log n), whatever P is. Pane counts are kept {@code latePanes} panes longer than the window
 * so a late correction of a recent window can recount it, and another window length so a pane a
 * runner delivers out of order can still be recounted into the windows it belongs to.
 *
 * <p>With rising trends ({@code risingMinCount > 0}, {@link RisingScore}) it also keeps the counts
 * of the previous window (panes {@code n-2P+1 .. n-P}), rolled the same way (its entering pane is
 * the one leaving the window), and a second ranking by score over the keys listed as rising; a
 * slide re-scores only the keys of the four panes that move, so its cost does not depend on P
 * either. Pane counts are then kept one window longer still (3P + latePanes panes), since restating
 * a window's rising result recounts the window before it too.
 *
 * <p>Late counts that the earlier windows containing their pane dropped (their allowed lateness had
 * passed) and later ones kept are recorded as {@link Exclusion}s, so every window's counts (and the
 * previous window's counts a rising result uses) are exactly those the window published.
 */
public final class SlidingTopK {
  /**
   * A window's result: all events of the dimension in it, the first K items by count and, with
   * rising trends on, the first K rising items (else empty).
   */
  public record Result(long total, List<TrendItem> items, List<RisingItem> rising) {
    public Result(long total, List<TrendItem> items) {
      this(total, items, List.of());
    }
  }

  /**
   * Late counts of {@code pane} that windows ending before pane {@code from} dropped and later
   * windows kept.
   */
  record Exclusion(long pane, long from, Map<String, Long> counts) {}

  private final int panes;
  private final int latePanes;
  private final int k;

  /** 0: no rising trends; otherwise the least count a key needs to be listed as rising. */
  private final int risingMinCount;

  /**
   * Counts per pane number, for the panes of the current window, the late horizon and pending
   * panes.
   */
  final Map<Long, Map<String, Long>> paneCounts;

  /** The last pane of the current window; {@link Long#MIN_VALUE} before the first pane. */
  long last;

  /** Key counts over the current window. */
  final Map<String, Long> windowCounts;

  long total;

  /**
   * Rising trends: key counts over the previous window (panes last-2P+1 .. last-P), as that window
   * counted them.
   */
  final Map<String, Long> previousCounts;

  /** Late counts some windows dropped, while a recount may still need them. */
  final List<Exclusion> exclusions;

  /** {@link #windowCounts} in rank order; rebuilt from it after decoding. */
  private transient TreeSet<Ranked> ranking;

  /** The keys listed as rising in the current window, by score; rebuilt after decoding. */
  private transient TreeSet<RisingRanked> risingRanking;

  /**
   * Count trends only: windows of {@code panes} panes, late corrections {@code latePanes} panes
   * back, top {@code k}.
   */
  public SlidingTopK(int panes, int latePanes, int k) {
    this(panes, latePanes, k, 0);
  }

  /** With rising trends when {@code risingMinCount > 0} (the least count a rising key needs). */
  public SlidingTopK(int panes, int latePanes, int k, int risingMinCount) {
    this(
        panes,
        latePanes,
        k,
        risingMinCount,
        new HashMap<>(),
        Long.MIN_VALUE,
        new HashMap<>(),
        0,
        new HashMap<>(),
        new ArrayList<>());
  }

  SlidingTopK(
      int panes,
      int latePanes,
      int k,
      int risingMinCount,
      Map<Long, Map<String, Long>> paneCounts,
      long last,
      Map<String, Long> windowCounts,
      long total,
      Map<String, Long> previousCounts,
      List<Exclusion> exclusions) {
    this.panes = panes;
    this.latePanes = latePanes;
    this.k = k;
    this.risingMinCount = risingMinCount;
    this.paneCounts = paneCounts;
    this.last = last;
    this.windowCounts = windowCounts;
    this.total = total;
    this.previousCounts = previousCounts;
    this.exclusions = exclusions;
  }

  /** Whether rising results are computed. */
  boolean rising() {
    return risingMinCount > 0;
  }

  /**
   * Adds counts to a pane the window has not reached yet (or, for late data, has passed: see {@link
   * #correct}).
   */
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
   * Moves the window forward one pane at a time until it ends with pane {@code n}, calling {@code
   * emit} for each window that holds events. Stretches where the window is empty are skipped.
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
          if (rising()) {
            // no key has a count in the (empty) window, so no key is ranked as rising: only b is
            // recounted
            previousCounts.clear();
            previousCounts.putAll(countsOf(last - panes));
          }
          continue;
        }
      }
      long entering = last + 1;
      long leaving = entering - panes;
      apply(paneCounts.get(entering), +1);
      apply(paneCounts.get(leaving), -1);
      if (rising()) {
        rollPrevious(leaving);
      }
      last = entering;
      if (total > 0) {
        emit.accept(last, result());
      }
    }
    paneCounts.keySet().removeIf(p -> p <= last - (rising() ? 3L : 2L) * panes - latePanes);
    // an exclusion matters to windows before its `from`; none before oldestRecountable() - panes is
    // recounted
    exclusions.removeIf(x -> x.from() <= oldestRecountable() - panes);
  }

  /**
   * Moves the previous window from ending with pane {@code j - 1} to ending with pane {@code j}
   * (the pane leaving the current window enters it), keeping exactly what each of those windows
   * counted: late counts a window dropped are not in it, and join the previous window once it
   * reaches their {@link Exclusion#from}.
   */
  private void rollPrevious(long j) {
    Map<String, Long> delta = new HashMap<>();
    add(delta, paneCounts.get(j), +1);
    add(delta, paneCounts.get(j - panes), -1);
    for (Exclusion x : exclusions) {
      if (x.pane() == j && x.from() > j) {
        add(delta, x.counts(), -1); // the entering pane's counts that window j dropped
      } else if (x.pane() == j - panes && x.from() > j - 1) {
        add(
            delta,
            x.counts(),
            +1); // the leaving pane's counts window j - 1 had dropped: not there to subtract
      } else if (x.from() == j && x.pane() > j - panes && x.pane() < j) {
        add(delta, x.counts(), +1); // dropped by window j - 1, kept by window j
      }
    }
    for (Map.Entry<String, Long> e : delta.entrySet()) {
      if (e.getValue() != 0) {
        unrankRising(e.getKey());
        long now = previousCounts.getOrDefault(e.getKey(), 0L) + e.getValue();
        if (now > 0) {
          previousCounts.put(e.getKey(), now);
        } else {
          previousCounts.remove(e.getKey());
        }
        rankRising(e.getKey());
      }
    }
  }

  private static void add(Map<String, Long> target, Map<String, Long> counts, int sign) {
    if (counts != null) {
      counts.forEach((key, c) -> target.merge(key, sign * c, Long::sum));
    }
  }

  /**
   * The key counts of the window ending with pane {@code n}, as that window counts them (without
   * its exclusions).
   */
  Map<String, Long> countsOf(long n) {
    Map<String, Long> counts = new HashMap<>();
    for (long p = n - panes + 1; p <= n; p++) {
      add(counts, paneCounts.get(p), +1);
    }
    for (Exclusion x : exclusions) {
      if (x.pane() > n - panes && x.pane() <= n && x.from() > n) {
        add(counts, x.counts(), -1);
      }
    }
    counts.values().removeIf(c -> c == 0);
    return counts;
  }

  /**
   * Late counts for a pane the window has passed: updates the pane and, if it lies in the current
   * window, the running ranking. Windows ending before {@link #last} are recounted by {@link
   * #recount}.
   */
  void correct(long pane, Map<String, Long> counts) {
    correct(pane, counts, pane);
  }

  /**
   * As {@link #correct(long, Map)}, for late counts that the windows ending before pane {@code
   * from} dropped (their allowed lateness had passed): those windows' recounts, and the
   * previous-window counts of rising results, leave them out. {@code from == pane}: every window
   * containing the pane keeps them.
   */
  void correct(long pane, Map<String, Long> counts, long from) {
    addToPane(pane, counts);
    Map<String, Long> copy = new HashMap<>(counts);
    if (from > pane) {
      exclusions.add(new Exclusion(pane, from, copy));
    }
    if (pane > last - panes && pane <= last) {
      apply(copy, +1);
    }
    long previous = last - panes;
    if (rising() && pane > previous - panes && pane <= previous && from <= previous) {
      for (Map.Entry<String, Long> e : copy.entrySet()) {
        unrankRising(e.getKey());
        previousCounts.merge(e.getKey(), e.getValue(), Long::sum);
        rankRising(e.getKey());
      }
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
    Map<String, Long> counts = countsOf(n);
    List<RisingItem> rising = rising() ? risingItems(counts, countsOf(n - panes)) : List.of();
    return new Result(CountAndRankFn.total(counts), CountAndRankFn.topItems(counts, k), rising);
  }

  /**
   * The first K rising items of a window with key counts {@code c} after one with {@code b}, by a
   * full sort.
   */
  private List<RisingItem> risingItems(Map<String, Long> c, Map<String, Long> b) {
    List<RisingItem> listed = new ArrayList<>();
    c.forEach(
        (key, now) -> {
          long before = b.getOrDefault(key, 0L);
          if (RisingScore.listed(now, before, risingMinCount)) {
            listed.add(new RisingItem(key, now, before, RisingScore.score(now, before)));
          }
        });
    listed.sort(RisingScore.ORDER);
    return listed.size() > k ? new ArrayList<>(listed.subList(0, k)) : listed;
  }

  /** The current window's result: O(K). */
  Result result() {
    List<TrendItem> items = new ArrayList<>(k);
    Iterator<Ranked> it = ranking().iterator();
    while (it.hasNext() && items.size() < k) {
      Ranked r = it.next();
      items.add(new TrendItem(r.key, r.count));
    }
    List<RisingItem> rising = new ArrayList<>();
    if (rising()) {
      Iterator<RisingRanked> rit = risingRanking().iterator();
      while (rit.hasNext() && rising.size() < k) {
        RisingRanked r = rit.next();
        rising.add(new RisingItem(r.key, r.c, r.b, r.score));
      }
    }
    return new Result(total, items, rising);
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
      unrankRising(key);
      if (now > 0) {
        windowCounts.put(key, now);
        rank.add(new Ranked(key, now));
      } else {
        windowCounts.remove(key); // keys that fall to zero leave the state
      }
      rankRising(key);
      total += delta;
    }
  }

  /** Takes the key out of the rising ranking, where its current c and b placed it (if listed). */
  private void unrankRising(String key) {
    RisingRanked r = risingEntry(key);
    if (r != null) {
      risingRanking().remove(r);
    }
  }

  /** Puts the key into the rising ranking by its current c and b, if listed. */
  private void rankRising(String key) {
    RisingRanked r = risingEntry(key);
    if (r != null) {
      risingRanking().add(r);
    }
  }

  private RisingRanked risingEntry(String key) {
    if (!rising()) {
      return null;
    }
    long c = windowCounts.getOrDefault(key, 0L);
    long b = previousCounts.getOrDefault(key, 0L);
    return RisingScore.listed(c, b, risingMinCount) ? new RisingRanked(key, c, b) : null;
  }

  private TreeSet<RisingRanked> risingRanking() {
    if (risingRanking == null) {
      risingRanking = new TreeSet<>();
      for (String key : windowCounts.keySet()) {
        RisingRanked r = risingEntry(key);
        if (r != null) {
          risingRanking.add(r);
        }
      }
    }
    return risingRanking;
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

  int risingMinCount() {
    return risingMinCount;
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

  /** A key listed as rising, in rising order: score descending, then key in UTF-8 byte order. */
  private static final class RisingRanked implements Comparable<RisingRanked> {
    final String key;
    final long c;
    final long b;
    final double score;

    RisingRanked(String key, long c, long b) {
      this.key = key;
      this.c = c;
      this.b = b;
      this.score = RisingScore.score(c, b);
    }

    @Override
    public int compareTo(RisingRanked o) {
      return RisingScore.compare(key, score, o.key, o.score);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RisingRanked r && r.key.equals(key) && r.c == c && r.b == b;
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Long.hashCode(c) * 17 + Long.hashCode(b);
    }
  }
}
