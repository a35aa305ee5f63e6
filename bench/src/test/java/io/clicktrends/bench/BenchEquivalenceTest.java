package io.clicktrends.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import io.clicktrends.pipeline.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * The bench's own engines agree with the reference computation: the plain-java loop on 30 seeded
 * random workloads and configurations, and both Beam engines on the DirectRunner through exactly
 * the bench's pipeline (GenerateSequence source, last pane per window, TextIO) on one of them.
 */
public class BenchEquivalenceTest {
  @Test
  public void plainJavaEqualsTheReferenceComputation() {
    for (long seed = 1; seed <= 30; seed++) {
      Equivalence.Case c = Equivalence.randomCase(seed);
      List<String> expected = Equivalence.expectedLines(c.workload(), c.config());
      assertFalse(expected.isEmpty());
      assertEquals(
          "seed " + seed + ": " + c,
          expected,
          Equivalence.plainJavaLines(c.workload(), c.config()));
    }
  }

  @Test
  public void beamEnginesOnTheDirectRunnerEqualTheReferenceComputation() throws Exception {
    for (long seed : new long[] {3}) {
      Equivalence.Case c = Equivalence.randomCase(seed);
      List<String> expected = Equivalence.expectedLines(c.workload(), c.config());
      for (Engine engine : Engine.values()) {
        Path dir = Files.createTempDirectory("bench-test-");
        List<String> actual = BeamRun.run(engine, "direct", null, c.workload(), c.config(), dir);
        assertEquals(engine + " seed " + seed + ": " + c, expected, actual);
        assertEquals(Bench.sha256(expected), Bench.sha256(actual));
      }
    }
  }
}
