package io.clicktrends.pipeline;

import com.google.auto.value.AutoValue;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;

/**
 * Per configured dimension, the top-K items over sliding event-time windows {@code [start, end)},
 * aligned to the epoch. Each window yields an ON_TIME trend when the watermark passes its end and a
 * LATE trend with corrected (accumulated) counts for each late arrival within the allowed lateness;
 * later events are dropped and counted. A window without events of a dimension yields nothing.
 *
 * <pre>{@code
 * PCollection<Trend> trends = events.apply(ComputeTrends.of(TrendConfig.from(options)).withEngine(Engine.incremental));
 * }</pre>
 */
@AutoValue
public abstract class ComputeTrends
    extends PTransform<PCollection<ClickEvent>, PCollection<Trend>> {
  /** The trend settings: window, slide, K, lateness, dimensions, rising. */
  public abstract TrendConfig config();

  abstract Engine engine();

  abstract int rankingShards();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setConfig(TrendConfig config);

    abstract Builder setEngine(Engine engine);

    abstract Builder setRankingShards(int n);

    abstract ComputeTrends build();
  }

  /** The trends of {@code config} by the incremental engine (the default), one ranking shard. */
  public static ComputeTrends of(TrendConfig config) {
    return new AutoValue_ComputeTrends.Builder()
        .setConfig(config)
        .setEngine(Engine.incremental)
        .setRankingShards(1)
        .build();
  }

  /** Reads the window, K, lateness, dimensions and engine from the options (validated). */
  public static ComputeTrends from(TrendOptions options) {
    return of(TrendConfig.from(options))
        .withEngine(options.getEngine())
        .withRankingShards(options.getRankingShards());
  }

  public ComputeTrends withEngine(Engine engine) {
    return toBuilder().setEngine(engine).build();
  }

  /**
   * The incremental engine's ranking state in {@code n} hash shards per dimension (default 1: one
   * per dimension), so a large dimension spreads over workers; the shards' top K are merged into
   * the exact global top K.
   */
  public ComputeTrends withRankingShards(int n) {
    return toBuilder().setRankingShards(n).build();
  }

  @Override
  public PCollection<Trend> expand(PCollection<ClickEvent> events) {
    if (rankingShards() < 1) {
      throw new IllegalArgumentException(
          "--rankingShards=" + rankingShards() + " must be at least 1");
    }
    switch (engine()) {
      case incremental:
        return events.apply("IncrementalEngine", new IncrementalEngine(config(), rankingShards()));
      case slidingWindows:
      default:
        return events.apply("SlidingWindowsEngine", new SlidingWindowsEngine(config()));
    }
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    TrendConfig c = config();
    builder
        .add(DisplayData.item("windowSize", Durations.format(c.windowSize())))
        .add(DisplayData.item("windowSlide", Durations.format(c.windowSlide())))
        .add(DisplayData.item("topK", c.topK()))
        .add(DisplayData.item("allowedLateness", Durations.format(c.allowedLateness())))
        .add(DisplayData.item("dimensions", c.dimensions().toString()))
        .add(DisplayData.item("risingMinCount", c.risingMinCount()))
        .add(DisplayData.item("engine", engine().name()))
        .add(DisplayData.item("rankingShards", rankingShards()));
  }
}
