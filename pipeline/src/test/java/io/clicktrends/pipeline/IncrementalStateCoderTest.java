package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * The incremental engine's saved state: a ring with rising trends survives encoding, and an older
 * layout is refused.
 */
public class IncrementalStateCoderTest {
  /** 3 slices per window, one slice of lateness, top 2, rising from a count of 2. */
  private static final TrendConfig CONFIG =
      TrendConfig.of(
              Duration.standardSeconds(30),
              Duration.standardSeconds(10),
              2,
              Duration.standardSeconds(10),
              List.of(Dimension.search))
          .withRising(2);

  private static IncrementalState roundTrip(IncrementalState s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IncrementalStateCoder.of(CONFIG).encode(s, out);
    return IncrementalStateCoder.of(CONFIG).decode(new ByteArrayInputStream(out.toByteArray()));
  }

  /**
   * Rolls slices 0..8 (slice n holds key "k" n times and "old" 9 - n times), encoding and decoding
   * after every slice.
   */
  private static List<String> roll(boolean encodeEachStep) throws IOException {
    IncrementalState s = IncrementalState.fresh(CONFIG);
    List<String> out = new ArrayList<>();
    for (long n = 0; n < 9; n++) {
      s.ring.addToSlice(n, Map.of("k", n + 1, "old", 9 - n));
      if (n == 5) {
        s.ring.correct(
            3, Map.of("late", 4L), 5); // dropped by the windows ending with slices 3 and 4
      }
      s.ring.advanceTo(
          n,
          (last, r) ->
              out.add(
                  last
                      + " "
                      + TrendText.content(r.total(), r.items())
                      + " "
                      + TrendText.risingContent(r.total(), r.rising())));
      if (encodeEachStep) {
        s = roundTrip(s);
      }
    }
    SlidingTopK.Result r = s.ring.recount(7);
    out.add("recount 7 " + TrendText.risingContent(r.total(), r.rising()));
    return out;
  }

  @Test
  public void aRingWithRisingTrendsGivesTheSameResultsAfterEveryEncoding() throws IOException {
    List<String> kept = roll(false);
    assertEquals(kept, roll(true));
    // window ending with slice 5 (slices 3..5, with the late 4 it keeps) against slices 0..2
    assertEquals(
        "5 total=34 [k=15, old=15] total=34 rising [late=4/0/"
            + 4 / Math.sqrt(4)
            + ", k=15/6/"
            + 9 / Math.sqrt(21)
            + "]",
        kept.get(5));
    // window ending with slice 7 (slices 5..7) against slices 2..4 without the late 4 (that window
    // dropped it)
    assertEquals(
        "7 total=30 [k=21, old=9] total=30 rising [k=21/12/" + 9 / Math.sqrt(33) + "]",
        kept.get(7));
    assertEquals("recount 7 total=30 rising [k=21/12/" + 9 / Math.sqrt(33) + "]", kept.get(9));
    // window ending with slice 8 (slices 6..8) against slices 3..5, which kept the late 4
    assertEquals(
        "8 total=30 [k=24, old=6] total=30 rising [k=24/15/" + 9 / Math.sqrt(39) + "]",
        kept.get(8));
  }

  @Test
  public void aStateInAnOlderLayoutIsRefusedWithAMessage() {
    byte[] layout4 = {4, 0, 0, 0, 3};
    IOException e =
        assertThrows(
            IOException.class,
            () -> IncrementalStateCoder.of(CONFIG).decode(new ByteArrayInputStream(layout4)));
    assertThat(e.getMessage(), containsString("layout 4, this version reads 5"));
  }

  /** A restart from a checkpoint with changed options must not mix old counts with new bounds. */
  @Test
  public void aStateSavedUnderOtherSettingsIsRefusedNamingTheOption() throws IOException {
    IncrementalState s = IncrementalState.fresh(CONFIG);
    s.ring.addToSlice(0, Map.of("k", 1L));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    IncrementalStateCoder.of(CONFIG).encode(s, saved);
    List<Dimension> dims = List.of(Dimension.search);
    Duration tenS = Duration.standardSeconds(10);
    Object[][] changes = {
      {
        TrendConfig.of(Duration.standardSeconds(60), tenS, 2, tenS, dims).withRising(2),
        "--windowSize=30s, this pipeline runs with --windowSize=1m"
      },
      {
        TrendConfig.of(Duration.standardSeconds(30), Duration.standardSeconds(5), 2, tenS, dims)
            .withRising(2),
        "--windowSlide=10s, this pipeline runs with --windowSlide=5s"
      },
      {
        TrendConfig.of(Duration.standardSeconds(30), tenS, 2, Duration.ZERO, dims).withRising(2),
        "--allowedLateness=10s, this pipeline runs with --allowedLateness=0s"
      },
      {
        TrendConfig.of(Duration.standardSeconds(30), tenS, 3, tenS, dims).withRising(2),
        "--topK=2, this pipeline runs with --topK=3"
      },
      {
        TrendConfig.of(Duration.standardSeconds(30), tenS, 2, tenS, dims),
        "--rising=true --risingMinCount=2, this pipeline runs with --rising=false"
      },
    };
    for (Object[] change : changes) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  IncrementalStateCoder.of((TrendConfig) change[0])
                      .decode(new ByteArrayInputStream(saved.toByteArray())));
      assertThat(e.getMessage(), containsString((String) change[1]));
      assertThat(e.getMessage(), containsString("fresh checkpoint directory"));
    }
  }
}
