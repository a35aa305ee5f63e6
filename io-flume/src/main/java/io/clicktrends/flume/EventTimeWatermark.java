package io.clicktrends.flume;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * One split's watermark: a bounded-out-of-orderness estimate (the largest event time seen minus the
 * bound) that keeps moving while the split is idle, so a quiet agent does not hold back the
 * pipeline (Beam takes the minimum over splits).
 *
 * <ul>
 *   <li>Not idle (events fetched and not yet emitted, or the reader connecting, backing off,
 *       reading a batch or waiting less than {@link #EMPTY_SINK_EVIDENCE_MILLIS} for one: the
 *       agent's channel may hold events): {@code maxEventTime - bound}.
 *   <li>Idle (the sink has nothing: a getEventBatch has waited unanswered on a live connection for
 *       at least {@link #EMPTY_SINK_EVIDENCE_MILLIS}; a sink with events answers in milliseconds):
 *       the event-time clock advances with the wall clock since the last event: {@code maxEventTime
 *       + (now - lastArrival) - bound}. A replay of old data therefore keeps its own pace.
 *   <li>Nothing ever seen: the minimum until the split is idle and {@code idleTimeout} has passed
 *       since it started, then {@code now - bound}; an agent that never receives anything stops
 *       stalling the others, while a split that cannot connect, or whose readers never get an
 *       answer (a runner that restores a reader each slow micro-batch and reads it for 200 ms),
 *       holds: its agent's channel may be full of old events that a jump to the wall clock would
 *       make late.
 * </ul>
 *
 * Event times move the watermark only up to this reader's wall clock (plus {@link
 * #DEFAULT_MAX_CLOCK_SKEW_MILLIS}, 0): what {@link #observe} sees is capped there, so no single
 * event (a device whose clock is a day fast, an agent that does not check) can move the watermark
 * past real-time clicks and make them all late. The ingest dead-letters events more than
 * maxClockSkew (2 minutes) ahead of its clock already ({@code ClickEventRules}); one within it is
 * still emitted with its own time and counted in its own (future) windows, it just does not pull
 * the watermark ahead of the clock, where it would close the windows real-time clicks are still
 * arriving for. The cost: when the agents' clocks run ahead of this reader's, results come that
 * much later (never lost).
 *
 * <p>Never goes backwards. Its {@link State} travels in the checkpoint mark: a runner that restores
 * readers often (the SparkRunner does, each micro-batch when batches are slow) must get the same
 * watermark as one long-lived reader, not one whose idle clock starts over (which stalled the
 * watermark of a quiet split) or which forgets what it has seen (whose idle rule then jumped to the
 * wall clock and made every later event of a replay late).
 */
final class EventTimeWatermark {
  /** How long a getEventBatch must wait unanswered before the split counts as idle. */
  static final long EMPTY_SINK_EVIDENCE_MILLIS = 1_000;

  /** For {@code waitingSince}: no getEventBatch is waiting on a live connection. */
  static final long NOT_WAITING = Long.MAX_VALUE;

  /**
   * How far ahead of this reader's wall clock an observed event time counts, in milliseconds: not
   * at all.
   */
  static final long DEFAULT_MAX_CLOCK_SKEW_MILLIS = 0;

  /** What a restored reader needs to continue this estimate. */
  record State(long current, long maxEventTime, long lastArrival, long startedAt)
      implements Serializable {}

  private final long boundMillis;
  private final long idleTimeoutMillis;
  private final long startedAt;
  private final long maxClockSkewMillis;
  private long maxEventTime = Long.MIN_VALUE;
  private long lastArrival;
  private long current = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  /** A reader that continues from {@code restored} (null: a split's first reader). */
  EventTimeWatermark(long boundMillis, long idleTimeoutMillis, long nowMillis, State restored) {
    this(boundMillis, idleTimeoutMillis, DEFAULT_MAX_CLOCK_SKEW_MILLIS, nowMillis, restored);
  }

  /**
   * A reader that continues from {@code restored} (null: a split's first reader), trusting event
   * times up to {@code maxClockSkewMillis} ahead of the wall clock. All times in milliseconds.
   */
  EventTimeWatermark(
      long boundMillis,
      long idleTimeoutMillis,
      long maxClockSkewMillis,
      long nowMillis,
      State restored) {
    this.boundMillis = boundMillis;
    this.maxClockSkewMillis = maxClockSkewMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
    if (restored == null) {
      this.startedAt = nowMillis;
    } else {
      this.startedAt = restored.startedAt();
      // a mark written before the cap existed may hold a far-future time: cap it as observe() would
      // have
      this.maxEventTime = Math.min(restored.maxEventTime(), capAt(nowMillis));
      this.lastArrival = restored.lastArrival();
      this.current = Math.max(current, restored.current());
    }
  }

  /**
   * An event of time {@code eventTimeMillis} was read at wall-clock {@code nowMillis} (epoch
   * milliseconds).
   */
  void observe(long eventTimeMillis, long nowMillis) {
    maxEventTime = Math.max(maxEventTime, Math.min(eventTimeMillis, capAt(nowMillis)));
    lastArrival = nowMillis;
  }

  /**
   * The estimate as of {@code nowMillis}; {@code waitingSince} is when the getEventBatch now
   * waiting on a live connection was sent, with every fetched event emitted ({@link #NOT_WAITING}
   * otherwise).
   */
  long current(long nowMillis, long waitingSince) {
    boolean idle =
        waitingSince != NOT_WAITING && nowMillis - waitingSince >= EMPTY_SINK_EVIDENCE_MILLIS;
    long candidate;
    if (maxEventTime == Long.MIN_VALUE) {
      candidate =
          idle && nowMillis - startedAt >= idleTimeoutMillis
              ? nowMillis - boundMillis
              : Long.MIN_VALUE;
    } else if (!idle) {
      candidate = maxEventTime - boundMillis;
    } else {
      candidate = maxEventTime + Math.max(0, nowMillis - lastArrival) - boundMillis;
    }
    current = Math.max(current, candidate);
    return current;
  }

  private long capAt(long nowMillis) {
    return nowMillis > Long.MAX_VALUE - maxClockSkewMillis
        ? Long.MAX_VALUE
        : nowMillis + maxClockSkewMillis;
  }

  /** The estimate as of {@code nowMillis}, for a checkpoint mark. */
  State state(long nowMillis, long waitingSince) {
    return new State(current(nowMillis, waitingSince), maxEventTime, lastArrival, startedAt);
  }
}
