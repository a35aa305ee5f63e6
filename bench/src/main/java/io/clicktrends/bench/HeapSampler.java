package io.clicktrends.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the used heap every few milliseconds on a daemon thread and keeps the maximum since the
 * last {@link #reset}. Used heap includes garbage not yet collected, so this is an upper bound of
 * what the run needed, and it depends on -Xmx and the collector.
 */
final class HeapSampler {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peak = new AtomicLong();

  HeapSampler start() {
    Thread t =
        new Thread(
            () -> {
              while (true) {
                sample();
                try {
                  Thread.sleep(5); // a sampling period, not a synchronisation
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    t.setDaemon(true);
    t.start();
    return this;
  }

  private void sample() {
    long used = memory.getHeapMemoryUsage().getUsed();
    peak.accumulateAndGet(used, Math::max);
  }

  /** Collects garbage, then starts a new maximum from the heap in use now. */
  void reset() {
    System.gc();
    peak.set(memory.getHeapMemoryUsage().getUsed());
  }

  long peakMb() {
    sample();
    return peak.get() / (1024 * 1024);
  }
}
