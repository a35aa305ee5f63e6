package io.clicktrends.bench;

import io.clicktrends.pipeline.Dimension;
import io.clicktrends.pipeline.Durations;
import io.clicktrends.pipeline.TrendConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * One live run at one rate: a fresh agent and pipeline ({@link LiveSystem}), the run's own trend
 * queue ({@link TrendCollector}), the paced generator ({@link PacedLoad}), a drain, then the
 * figures.
 *
 * <p><b>sustained</b> is true when all of: the agent accepted every batch; the achieved rate is at
 * least 95% of the offered rate; every checked window arrived ({@code windows_missing=0}); and the
 * backlog did not grow: the median ON_TIME latency of the last 20% of measured trends (by window
 * end) is at most the median of the first 20% plus one slide. Measured trends: the ON_TIME trends
 * of checked windows ending after the warm-up.
 */
final class LiveRun {
  /** What one run measured; {@link #line()} is its LIVE line. */
  record Result(
      String runner,
      String via,
      boolean archive,
      double rate,
      double achieved,
      boolean sustained,
      long p50,
      long p95,
      long p99,
      int windows,
      int missing,
      int wrong,
      long peakHeapMb,
      long accepted,
      long failedBatches,
      long maxLagMillis,
      long trends,
      boolean rising,
      long risingTrends) {
    String line() {
      return String.format(
          Locale.ROOT,
          "LIVE runner=%s via=%s rate=%.0f achieved=%.0f sustained=%s p50_ms=%d p95_ms=%d p99_ms=%d windows=%d"
              + " windows_missing=%d totals_wrong=%d peak_heap_mb=%d archive=%s events=%d failed_batches=%d"
              + " generator_max_lag_ms=%d trends=%d rising=%s rising_trends=%d",
          runner,
          via,
          rate,
          achieved,
          sustained,
          p50,
          p95,
          p99,
          windows,
          missing,
          wrong,
          peakHeapMb,
          archive ? "on" : "off",
          accepted,
          failedBatches,
          maxLagMillis,
          trends,
          rising ? "on" : "off",
          risingTrends);
    }
  }

  private final LiveOptions o;
  private final String amqpUri;
  private final HeapSampler heap;

  LiveRun(LiveOptions options, String amqpUri, HeapSampler heap) {
    this.o = options;
    this.amqpUri = amqpUri;
    this.heap = heap;
  }

  /**
   * Runs the pipeline under {@code rate} events/s for {@code durationMillis}; prints progress to
   * stderr.
   */
  Result run(double rate, long durationMillis) throws Exception {
    String exchange = o.exchange != null ? o.exchange : "clicktrends.live." + UUID.randomUUID();
    heap.reset();
    try (TrendCollector trends = new TrendCollector(amqpUri, exchange);
        LiveSystem system = LiveSystem.start(o.runner, false, amqpUri, exchange, o.pipelineArgs)) {
      TrendConfig config = TrendConfig.from(system.options());
      long slide = config.windowSlide().getMillis();
      long outOfOrderness =
          Durations.parse("maxOutOfOrderness", system.options().getMaxOutOfOrderness()).getMillis();
      boolean archive = !"none".equals(system.options().getArchivePath());
      List<String> dimensions = new ArrayList<>();
      for (Dimension d : config.dimensions()) {
        dimensions.add(d.name());
      }
      log(
          "runner=%s pipeline %s, %s; agent avro %d http %d; exchange %s; %s %.0f events/s for %d s",
          o.runner,
          system.pipeline().getState(),
          config,
          system.agent().avroPort(),
          system.agent().httpPort(),
          exchange,
          o.via,
          rate,
          durationMillis / 1000);

      SentCounts sent = new SentCounts(slide);
      PacedLoad.Result load = send(system, rate, durationMillis, sent);
      log(
          "sent %d of %d events (%.0f/s, %d failed batches%s), generator at most %d ms behind schedule",
          load.accepted(),
          load.offered(),
          load.achievedPerSecond(),
          load.failedBatches(),
          load.firstFailure() == null ? "" : ", first: " + load.firstFailure(),
          load.maxLagMillis());

      WindowCheck check =
          WindowCheck.of(
              sent,
              dimensions,
              config.windowSize().getMillis(),
              load.startMillis(),
              load.endMillis());
      long deadline =
          Math.min(
              load.endMillis() + o.drainMillis(),
              Math.max(
                  System.currentTimeMillis(),
                  check.lastEndMillis() + outOfOrderness + o.drainMarginMillis()));
      while (!check.complete(trends) && System.currentTimeMillis() < deadline) {
        system.checkRunning();
        system
            .pipeline()
            .waitUntilFinish(org.joda.time.Duration.millis(250)); // a poll: returns while running
      }
      int missing = check.missing(trends);
      int wrong = check.wrong(trends);
      for (String w : check.describeWrong(trends, 5)) {
        log("wrong total: %s", w);
      }

      Set<String> measured = new HashSet<>();
      long measureFrom = load.startMillis() + o.warmupMillis();
      for (WindowCheck.Window w : check.windows()) {
        if (w.endMillis() > measureFrom) {
          measured.add(TrendCollector.key(w.dimension(), w.endMillis()));
        }
      }
      List<TrendCollector.OnTime> onTime = new ArrayList<>();
      for (TrendCollector.OnTime t : trends.onTime()) {
        if (measured.contains(TrendCollector.key(t.dimension(), t.windowEndMillis()))) {
          onTime.add(t);
        }
      }
      Latencies latencies = new Latencies(onTime);
      boolean steady = latencies.backlogSteady(slide);
      boolean sustained =
          steady
              && load.failedBatches() == 0
              && missing == 0
              && load.achievedPerSecond() >= 0.95 * rate;
      log(
          "%d checked windows (%d missing, %d wrong totals), %d trends received; %s",
          check.windows().size(), missing, wrong, trends.received(), latencies.describeTrend());
      return new Result(
          o.runner,
          o.via,
          archive,
          rate,
          load.achievedPerSecond(),
          sustained,
          latencies.percentile(50),
          latencies.percentile(95),
          latencies.percentile(99),
          check.windows().size(),
          missing,
          wrong,
          heap.peakMb(),
          load.accepted(),
          load.failedBatches(),
          load.maxLagMillis(),
          trends.received(),
          config.rising(),
          trends.risingReceived());
    }
  }

  /** Generator only: an agent nobody pulls from; returns the LIVE-GENERATOR line. */
  String generatorOnly(double rate, long durationMillis) throws Exception {
    heap.reset();
    try (LiveSystem system = LiveSystem.start(o.runner, true, amqpUri, "unused", List.of())) {
      SentCounts sent = new SentCounts(10_000);
      PacedLoad.Result load = send(system, rate, durationMillis, sent);
      if (load.firstFailure() != null) {
        log("first failure: %s", load.firstFailure());
      }
      return String.format(
          Locale.ROOT,
          "LIVE-GENERATOR via=%s rate=%.0f achieved=%.0f events=%d failed_batches=%d generator_max_lag_ms=%d"
              + " senders=%d batch=%d peak_heap_mb=%d",
          o.via,
          rate,
          load.achievedPerSecond(),
          load.accepted(),
          load.failedBatches(),
          load.maxLagMillis(),
          o.senders,
          o.batchSizeFor(rate),
          heap.peakMb());
    }
  }

  static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "live: " + format + "%n", args);
  }

  /** Sends fresh clicks to the system's agent at {@code rate} for {@code durationMillis}. */
  private PacedLoad.Result send(
      LiveSystem system, double rate, long durationMillis, SentCounts sent) throws Exception {
    int batch = o.batchSizeFor(rate);
    return new PacedLoad(
            rate,
            durationMillis,
            batch,
            o.senders,
            new LiveClicks(o.items, o.skew, o.searchTerms, o.seed),
            sent,
            () ->
                ClickSender.open(
                    o.via,
                    "127.0.0.1",
                    system.agent().avroPort(),
                    system.agent().httpPort(),
                    batch))
        .run();
  }
}
