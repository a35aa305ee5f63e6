package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;

/**
 * The DirectRunner-side memory of output eventIds: a repeat within 10 minutes is refused, bounded
 * in size.
 */
public class RecentEventIdsTest {
  @Test
  public void aRepeatWithinTenMinutesIsRefusedAndAllowedAfter() {
    RecentEventIds ids = RecentEventIds.of("test-repeat");
    long t = 1_000_000;
    assertThat(ids.firstTime("a", t), equalTo(true));
    assertThat(ids.firstTime("a", t + 9 * 60_000), equalTo(false));
    assertThat(ids.firstTime("b", t + 9 * 60_000), equalTo(true));
    assertThat("10 min after it was last seen", ids.firstTime("a", t + 20 * 60_000), equalTo(true));
  }

  @Test
  public void atMostOneHundredThousandIdsAreKept() {
    RecentEventIds ids = RecentEventIds.of("test-bound");
    for (int i = 0; i <= 100_000; i++) {
      assertThat(ids.firstTime("id-" + i, 0), equalTo(true));
    }
    assertThat("the oldest was forgotten", ids.firstTime("id-0", 0), equalTo(true));
    assertThat("a recent one is kept", ids.firstTime("id-100000", 0), equalTo(false));
  }

  @Test
  public void eachReadHasItsOwnMemory() {
    assertThat(RecentEventIds.of("read-1").firstTime("x", 0), equalTo(true));
    assertThat(RecentEventIds.of("read-2").firstTime("x", 0), equalTo(true));
  }
}
