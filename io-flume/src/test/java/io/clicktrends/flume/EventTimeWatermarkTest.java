package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.schema.ClickEvent;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;

/**
 * The split watermark with explicit clocks: a reader restored from its checkpoint mark (the
 * SparkRunner restores one each micro-batch when batches are slow) must give the same watermark as
 * one long-lived reader.
 */
public class EventTimeWatermarkTest {
  private static final long BOUND = 5_000;
  private static final long IDLE_TIMEOUT = 30_000;
  private static final long WALL = 1_795_000_000_000L; // 2026: a replay's events are far older
  private static final long EVENT = 1_396_310_400_000L; // 2014-04-01

  private static final long NOT_WAITING = EventTimeWatermark.NOT_WAITING;

  /** A getEventBatch that has waited unanswered for a minute at {@code now}: the sink is empty. */
  private static long parked(long now) {
    return now - 60_000;
  }

  private static EventTimeWatermark fresh(long now) {
    return new EventTimeWatermark(BOUND, IDLE_TIMEOUT, now, null);
  }

  /** A new reader every second, each restored from the previous one's mark, until {@code until}. */
  private static EventTimeWatermark restoredEverySecond(
      EventTimeWatermark w, long from, long until) {
    for (long now = from; now < until; now += 1_000) {
      w =
          new EventTimeWatermark(
              BOUND, IDLE_TIMEOUT, now + 1_000, w.state(now + 1_000, parked(now + 1_000)));
    }
    return w;
  }

  @Test
  public void anIdleSplitFollowsTheEventTimeClockAtWallClockPace() {
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    assertThat(w.current(WALL, NOT_WAITING), equalTo(EVENT - BOUND));
    assertThat(w.current(WALL + 60_000, parked(WALL + 60_000)), equalTo(EVENT + 60_000 - BOUND));
  }

  @Test
  public void aSplitThatCannotReachItsAgentHoldsItsWatermark() {
    // The agent's channel may be filling meanwhile (a restart, a partition): moving on would make
    // those events late.
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    assertThat(w.current(WALL + 600_000, NOT_WAITING), equalTo(EVENT - BOUND));
    // parked again: the sink is empty
    assertThat(w.current(WALL + 660_000, parked(WALL + 660_000)), equalTo(EVENT + 660_000 - BOUND));
  }

  @Test
  public void aSplitRestoredEverySecondKeepsTheSameClock() {
    EventTimeWatermark longLived = fresh(WALL);
    longLived.observe(EVENT, WALL);
    EventTimeWatermark restored = fresh(WALL);
    restored.observe(EVENT, WALL);
    restored = restoredEverySecond(restored, WALL, WALL + 60_000);
    // Before, each restored reader forgot the events it had seen: its watermark stalled while
    // restores came faster
    // than the idle timeout, and jumped to the wall clock (2026) after a longer one, making later
    // replayed events late.
    long now = WALL + 60_000;
    assertThat(restored.current(now, parked(now)), equalTo(longLived.current(now, parked(now))));
    assertThat(restored.current(now, parked(now)), equalTo(EVENT + 60_000 - BOUND));
  }

  @Test
  public void aSplitThatNeverSawAnEventStopsHoldingOthersBackAfterTheIdleTimeoutEvenWhenRestored() {
    EventTimeWatermark restored = restoredEverySecond(fresh(WALL), WALL, WALL + 20_000);
    assertThat(
        restored.current(WALL + 20_000, parked(WALL + 20_000)),
        equalTo(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
    restored = restoredEverySecond(restored, WALL + 20_000, WALL + 31_000);
    assertThat(
        restored.current(WALL + 31_000, parked(WALL + 31_000)), equalTo(WALL + 31_000 - BOUND));
  }

  @Test
  public void aRequestJustSentIsNoEvidenceThatTheSinkIsEmpty() {
    // A restored reader's first getEventBatch is in flight when a short micro-batch read ends: the
    // channel may be full.
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    long now = WALL + 600_000;
    assertThat(w.current(now, now - 200), equalTo(EVENT - BOUND));
    assertThat(
        w.current(now, now - EventTimeWatermark.EMPTY_SINK_EVIDENCE_MILLIS),
        equalTo(EVENT + 600_000 - BOUND));
  }

  @Test
  public void aSplitThatNeverGetsAnAnswerHoldsEvenAfterTheIdleTimeout() {
    // Readers restored each slow micro-batch, each closed 200 ms after sending its first request:
    // before, the split
    // jumped to the wall clock after the idle timeout although its agent's channel was full of a
    // replay's events.
    EventTimeWatermark w = fresh(WALL);
    for (long now = WALL; now < WALL + 120_000; now += 1_000) {
      w = new EventTimeWatermark(BOUND, IDLE_TIMEOUT, now, w.state(now, now - 200));
    }
    assertThat(
        w.current(WALL + 120_000, NOT_WAITING),
        equalTo(BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
    w.observe(EVENT, WALL + 120_000);
    assertThat(w.current(WALL + 120_000, NOT_WAITING), equalTo(EVENT - BOUND));
  }

  @Test
  public void itNeverGoesBackwards() {
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    long later = w.current(WALL + 10_000, parked(WALL + 10_000));
    w.observe(EVENT - 60_000, WALL + 10_000); // an out-of-order event
    assertThat(w.current(WALL + 10_000, NOT_WAITING), equalTo(later));
  }

  @Test
  public void theMarkCarriesTheStateThroughItsCoder() throws Exception {
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    FlumeCheckpointMark mark =
        new FlumeCheckpointMark(
            "127.0.0.1:41416",
            List.of("7"),
            null,
            List.<ClickEvent>of(),
            w.state(WALL + 1_000, parked(WALL + 1_000)),
            5_000);
    FlumeCheckpointMark copy =
        CoderUtils.clone(SerializableCoder.of(FlumeCheckpointMark.class), mark);
    EventTimeWatermark restored =
        new EventTimeWatermark(BOUND, IDLE_TIMEOUT, WALL + 2_000, copy.watermark());
    assertThat(
        restored.current(WALL + 9_000, parked(WALL + 9_000)), equalTo(EVENT + 9_000 - BOUND));
  }

  /**
   * One event from a device clock 23 h fast must not move the watermark to T0+23h-5s, which would
   * make every real click late. What the watermark observes is capped at the wall clock (plus a
   * skew, 0 by default).
   */
  @Test
  public void anEventFromAClock23HoursFastMovesTheWatermarkNoFurtherThanTheWallClock() {
    long t0 = WALL;
    EventTimeWatermark w = fresh(t0);
    w.observe(t0, t0);
    w.observe(t0 + 23L * 3600 * 1000, t0);
    assertThat(w.current(t0, NOT_WAITING), equalTo(t0 - BOUND));
    for (int i = 1; i <= 10; i++) {
      w.observe(t0 + i * 1000L, t0 + i * 1000L);
      // each real click is after the watermark: on time
      assertThat(t0 + i * 1000L > w.current(t0 + i * 1000L, NOT_WAITING), equalTo(true));
    }
    assertThat(w.current(t0 + 10_000, NOT_WAITING), equalTo(t0 + 10_000 - BOUND));
    // idle: it follows the wall clock from the last arrival, not from a day ahead
    assertThat(w.current(t0 + 70_000, parked(t0 + 70_000)), equalTo(t0 + 70_000 - BOUND));
    // a reader restored from a mark written before the cap existed is capped too
    EventTimeWatermark restored =
        new EventTimeWatermark(
            BOUND,
            IDLE_TIMEOUT,
            t0,
            new EventTimeWatermark.State(
                BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis(), t0 + 86_400_000L, t0, t0));
    assertThat(restored.current(t0, NOT_WAITING), equalTo(t0 - BOUND));
    // with a skew allowed, up to that far ahead
    EventTimeWatermark skewed = new EventTimeWatermark(BOUND, IDLE_TIMEOUT, 120_000, t0, null);
    skewed.observe(t0 + 86_400_000L, t0);
    assertThat(skewed.current(t0, NOT_WAITING), equalTo(t0 + 120_000 - BOUND));
    skewed.observe(t0 + 60_000, t0);
    assertThat(skewed.current(t0, NOT_WAITING), equalTo(t0 + 120_000 - BOUND));
  }

  @Test
  public void aReplayOfOldEventsIsNotAffectedByTheCap() {
    EventTimeWatermark w = fresh(WALL);
    w.observe(EVENT, WALL);
    w.observe(EVENT + 3_600_000, WALL + 1);
    assertThat(w.current(WALL + 1, NOT_WAITING), equalTo(EVENT + 3_600_000 - BOUND));
  }
}
