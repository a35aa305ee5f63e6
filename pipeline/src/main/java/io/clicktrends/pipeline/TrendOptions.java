package io.clicktrends.pipeline;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What the trend computation needs. Durations are strings so the command line takes {@code 90s},
 * {@code 10m}, {@code 1h} or {@code PT10M}; {@link TrendConfig#from} parses and validates them.
 */
public interface TrendOptions extends PipelineOptions {
  @Description("Length of the sliding event-time window, e.g. 10m, 1h, PT10M.")
  @Default.String("10m")
  String getWindowSize();

  void setWindowSize(String value);

  @Description(
      "How often a window starts (its slide), e.g. 10s; windowSize must be a multiple of it.")
  @Default.String("10s")
  String getWindowSlide();

  void setWindowSlide(String value);

  @Description("How many items each trend lists.")
  @Default.Integer(10)
  int getTopK();

  void setTopK(int value);

  @Description(
      "How long after a window closes late events still correct it (a LATE update), e.g. 1m, any duration "
          + ">= 0 on both engines: a late event counts in a window while the watermark is at most the window's end - 1ms + "
          + "allowedLateness (Beam's rule, to the millisecond, whatever windowSlide is); later ones are dropped from that "
          + "window and counted.")
  @Default.String("1m")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description(
      "Comma-separated dimensions to rank: add_to_cart, product_view, purchase, remove_from_cart, "
          + "category_view, search. Default: "
          + TrendConfig.DEFAULT_DIMENSIONS
          + ".")
  List<String> getDimensions();

  void setDimensions(List<String> value);

  @Description(
      "Also publish rising trends (kind rising, routing key trend.<dimension>.rising): per window, the K keys "
          + "with the highest (c - b) / sqrt(c + b), c the key's count in the window and b in the window before it, among "
          + "keys with c >= risingMinCount and c > b.")
  @Default.Boolean(true)
  boolean getRising();

  void setRising(boolean value);

  @Description("The least count a key needs in a window to be listed as rising (at least 1).")
  @Default.Integer(TrendConfig.DEFAULT_RISING_MIN_COUNT)
  int getRisingMinCount();

  void setRisingMinCount(int value);

  @Description(
      "Trend engine: incremental (slice counts, a ring of slices and an incremental ranking) or slidingWindows (Beam's SlidingWindows + count + top per window; same results, slow for many slices).")
  @Default.Enum("incremental")
  Engine getEngine();

  void setEngine(Engine value);

  @Description(
      "Incremental engine: hash shards per dimension for the ranking state (each a separate key, so a large "
          + "dimension spreads over workers); the shards' top K are merged into the exact top K.")
  @Default.Integer(1)
  int getRankingShards();

  void setRankingShards(int value);
}
