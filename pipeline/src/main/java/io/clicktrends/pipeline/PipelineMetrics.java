package io.clicktrends.pipeline;

/** Names of the Beam metrics Clicktrends reports, so tests and dashboards agree on them. */
public final class PipelineMetrics {
  /** Namespace of every Clicktrends counter. */
  public static final String NAMESPACE = "clicktrends";

  /** Events of a dimension's type without the key it ranks by: {@code missing_key_<dimension>}. */
  public static String missingKey(Dimension d) {
    return "missing_key_" + d.name();
  }

  /** Records dead-lettered for a reason: {@code deadletter_<REASON>}. */
  public static String deadLetter(io.clicktrends.schema.RejectReason reason) {
    return "deadletter_" + reason;
  }

  /**
   * (event, window) pairs dropped because the event arrived after the window's allowed lateness
   * (incremental engine; the sliding-windows engine reports Beam's own {@link
   * #BEAM_DROPPED_DUE_TO_LATENESS}).
   */
  public static final String DROPPED_TOO_LATE = "dropped_too_late";

  /**
   * Beam's own counter of (element, window) pairs dropped behind the allowed lateness (DirectRunner
   * name).
   */
  public static final String BEAM_DROPPED_DUE_TO_LATENESS = "DroppedDueToLateness";

  private PipelineMetrics() {}
}
