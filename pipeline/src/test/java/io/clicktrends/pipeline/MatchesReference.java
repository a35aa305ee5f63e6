package io.clicktrends.pipeline;

import io.clicktrends.schema.Trend;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * A {@code PAssert.satisfies} check of an engine's trends against {@link ReferenceComputation}: for
 * every (dimension, window), the last ON_TIME result must equal the reference's {@code Cut.ON_TIME}
 * and the last result the reference's {@code Cut.FINAL}. Used by {@code RandomizedReferenceTest} on
 * the DirectRunner and (through this module's test-jar) by bench's {@code RandomStreamsSparkTest}
 * on the SparkRunner.
 */
public final class MatchesReference implements SerializableFunction<Iterable<Trend>, Void> {
  private final TreeMap<String, String> expectedOnTime;
  private final TreeMap<String, String> expectedFinal;
  private final String config;
  private final boolean lateFirstFiringMayBeLabelledOnTime;

  public MatchesReference(
      TreeMap<String, String> expectedOnTime,
      TreeMap<String, String> expectedFinal,
      String config) {
    this(expectedOnTime, expectedFinal, config, false);
  }

  private MatchesReference(
      TreeMap<String, String> expectedOnTime,
      TreeMap<String, String> expectedFinal,
      String config,
      boolean lateFirstFiringMayBeLabelledOnTime) {
    this.expectedOnTime = expectedOnTime;
    this.expectedFinal = expectedFinal;
    this.config = config;
    this.lateFirstFiringMayBeLabelledOnTime = lateFirstFiringMayBeLabelledOnTime;
  }

  /**
   * For the classic SparkRunner, which labels the first firing of a window ON_TIME even when all
   * its data arrived late (its timers have no output watermark, so Beam cannot tell the window is
   * late; apache/beam#23129). Allowed: an ON_TIME result for a window the reference has none for
   * (the sliding-windows engine's windows whose data was all late), and, for a window that has one,
   * an ON_TIME result equal to the reference's final result (the incremental engine takes such a
   * mislabelled slice firing for on-time data delivered out of order and restates the windows
   * containing it as ON_TIME). Every other ON_TIME result, and every final result, must match.
   */
  public static MatchesReference onTheSparkRunner(
      TreeMap<String, String> expectedOnTime,
      TreeMap<String, String> expectedFinal,
      String config) {
    return new MatchesReference(expectedOnTime, expectedFinal, config, true);
  }

  @Override
  public Void apply(Iterable<Trend> trends) {
    // A window's ON_TIME result is its last ON_TIME pane (an engine may restate it), its final
    // result its last pane.
    Map<String, Trend> lastOnTime = new HashMap<>();
    Map<String, Trend> last = new HashMap<>();
    for (Trend t : trends) {
      String id = TrendText.windowId(t);
      if (t.getTiming().equals("ON_TIME")) {
        lastOnTime.merge(id, t, (a, b) -> a.getPaneIndex() >= b.getPaneIndex() ? a : b);
      }
      last.merge(id, t, (a, b) -> a.getPaneIndex() >= b.getPaneIndex() ? a : b);
    }
    Map<String, String> onTime = new TreeMap<>();
    lastOnTime.forEach((id, t) -> onTime.put(id, TrendText.content(t)));
    if (lateFirstFiringMayBeLabelledOnTime) {
      onTime.keySet().retainAll(expectedOnTime.keySet());
      onTime.replaceAll((id, r) -> r.equals(expectedFinal.get(id)) ? expectedOnTime.get(id) : r);
    }
    Map<String, String> fin = new TreeMap<>();
    last.forEach((id, t) -> fin.put(id, TrendText.content(t)));
    assertSame("ON_TIME", expectedOnTime, onTime);
    assertSame("final", expectedFinal, fin);
    return null;
  }

  /** Fails listing the first differing windows, not two thousand-line maps. */
  private void assertSame(String what, Map<String, String> expected, Map<String, String> actual) {
    if (expected.equals(actual)) {
      return;
    }
    java.util.TreeSet<String> ids = new java.util.TreeSet<>(expected.keySet());
    ids.addAll(actual.keySet());
    StringBuilder diff = new StringBuilder();
    int shown = 0;
    for (String id : ids) {
      String e = expected.get(id);
      String a = actual.get(id);
      if (!java.util.Objects.equals(e, a) && shown++ < 8) {
        diff.append("\n  ").append(id).append(": expected ").append(e).append(", got ").append(a);
      }
    }
    throw new AssertionError(
        what
            + " results differ from the reference for "
            + config
            + " in "
            + shown
            + " of "
            + ids.size()
            + " windows:"
            + diff);
  }
}
