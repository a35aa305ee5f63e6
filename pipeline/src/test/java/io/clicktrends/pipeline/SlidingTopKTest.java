package io.clicktrends.pipeline;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

/** The ring on its own: a worked example, skipped empty stretches, and random rolls. */
public class SlidingTopKTest {
  /** lastSlice -> "count content | rising content" of every window the ring emitted. */
  private static Map<Long, String> collect(SlidingTopK ring, long to, Map<Long, String> into) {
    ring.advanceTo(to, (last, r) -> into.put(last, format(r)));
    return into;
  }

  private static String format(SlidingTopK.Result r) {
    return TrendText.content(r.total(), r.items())
        + " | "
        + TrendText.risingContent(r.total(), r.rising());
  }

  @Test
  public void aWorkedExampleOfThreeSliceWindows() {
    SlidingTopK ring = new SlidingTopK(3, 0, 2);
    Map<Long, String> out = new LinkedHashMap<>();
    ring.addToSlice(0, Map.of("a", 2L, "b", 1L));
    collect(ring, 0, out);
    ring.addToSlice(1, Map.of("b", 3L));
    collect(ring, 1, out);
    ring.addToSlice(3, Map.of("c", 1L));
    collect(ring, 3, out);
    // slice 0 leaves with the window ending with slice 3
    assertEquals(
        List.of(
            "0 total=3 [a=2, b=1]",
            "1 total=6 [b=4, a=2]",
            "2 total=6 [b=4, a=2]",
            "3 total=4 [b=3, c=1]"),
        out.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().split(" \\| ")[0])
            .toList());
    assertEquals(3, ring.last());
  }

  @Test
  public void emptyWindowsAreSkippedAndNotEmitted() {
    SlidingTopK ring = new SlidingTopK(3, 0, 2);
    ring.addToSlice(0, Map.of("a", 1L));
    ring.addToSlice(100, Map.of("b", 1L));
    Map<Long, String> out = collect(ring, 101, new LinkedHashMap<>());
    assertEquals(List.of(0L, 1L, 2L, 100L, 101L), new ArrayList<>(out.keySet()));
  }

  /**
   * Random slices with late corrections of slices in the current window or the late horizon, with
   * and without rising trends: after each correction, the recount of every window still kept equals
   * {@link ReferenceComputation}'s ranking of a brute-force count of that window's slices.
   */
  @Test
  public void recountsAfterLateCorrectionsEqualABruteForceCount() {
    for (int seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      Roll roll = new Roll(rnd, 5, rnd.nextInt(3));
      for (int step = 0; step < 60; step++) {
        roll.nextSlice(rnd, 3);
        if (rnd.nextInt(4) == 0) {
          // a late correction of a slice in the current window or the late horizon, which every
          // window containing it keeps
          long slice = roll.n - rnd.nextInt(roll.slices + roll.lateSlices);
          Map<String, Long> late = randomCounts(rnd);
          roll.ring.correct(slice, late);
          add(roll.truth, slice, late);
          for (long w = Math.max(slice, roll.ring.oldestRecountable()); w <= roll.n; w++) {
            assertEquals(
                "seed " + seed + " recount " + w, roll.expected(w), format(roll.ring.recount(w)));
          }
        }
      }
    }
  }

  /**
   * Rolls without corrections, so each window's emitted result can be compared with the final
   * brute-force count.
   */
  @Test
  public void randomRollsWithoutCorrectionsEmitExactlyTheBruteForceResults() {
    for (int seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      Roll roll = new Roll(rnd, 6, 0);
      for (int step = 0; step < 80; step++) {
        roll.nextSlice(rnd, 4);
      }
      for (long w = 0; w <= roll.n; w++) {
        boolean empty = windowCounts(roll.truth, w, roll.slices).isEmpty();
        assertEquals(
            "seed " + seed + " window " + w, empty ? null : roll.expected(w), roll.emitted.get(w));
      }
    }
  }

  /** A ring of random settings and the truth it must agree with, fed the same random slices. */
  private static final class Roll {
    final int slices;
    final int lateSlices;
    final int k;
    final int minCount;
    final SlidingTopK ring;
    final Map<Long, Map<String, Long>> truth = new HashMap<>();
    final Map<Long, String> emitted = new LinkedHashMap<>();
    long n;

    /** Up to {@code maxSlices} slices per window; rising trends on every other draw. */
    Roll(Random rnd, int maxSlices, int lateSlices) {
      this.slices = 1 + rnd.nextInt(maxSlices);
      this.lateSlices = lateSlices;
      this.k = 1 + rnd.nextInt(4);
      this.minCount = rnd.nextBoolean() ? 1 + rnd.nextInt(3) : 0;
      this.ring = new SlidingTopK(slices, lateSlices, k, minCount);
    }

    /**
     * Counts for a slice just after the last one (or, one time in five, a gap of windows later).
     */
    void nextSlice(Random rnd, int gapWindows) {
      n += rnd.nextInt(10) < 8 ? 1 : 1 + rnd.nextInt(gapWindows * slices + 2);
      Map<String, Long> counts = randomCounts(rnd);
      ring.addToSlice(n, counts);
      add(truth, n, counts);
      collect(ring, n, emitted);
    }

    String expected(long last) {
      Map<String, Long> c = windowCounts(truth, last, slices);
      String rising =
          minCount == 0
              ? TrendText.risingContent(CountAndRankFn.total(c), List.of())
              : ReferenceComputation.rankRising(
                  c, windowCounts(truth, last - slices, slices), k, minCount);
      return ReferenceComputation.rank(c, k) + " | " + rising;
    }
  }

  private static Map<String, Long> randomCounts(Random rnd) {
    Map<String, Long> counts = new HashMap<>();
    int keys = rnd.nextInt(4);
    for (int i = 0; i < keys; i++) {
      counts.merge("k" + rnd.nextInt(6), 1L + rnd.nextInt(5), Long::sum);
    }
    return counts;
  }

  private static void add(Map<Long, Map<String, Long>> truth, long slice, Map<String, Long> c) {
    c.forEach(
        (key, v) -> truth.computeIfAbsent(slice, x -> new HashMap<>()).merge(key, v, Long::sum));
  }

  private static Map<String, Long> windowCounts(
      Map<Long, Map<String, Long>> truth, long last, int slices) {
    Map<String, Long> counts = new HashMap<>();
    for (long p = last - slices + 1; p <= last; p++) {
      truth.getOrDefault(p, Map.of()).forEach((key, v) -> counts.merge(key, v, Long::sum));
    }
    return counts;
  }
}
