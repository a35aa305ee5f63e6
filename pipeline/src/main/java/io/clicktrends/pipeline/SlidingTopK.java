package io.clicktrends.pipeline;

import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.TrendItem;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sliding top-K of one dimension, kept incrementally, with no framework in it.
 *
 * <p>Time is counted in slices of one slide: slice {@code n} covers {@code [n*slide, (n+1)*slide)}
 * and the window "ending with slice n" covers slices {@code n-P+1 .. n} (P = slices per window).
 * Moving the window one slice forward adds the entering slice's counts and subtracts the leaving
 * slice's, and only the keys of those two slices move in the sorted ranking: a slide costs
 * O(changed keys x log n), whatever P is. Slice counts are kept {@code lateSlices} slices longer
 * than the window so a late correction of a recent window can recount it, and another window length
 * so a slice a runner delivers out of order can still be recounted into the windows it belongs to.
 *
 * <p>With rising trends ({@code risingMinCount > 0}, {@link RisingScore}) it also keeps the counts
 * of the previous window (slices {@code n-2P+1 .. n-P}), rolled the same way (its entering slice is
 * the one leaving the window), and a second ranking by score over the keys listed as rising; a
 * slide re-scores only the keys of the four slices that move, so its cost does not depend on P
 * either. Slice counts are then kept one window longer still (3P + lateSlices slices), since
 * restating a window's rising result recounts the window before it too.
 *
 * <p>Late counts that the earlier windows containing their slice dropped (their allowed lateness
 * had passed) and later ones kept are recorded as {@link Exclusion}s, so every window's counts (and
 * the previous window's counts a rising result uses) are exactly those the window published.
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
   * Late counts of {@code slice} that windows ending before slice {@code from} dropped and later
   * windows kept.
   */
  record Exclusion(long slice, long from, Map<String, Long> counts) {}

  private final int slices;
  private final int lateSlices;
  private final int k;

  /** 0: no rising trends; otherwise the least count a key needs to be listed as rising. */
  private final int risingMinCount;

  /**
   * Counts per slice number, for the slices of the current window, the late horizon and pending
   * slices.
   */
  private final Map<Long, Map<String, Long>> sliceCounts;

  /** The last slice of the current window; {@link Long#MIN_VALUE} before the first slice. */
  private long last;

  /** Key counts over the current window. */
  private final Map<String, Long> windowCounts;

  private long total;

  /**
   * Rising trends: key counts over the previous window (slices last-2P+1 .. last-P), as that window
   * counted them.
   */
  private final Map<String, Long> previousCounts;

  /** Late counts some windows dropped, while a recount may still need them. */
  private final List<Exclusion> exclusions;

  /** {@link #windowCounts} in rank order; rebuilt from it after decoding. */
  private transient TreeSet<Ranked> ranking;

  /** The keys listed as rising in the current window, by score; rebuilt after decoding. */
  private transient TreeSet<RisingRanked> risingRanking;

  /**
   * Count trends only: windows of {@code slices} slices, late corrections {@code lateSlices} slices
   * back, top {@code k}.
   */
  public SlidingTopK(int slices, int lateSlices, int k) {
    this(slices, lateSlices, k, 0);
  }

  /** With rising trends when {@code risingMinCount > 0} (the least count a rising key needs). */
  public SlidingTopK(int slices, int lateSlices, int k, int risingMinCount) {
    this(
        slices,
        lateSlices,
        k,
        risingMinCount,
        new HashMap<>(),
        Long.MIN_VALUE,
        new HashMap<>(),
        0,
        new HashMap<>(),
        new ArrayList<>());
  }

  private SlidingTopK(
      int slices,
      int lateSlices,
      int k,
      int risingMinCount,
      Map<Long, Map<String, Long>> sliceCounts,
      long last,
      Map<String, Long> windowCounts,
      long total,
      Map<String, Long> previousCounts,
      List<Exclusion> exclusions) {
    this.slices = slices;
    this.lateSlices = lateSlices;
    this.k = k;
    this.risingMinCount = risingMinCount;
    this.sliceCounts = sliceCounts;
    this.last = last;
    this.windowCounts = windowCounts;
    this.total = total;
    this.previousCounts = previousCounts;
    this.exclusions = exclusions;
  }

  /**
   * Writes what the ring has counted, not its settings (the reader supplies those): the last slice,
   * the total, the slice counts, the window's and the previous window's key counts, the exclusions.
   * Counts are written as (modified UTF-8 key, long count) pairs after their number.
   */
  void writeTo(DataOutput out) throws IOException {
    out.writeLong(last);
    out.writeLong(total);
    out.writeInt(sliceCounts.size());
    for (Map.Entry<Long, Map<String, Long>> p : sliceCounts.entrySet()) {
      out.writeLong(p.getKey());
      writeCounts(out, p.getValue());
    }
    writeCounts(out, windowCounts);
    writeCounts(out, previousCounts);
    out.writeInt(exclusions.size());
    for (Exclusion x : exclusions) {
      out.writeLong(x.slice());
      out.writeLong(x.from());
      writeCounts(out, x.counts());
    }
  }

  /**
   * Reads a ring {@link #writeTo} wrote, with these settings (the ones it was written with: the
   * caller checks). The rankings are rebuilt on first use.
   */
  static SlidingTopK readFrom(DataInput in, int slices, int lateSlices, int k, int risingMinCount)
      throws IOException {
    long last = in.readLong();
    long total = in.readLong();
    int sliceCount = in.readInt();
    Map<Long, Map<String, Long>> sliceCounts = new HashMap<>();
    for (int j = 0; j < sliceCount; j++) {
      long slice = in.readLong();
      sliceCounts.put(slice, readCounts(in));
    }
    Map<String, Long> window = readCounts(in);
    Map<String, Long> previous = readCounts(in);
    int exclusionCount = in.readInt();
    List<Exclusion> exclusions = new ArrayList<>(exclusionCount);
    for (int j = 0; j < exclusionCount; j++) {
      exclusions.add(new Exclusion(in.readLong(), in.readLong(), readCounts(in)));
    }
    return new SlidingTopK(
        slices,
        lateSlices,
        k,
        risingMinCount,
        sliceCounts,
        last,
        window,
        total,
        previous,
        exclusions);
  }

  private static void writeCounts(DataOutput out, Map<String, Long> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Long> c : counts.entrySet()) {
      out.writeUTF(c.getKey());
      out.writeLong(c.getValue());
    }
  }

  private static Map<String, Long> readCounts(DataInput in) throws IOException {
    int n = in.readInt();
    Map<String, Long> counts = new HashMap<>(Math.max(16, n * 2));
    for (int i = 0; i < n; i++) {
      counts.put(in.readUTF(), in.readLong());
    }
    return counts;
  }

  /** The last slice of the current window; {@link Long#MIN_VALUE} before {@link #started}. */
  public long last() {
    return last;
  }

  /** Whether rising results are computed. */
  boolean rising() {
    return risingMinCount > 0;
  }

  /**
   * Adds counts to a slice the window has not reached yet (or, for late data, has passed: see
   * {@link #correct}).
   */
  public void addToSlice(long slice, Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return;
    }
    Map<String, Long> target = sliceCounts.computeIfAbsent(slice, p -> new HashMap<>());
    counts.forEach((key, c) -> target.merge(key, c, Long::sum));
  }

  /** Whether the window has been placed yet (it starts at the first slice it is moved to). */
  public boolean started() {
    return last != Long.MIN_VALUE;
  }

  /**
   * Moves the window forward one slice at a time until it ends with slice {@code n}, calling {@code
   * emit} for each window that holds events. Stretches where the window is empty are skipped.
   */
  public void advanceTo(long n, WindowConsumer emit) {
    if (!started()) {
      last = Math.min(n, nextSliceWithData(Long.MIN_VALUE, n)) - 1;
    }
    while (last < n) {
      if (total == 0) {
        // Nothing in the window: jump to just before the next slice with data (or to n).
        long next = nextSliceWithData(last + 1, n);
        if (next > last + 1) {
          last = next - 1;
          if (rising()) {
            // no key has a count in the (empty) window, so no key is ranked as rising: only b is
            // recounted
            previousCounts.clear();
            previousCounts.putAll(countsOf(last - slices));
          }
          continue;
        }
      }
      long entering = last + 1;
      long leaving = entering - slices;
      apply(sliceCounts.get(entering), +1);
      apply(sliceCounts.get(leaving), -1);
      if (rising()) {
        rollPrevious(leaving);
      }
      last = entering;
      if (total > 0) {
        emit.accept(last, result());
      }
    }
    sliceCounts.keySet().removeIf(p -> p <= last - (rising() ? 3L : 2L) * slices - lateSlices);
    // an exclusion matters to windows before its `from`; none before oldestRecountable() - slices
    // is
    // recounted
    exclusions.removeIf(x -> x.from() <= oldestRecountable() - slices);
  }

  /**
   * Moves the previous window from ending with slice {@code j - 1} to ending with slice {@code j}
   * (the slice leaving the current window enters it), keeping exactly what each of those windows
   * counted: late counts a window dropped are not in it, and join the previous window once it
   * reaches their {@link Exclusion#from}.
   */
  private void rollPrevious(long j) {
    Map<String, Long> delta = new HashMap<>();
    add(delta, sliceCounts.get(j), +1);
    add(delta, sliceCounts.get(j - slices), -1);
    for (Exclusion x : exclusions) {
      if (x.slice() == j && x.from() > j) {
        add(delta, x.counts(), -1); // the entering slice's counts that window j dropped
      } else if (x.slice() == j - slices && x.from() > j - 1) {
        add(
            delta,
            x.counts(),
            +1); // the leaving slice's counts window j - 1 had dropped: not there to subtract
      } else if (x.from() == j && x.slice() > j - slices && x.slice() < j) {
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
   * The key counts of the window ending with slice {@code n}, as that window counts them (without
   * its exclusions).
   */
  Map<String, Long> countsOf(long n) {
    Map<String, Long> counts = new HashMap<>();
    for (long p = n - slices + 1; p <= n; p++) {
      add(counts, sliceCounts.get(p), +1);
    }
    for (Exclusion x : exclusions) {
      if (x.slice() > n - slices && x.slice() <= n && x.from() > n) {
        add(counts, x.counts(), -1);
      }
    }
    counts.values().removeIf(c -> c == 0);
    return counts;
  }

  /**
   * Late counts for a slice the window has passed: updates the slice and, if it lies in the current
   * window, the running ranking. Windows ending before {@link #last} are recounted by {@link
   * #recount}.
   */
  void correct(long slice, Map<String, Long> counts) {
    correct(slice, counts, slice);
  }

  /**
   * As {@link #correct(long, Map)}, for late counts that the windows ending before slice {@code
   * from} dropped (their allowed lateness had passed): those windows' recounts, and the
   * previous-window counts of rising results, leave them out. {@code from == slice}: every window
   * containing the slice keeps them.
   */
  void correct(long slice, Map<String, Long> counts, long from) {
    addToSlice(slice, counts);
    Map<String, Long> copy = new HashMap<>(counts);
    if (from > slice) {
      exclusions.add(new Exclusion(slice, from, copy));
    }
    if (slice > last - slices && slice <= last) {
      apply(copy, +1);
    }
    long previous = last - slices;
    if (rising() && slice > previous - slices && slice <= previous && from <= previous) {
      for (Map.Entry<String, Long> e : copy.entrySet()) {
        unrankRising(e.getKey());
        previousCounts.merge(e.getKey(), e.getValue(), Long::sum);
        rankRising(e.getKey());
      }
    }
  }

  /** The oldest window (by its last slice) whose slices are all still kept. */
  long oldestRecountable() {
    return last - slices - lateSlices + 1;
  }

  /** The result of the window ending with slice {@code n}, recounted from the kept slices. */
  Result recount(long n) {
    if (n == last) {
      return result();
    }
    Map<String, Long> counts = countsOf(n);
    List<RisingItem> rising = rising() ? risingItems(counts, countsOf(n - slices)) : List.of();
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

  private long nextSliceWithData(long from, long to) {
    long best = to;
    for (long p : sliceCounts.keySet()) {
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

  int lateSlices() {
    return lateSlices;
  }

  /** Receives each non-empty window as the ring moves: the window's last slice and its result. */
  public interface WindowConsumer {
    void accept(long lastSlice, Result result);
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
