package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

public class TrendStoreTest {
  @Test
  public void keepsOnlyNewerResults() {
    TrendStore s = new TrendStore();
    assertThat(s.offer(TrendFixtures.trend("d", 100, 0, "a")), equalTo(true));
    assertThat("same window, same pane: duplicate", s.offer(TrendFixtures.trend("d", 100, 0, "a")), equalTo(false));
    assertThat("same window, later pane", s.offer(TrendFixtures.trend("d", 100, 1, "a", "b")), equalTo(true));
    assertThat("same window, earlier pane", s.offer(TrendFixtures.trend("d", 100, 0, "a")), equalTo(false));
    assertThat("later window", s.offer(TrendFixtures.trend("d", 110, 0, "b")), equalTo(true));
    assertThat("older window arriving late", s.offer(TrendFixtures.trend("d", 100, 5, "z")), equalTo(false));
    assertThat(s.previousOf("d").getPaneIndex(), equalTo(1L));
    assertThat(s.previousOf("d").getWindowEnd().getEpochSecond(), equalTo(100L));
    assertThat(s.offer(TrendFixtures.trend("e", 50, 0, "q")), equalTo(true));
    assertThat(s.size(), equalTo(2));
  }

  /**
   * Issue #11, item 1: a window from a device clock 23 h fast used to become the latest and refuse every newer real
   * trend for a day. Now it is refused, and real-time trends keep coming.
   */
  @Test
  public void aWindowFarAheadOfTheClockIsRefusedAndDoesNotPinTheDashboard() {
    long now = 1_795_000_000L; // seconds
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(now * 1000);
    TrendStore s = new TrendStore(clock::get, TrendStore.DEFAULT_MAX_AHEAD_MILLIS);
    assertThat(s.offer(TrendFixtures.trend("search", now, 0, "boots")), equalTo(true));
    assertThat("23 h ahead", s.offer(TrendFixtures.trend("search", now + 23 * 3600, 0, "boots")), equalTo(false));
    assertThat(s.offer(TrendFixtures.trend("search", now + 10, 0, "boots")), equalTo(true));
    assertThat(s.latest().get(0).getWindowEnd().getEpochSecond(), equalTo(now + 10));
    assertThat("exactly at the limit", s.offer(TrendFixtures.trend("search", now + 300, 0, "boots")), equalTo(true));
    assertThat("another dimension at the limit", s.offer(TrendFixtures.trend("x", now + 300, 0, "a")), equalTo(true));
    clock.set(now * 1000 - 1);
    assertThat(s.offer(TrendFixtures.trend("y", now + 300, 0, "a")), equalTo(false));
    // the same window becomes acceptable once the clock has caught up with it
    clock.set((now + 23 * 3600) * 1000);
    assertThat(s.offer(TrendFixtures.trend("search", now + 23 * 3600, 0, "boots")), equalTo(true));
  }
}
