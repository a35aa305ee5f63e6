package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

public class TrendStoreTest {
  private static TrendMessage top(
      String dimension, long windowEndSeconds, long paneIndex, String... keys) {
    return TrendMessage.top(TrendFixtures.trend(dimension, windowEndSeconds, paneIndex, keys));
  }

  private static TrendMessage rising(
      String dimension, long windowEndSeconds, long paneIndex, String... keys) {
    io.clicktrends.schema.Trend t =
        TrendFixtures.trend(dimension, windowEndSeconds, paneIndex, keys);
    int n = t.getItems().size();
    return new TrendMessage(t, TrendMessage.RISING, new Long[n], new Double[n]);
  }

  /**
   * A rising trend of the same dimension, window and pane is kept beside the top trend, never in
   * its place.
   */
  @Test
  public void topAndRisingOfTheSameWindowAreKeptApart() {
    TrendStore s = new TrendStore();
    assertThat(s.offer(top("search", 100, 0, "shoes")), equalTo(true));
    assertThat(
        "rising of the same window", s.offer(rising("search", 100, 0, "boots")), equalTo(true));
    assertThat("top again: duplicate", s.offer(top("search", 100, 0, "shoes")), equalTo(false));
    assertThat(
        s.latest().stream()
            .map(e -> e.message().kind() + ":" + e.message().trend().getItems().get(0).getKey())
            .toList(),
        equalTo(java.util.List.of("rising:boots", "top:shoes")));
    assertThat(s.offer(top("search", 110, 0, "hats")), equalTo(true));
    assertThat(s.previousOf("search", "top").trend().getItems().get(0).getKey(), equalTo("shoes"));
    assertThat(s.previousOf("search", "rising"), equalTo(null));
    assertThat(s.size(), equalTo(1));
  }

  @Test
  public void keepsOnlyNewerResults() {
    TrendStore s = new TrendStore();
    assertThat(s.offer(top("d", 100, 0, "a")), equalTo(true));
    assertThat("same window, same pane: duplicate", s.offer(top("d", 100, 0, "a")), equalTo(false));
    assertThat("same window, later pane", s.offer(top("d", 100, 1, "a", "b")), equalTo(true));
    assertThat("same window, earlier pane", s.offer(top("d", 100, 0, "a")), equalTo(false));
    assertThat("later window", s.offer(top("d", 110, 0, "b")), equalTo(true));
    assertThat("older window arriving late", s.offer(top("d", 100, 5, "z")), equalTo(false));
    assertThat(s.previousOf("d", "top").trend().getPaneIndex(), equalTo(1L));
    assertThat(s.previousOf("d", "top").trend().getWindowEnd().getEpochSecond(), equalTo(100L));
    assertThat(s.offer(top("e", 50, 0, "q")), equalTo(true));
    assertThat(s.size(), equalTo(2));
  }

  /**
   * A window from a device clock 23 h fast must not become the latest and refuse every newer real
   * trend for a day: it is refused, and real-time trends keep coming.
   */
  @Test
  public void aWindowFarAheadOfTheClockIsRefusedAndDoesNotPinTheDashboard() {
    long now = 1_795_000_000L; // seconds
    java.util.concurrent.atomic.AtomicLong clock =
        new java.util.concurrent.atomic.AtomicLong(now * 1000);
    TrendStore s = new TrendStore(clock::get, TrendStore.DEFAULT_MAX_AHEAD_MILLIS);
    assertThat(s.offer(top("search", now, 0, "boots")), equalTo(true));
    assertThat("23 h ahead", s.offer(top("search", now + 23 * 3600, 0, "boots")), equalTo(false));
    assertThat(s.offer(top("search", now + 10, 0, "boots")), equalTo(true));
    assertThat(
        s.latest().get(0).message().trend().getWindowEnd().getEpochSecond(), equalTo(now + 10));
    assertThat(
        "exactly at the limit", s.offer(top("search", now + 300, 0, "boots")), equalTo(true));
    assertThat(
        "another dimension at the limit", s.offer(top("x", now + 300, 0, "a")), equalTo(true));
    clock.set(now * 1000 - 1);
    assertThat(s.offer(top("y", now + 300, 0, "a")), equalTo(false));
    // the same window becomes acceptable once the clock has caught up with it
    clock.set((now + 23 * 3600) * 1000);
    assertThat(s.offer(top("search", now + 23 * 3600, 0, "boots")), equalTo(true));
  }
}
