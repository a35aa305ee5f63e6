package io.clicktrends.schema;

import java.io.Serializable;
import java.util.Objects;

/** A reason code with a human-readable detail that names the offending value. */
public final class Rejection implements Serializable {
  private static final long serialVersionUID = 1L;

  private final RejectReason reason;
  private final String detail;

  public Rejection(RejectReason reason, String detail) {
    this.reason = Objects.requireNonNull(reason);
    // A detail may quote the offending value; unpaired surrogates in it would break the UTF-8
    // writers downstream.
    this.detail = ClickEventRules.withoutLoneSurrogates(Objects.requireNonNull(detail));
  }

  /**
   * The {@link RejectReason#INTERNAL_ERROR} for an unexpected exception while processing one input.
   */
  public static Rejection internalError(String where, RuntimeException e) {
    return new Rejection(RejectReason.INTERNAL_ERROR, where + " threw " + e);
  }

  public RejectReason reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }

  /** The dead-letter record for this rejection of {@code raw}. */
  public DeadLetter toDeadLetter(byte[] raw, String stage, long rejectedAtMillis) {
    return DeadLetter.newBuilder()
        .setReason(reason.name())
        .setDetail(detail)
        .setRaw(java.nio.ByteBuffer.wrap(raw))
        .setStage(stage)
        .setRejectedAt(java.time.Instant.ofEpochMilli(rejectedAtMillis))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rejection r && r.reason == reason && r.detail.equals(detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, detail);
  }

  @Override
  public String toString() {
    return reason + ": " + detail;
  }
}
