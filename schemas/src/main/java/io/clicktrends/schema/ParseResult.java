package io.clicktrends.schema;

import java.util.Objects;

/** Either a valid {@link ClickEvent} or the {@link Rejection} that explains why there is none. */
public final class ParseResult {
  private final ClickEvent event;
  private final Rejection rejection;

  private ParseResult(ClickEvent event, Rejection rejection) {
    this.event = event;
    this.rejection = rejection;
  }

  public static ParseResult valid(ClickEvent event) {
    return new ParseResult(Objects.requireNonNull(event), null);
  }

  public static ParseResult rejected(RejectReason reason, String detail) {
    return new ParseResult(null, new Rejection(reason, detail));
  }

  public static ParseResult rejected(Rejection rejection) {
    return new ParseResult(null, Objects.requireNonNull(rejection));
  }

  public boolean isValid() {
    return event != null;
  }

  /** The event; only when {@link #isValid()}. */
  public ClickEvent event() {
    if (event == null) {
      throw new IllegalStateException("rejected: " + rejection);
    }
    return event;
  }

  /** The rejection; only when not {@link #isValid()}. */
  public Rejection rejection() {
    if (rejection == null) {
      throw new IllegalStateException("valid event has no rejection");
    }
    return rejection;
  }

  @Override
  public String toString() {
    return isValid() ? "valid " + event : "rejected " + rejection;
  }
}
