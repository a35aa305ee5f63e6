package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;
import org.junit.Test;

public class TrendConfigTest {
  private static TrendConfig parse(String... args) {
    return TrendConfig.from(PipelineOptionsFactory.fromArgs(args).as(TrendOptions.class));
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
  }

  @Test
  public void defaultsAreTenMinutesEveryTenSecondsTopTen() {
    TrendConfig c = parse();
    assertEquals(Duration.standardMinutes(10), c.windowSize());
    assertEquals(Duration.standardSeconds(10), c.windowSlide());
    assertEquals(60, c.slicesPerWindow());
    assertEquals(10, c.topK());
    assertEquals(Duration.standardMinutes(1), c.allowedLateness());
    assertEquals(
        List.of(
            Dimension.add_to_cart,
            Dimension.search,
            Dimension.category_view,
            Dimension.product_view,
            Dimension.purchase),
        c.dimensions());
  }

  @Test
  public void risingTrendsAreOnByDefaultFromACountOfFiveAndCanBeTurnedOff() {
    assertEquals(true, parse().rising());
    assertEquals(5, parse().risingMinCount());
    assertEquals(3, parse("--risingMinCount=3").risingMinCount());
    assertEquals(false, parse("--rising=false").rising());
    assertEquals(0, parse("--rising=false").risingMinCount());
    assertThat(
        error("--risingMinCount=0"), containsString("--risingMinCount=0 must be at least 1"));
  }

  @Test
  public void durationsAcceptShortAndIsoForms() {
    assertEquals(Duration.standardSeconds(90), Durations.parse("x", "90s"));
    assertEquals(Duration.standardMinutes(10), Durations.parse("x", "10m"));
    assertEquals(Duration.standardHours(1), Durations.parse("x", "1h"));
    assertEquals(Duration.standardMinutes(10), Durations.parse("x", "PT10M"));
    assertEquals(Duration.millis(1500), Durations.parse("x", "1500ms"));
    TrendConfig c =
        parse(
            "--windowSize=PT1H",
            "--windowSlide=90s",
            "--dimensions=search,add_to_cart",
            "--topK=3");
    assertEquals(40, c.slicesPerWindow());
    assertEquals(List.of(Dimension.search, Dimension.add_to_cart), c.dimensions());
  }

  @Test
  public void
      aLateEventCorrectsAWindowWhileTheWatermarkIsAtMostItsEndMinusOneMillisecondPlusTheLateness() {
    long end = Durations.parse("x", "PT10M").getMillis();
    assertEquals(end - 1 + 60_000, parse("--windowSlide=5m").latenessDeadline(end));
    assertEquals(end - 1 + 7_000, parse("--allowedLateness=7s").latenessDeadline(end));
    assertEquals(end - 1, parse("--allowedLateness=0s").latenessDeadline(end));
  }

  @Test
  public void badValuesAreRejectedByName() {
    assertThat(error("--windowSize=ten minutes"), containsString("--windowSize=ten minutes"));
    assertThat(error("--windowSlide=0s"), containsString("--windowSlide=0s must be positive"));
    assertThat(error("--windowSlide=-5s"), containsString("--windowSlide=-5s"));
    assertThat(
        error("--windowSize=1m", "--windowSlide=2m"),
        containsString("--windowSlide=2m is longer than --windowSize=1m"));
    assertThat(
        error("--windowSize=10m", "--windowSlide=7m"),
        containsString("--windowSize=10m is not a multiple of --windowSlide=7m"));
    assertThat(error("--topK=0"), containsString("--topK=0 must be at least 1"));
    assertThat(
        error("--dimensions=search,add_to_kart"),
        containsString("unknown dimension \"add_to_kart\""));
    assertThat(error("--dimensions=search,search"), containsString("\"search\" twice"));
  }
}
