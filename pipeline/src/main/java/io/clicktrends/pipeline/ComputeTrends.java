package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import java.util.Objects;
import org.apache.beam.sdk.transforms.PTransform;
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
public final class ComputeTrends extends PTransform<PCollection<ClickEvent>, PCollection<Trend>> {
  private final TrendConfig config;
  private final Engine engine;
  private final int rankingShards;

  private ComputeTrends(TrendConfig config, Engine engine, int rankingShards) {
    this.config = config;
    this.engine = engine;
    this.rankingShards = rankingShards;
  }

  /** The trends of {@code config} by the incremental engine (the default). */
  public static ComputeTrends of(TrendConfig config) {
    return new ComputeTrends(config, Engine.incremental, 1);
  }

  /** Reads the window, K, lateness, dimensions and engine from the options (validated). */
  public static ComputeTrends from(TrendOptions options) {
    return of(TrendConfig.from(options))
        .withEngine(options.getEngine())
        .withRankingShards(options.getRankingShards());
  }

  public ComputeTrends withEngine(Engine engine) {
    return new ComputeTrends(config, engine, rankingShards);
  }

  /**
   * The incremental engine's ranking state in {@code n} hash shards per dimension (default 1: one
   * per dimension), so a large dimension spreads over workers; the shards' top K are merged into
   * the exact global top K.
   */
  public ComputeTrends withRankingShards(int n) {
    return new ComputeTrends(config, engine, n);
  }

  public TrendConfig config() {
    return config;
  }

  @Override
  public PCollection<Trend> expand(PCollection<ClickEvent> events) {
    Objects.requireNonNull(config, "ComputeTrends needs a TrendConfig");
    Objects.requireNonNull(engine, "ComputeTrends needs an engine");
    if (rankingShards < 1) {
      throw new IllegalArgumentException(
          "--rankingShards=" + rankingShards + " must be at least 1");
    }
    switch (engine) {
      case incremental:
        return events.apply("IncrementalEngine", new IncrementalEngine(config, rankingShards));
      case slidingWindows:
      default:
        return events.apply("SlidingWindowsEngine", new SlidingWindowsEngine(config));
    }
  }
}
