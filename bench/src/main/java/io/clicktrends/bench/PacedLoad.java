package io.clicktrends.bench;

import io.clicktrends.schema.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Offers clicks at a fixed rate for a fixed time, in batches on a schedule: batch k (of {@code
 * batchSize} events) is due at {@code start + k * batchSize / rate}. Sender threads take the next
 * batch index, wait until it is due (never a fixed sleep: a thread that is already late sends at
 * once, so the schedule catches up), stamp its events with the current wall-clock time and send it;
 * an acknowledged batch is added to {@link SentCounts}.
 *
 * <p>If the generator itself cannot keep the schedule (slow sends, too few threads, a busy CPU),
 * batches start after their due time: {@link Result#maxLagMillis} says by how much at worst, and
 * {@link Result#achievedPerSecond} is below the rate.
 */
final class PacedLoad {
  private final double rate;
  private final long durationMillis;
  private final int batchSize;
  private final int threads;
  private final LiveClicks clicks;
  private final SentCounts counts;
  private final Supplier<ClickSender> senders;

  /**
   * @param rate events per second offered (positive)
   * @param durationMillis how long to offer them; {@code round(rate * duration)} events in all
   * @param batchSize events per send (per {@code appendBatch} or POST)
   * @param threads sender threads, each with its own connection
   */
  PacedLoad(
      double rate,
      long durationMillis,
      int batchSize,
      int threads,
      LiveClicks clicks,
      SentCounts counts,
      Supplier<ClickSender> senders) {
    if (!(rate > 0) || durationMillis <= 0 || batchSize < 1 || threads < 1) {
      throw new IllegalArgumentException("rate, duration, batch size and threads must be positive");
    }
    this.rate = rate;
    this.durationMillis = durationMillis;
    this.batchSize = batchSize;
    this.threads = threads;
    this.clicks = clicks;
    this.counts = counts;
    this.senders = senders;
  }

  /** What the generator did. Times are wall-clock epoch millis; rates events per second. */
  record Result(
      long offered,
      long accepted,
      long failedBatches,
      String firstFailure,
      long startMillis,
      long endMillis,
      double achievedPerSecond,
      long maxLagMillis) {}

  /** Sends everything on schedule; returns when every batch was sent or failed. */
  Result run() throws InterruptedException {
    long total = Math.round(rate * durationMillis / 1000.0);
    long batches = (total + batchSize - 1) / batchSize;
    AtomicLong next = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong maxLagNanos = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try (ClickSender sender = senders.get()) {
                  List<ClickEvent> batch = new ArrayList<>(batchSize);
                  for (long k = next.getAndIncrement(); k < batches; k = next.getAndIncrement()) {
                    long due = start + (long) (k * batchSize * 1e9 / rate);
                    for (long wait = due - System.nanoTime();
                        wait > 0;
                        wait = due - System.nanoTime()) {
                      LockSupport.parkNanos(
                          wait); // waits for the batch's due time; may return early, hence the loop
                    }
                    maxLagNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
                    int n = (int) Math.min(batchSize, total - k * batchSize);
                    batch.clear();
                    long now = System.currentTimeMillis();
                    for (int j = 0; j < n; j++) {
                      batch.add(clicks.next(now));
                    }
                    try {
                      sender.send(batch);
                      counts.addAccepted(batch);
                      accepted.addAndGet(n);
                    } catch (Exception e) {
                      failed.incrementAndGet();
                      firstFailure.compareAndSet(null, e.toString());
                    }
                  }
                } catch (RuntimeException e) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, "sender could not start: " + e);
                }
              },
              "live-sender-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join();
    }
    long endMillis = System.currentTimeMillis();
    double elapsed = Math.max(durationMillis, endMillis - startMillis) / 1000.0;
    return new Result(
        total,
        accepted.get(),
        failed.get(),
        firstFailure.get(),
        startMillis,
        endMillis,
        accepted.get() / elapsed,
        maxLagNanos.get() / 1_000_000);
  }
}
