package io.clicktrends.bench;

import static org.junit.Assert.assertEquals;

import io.clicktrends.pipeline.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * Both engines on the SparkRunner in local[2] (batch) equal the reference computation's final
 * result for every (dimension, window) on seeded random workloads and configurations (random slide,
 * slices, K, lateness, items, skew; events are regenerated in parallel splits, so they reach the
 * engines out of order). Runs only with -Pspark: {@code mvn -o -pl bench -Pspark test}.
 */
public class EngineEquivalenceSparkTest {
  @Test
  public void bothEnginesOnSparkEqualTheReferenceComputation() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      Equivalence.Case c = Equivalence.randomCase(seed);
      List<String> expected = Equivalence.expectedLines(c.workload(), c.config());
      for (Engine engine : Engine.values()) {
        Path dir = Files.createTempDirectory("bench-spark-test-");
        List<String> actual =
            BeamRun.run(engine, "spark", "local[2]", c.workload(), c.config(), dir);
        assertEquals(engine + " on spark, seed " + seed + ": " + c, expected, actual);
      }
    }
  }
}
