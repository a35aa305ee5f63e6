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
    ring.advanceTo(
        to,
        (last, r) ->
            into.put(
                last,
                TrendText.content(r.total(), r.items())
                    + " | "
                    + TrendText.risingContent(r.total(), r.rising())));
    return into;
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
      int slices = 1 + rnd.nextInt(5);
      int lateSlices = rnd.nextInt(3);
      int k = 1 + rnd.nextInt(4);
      int minCount = seed % 2 == 0 ? 1 + rnd.nextInt(3) : 0;
      SlidingTopK ring = new SlidingTopK(slices, lateSlices, k, minCount);
      Map<Long, Map<String, Long>> truth = new HashMap<>();
      Map<Long, String> emitted = new LinkedHashMap<>();
      long n = 0;
      for (int step = 0; step < 60; step++) {
        n += rnd.nextInt(10) < 8 ? 1 : 1 + rnd.nextInt(3 * slices + 2);
        Map<String, Long> counts = randomCounts(rnd);
        ring.addToSlice(n, counts);
        add(truth, n, counts);
        collect(ring, n, emitted);
        if (rnd.nextInt(4) == 0) {
          // a late correction of a slice in the current window or the late horizon, which every
          // window containing it keeps
          long slice = n - rnd.nextInt(slices + lateSlices);
          Map<String, Long> late = randomCounts(rnd);
          ring.correct(slice, late);
          add(truth, slice, late);
          for (long w = slice; w <= n; w++) {
            if (w >= ring.oldestRecountable()) {
              SlidingTopK.Result r = ring.recount(w);
              assertEquals(
                  "seed " + seed + " recount " + w,
                  expected(truth, w, slices, k, minCount),
                  TrendText.content(r.total(), r.items())
                      + " | "
                      + TrendText.risingContent(r.total(), r.rising()));
            }
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
      int slices = 1 + rnd.nextInt(6);
      int k = 1 + rnd.nextInt(4);
      int minCount = seed % 2 == 0 ? 1 + rnd.nextInt(3) : 0;
      SlidingTopK ring = new SlidingTopK(slices, 0, k, minCount);
      Map<Long, Map<String, Long>> truth = new HashMap<>();
      Map<Long, String> emitted = new LinkedHashMap<>();
      long n = 0;
      for (int step = 0; step < 80; step++) {
        n += rnd.nextInt(10) < 8 ? 1 : 1 + rnd.nextInt(4 * slices + 2);
        Map<String, Long> counts = randomCounts(rnd);
        ring.addToSlice(n, counts);
        add(truth, n, counts);
        collect(ring, n, emitted);
      }
      for (long w = 0; w <= n; w++) {
        if (windowCounts(truth, w, slices).isEmpty()) {
          assertEquals("seed " + seed + " window " + w, null, emitted.get(w));
        } else {
          assertEquals(
              "seed " + seed + " window " + w,
              expected(truth, w, slices, k, minCount),
              emitted.get(w));
        }
      }
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

  private static String expected(
      Map<Long, Map<String, Long>> truth, long last, int slices, int k, int minCount) {
    Map<String, Long> c = windowCounts(truth, last, slices);
    String rising =
        minCount == 0
            ? TrendText.risingContent(CountAndRankFn.total(c), List.of())
            : ReferenceComputation.rankRising(
                c, windowCounts(truth, last - slices, slices), k, minCount);
    return ReferenceComputation.rank(c, k) + " | " + rising;
  }
}
