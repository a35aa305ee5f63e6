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
}
