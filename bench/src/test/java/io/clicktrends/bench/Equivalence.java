package io.clicktrends.bench;

import io.clicktrends.pipeline.ReferenceComputation;
import io.clicktrends.pipeline.ReferenceComputation.Arrival;
import io.clicktrends.pipeline.ReferenceComputation.Cut;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.schema.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.joda.time.Duration;

/**
 * Seeded small workloads and configurations, and the expected final lines from {@link
 * ReferenceComputation}.
 */
final class Equivalence {
  private Equivalence() {}

  /**
   * A workload and configuration drawn from the seed: slide 10..60 s, 1..6 slices, K 1..4, 2..20
   * minutes, rising trends on.
   */
  static Case randomCase(long seed) {
    Random r = new Random(seed);
    long slide = (1 + r.nextInt(6)) * 10_000L;
    int slices = 1 + r.nextInt(6);
    // rising trends on (least count 1..3, not drawn, so the workloads stay those of earlier seeds)
    TrendConfig config =
        TrendConfig.of(
                Duration.millis(slide * slices),
                Duration.millis(slide),
                1 + r.nextInt(4),
                Duration.millis(r.nextInt(3) * slide),
                Bench.dimensions())
            .withRising(1 + (int) (seed % 3));
    Workload w =
        Workload.synthetic(
            150 + r.nextInt(250),
            (2 + r.nextInt(19)) * 60_000L,
            5 + r.nextInt(40),
            0.5 + r.nextDouble(),
            seed);
    return new Case(w, config);
  }

  record Case(Workload workload, TrendConfig config) {
    @Override
    public String toString() {
      return workload.describe() + "; " + config;
    }
  }

  /**
   * Sorted "windowId content" lines of every (dimension, window) after all events, by the reference
   * computation.
   */
  static List<String> expectedLines(Workload w, TrendConfig config) {
    List<Arrival> arrivals = new ArrayList<>();
    for (ClickEvent e : w.all()) {
      arrivals.add(new Arrival(e, Long.MIN_VALUE)); // batch: nothing is late
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, String> e :
        ReferenceComputation.compute(arrivals, config, Cut.FINAL).entrySet()) {
      lines.add(e.getKey() + " " + e.getValue());
    }
    lines.sort(null);
    return lines;
  }

  static List<String> plainJavaLines(Workload w, TrendConfig config) {
    List<String> lines = new ArrayList<>();
    PlainJava.compute(w.all(), config).forEach((id, content) -> lines.add(id + " " + content));
    lines.sort(null);
    return lines;
  }
}
