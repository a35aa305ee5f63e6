package io.clicktrends.runner;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The parts of a running {@code local} system, which live and die together: any part may {@link
 * #fail} (the first failure wins and is what {@link #firstFailure()} completes with), and {@link
 * #stopAll} stops the started parts, each in its own thread, within one overall deadline (a part
 * that does not stop in time is left to the JVM's exit).
 */
final class Parts {
  /** A started part and how to stop it. */
  interface Stoppable {
    void stop() throws Exception;
  }

  private record Part(String name, Stoppable stopper) {}

  private final Deque<Part> started = new ArrayDeque<>();
  private final CompletableFuture<String> failure = new CompletableFuture<>();
  private volatile boolean stopping;

  synchronized void started(String name, Stoppable stop) {
    started.push(new Part(name, stop));
  }

  /** Records that {@code part} failed; the first failure ends the system. */
  void fail(String part, String reason) {
    if (stopping) {
      return; // a part stopped by stopAll is not a failure
    }
    failure.complete(part + ": " + reason);
  }

  /** Completes with "part: reason" on the first failure. */
  CompletableFuture<String> firstFailure() {
    return failure;
  }

  /**
   * Stops every started part, all at once (a runner's cancel can take most of the deadline, and the
   * agent's file channels and the child JVM must still get their turn); returns false if some did
   * not stop within {@code deadline}.
   */
  boolean stopAll(Duration deadline) {
    stopping = true;
    long end = System.nanoTime() + deadline.toNanos();
    List<Thread> stops = new ArrayList<>();
    synchronized (this) {
      for (Part p : started) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    p.stopper().stop();
                  } catch (Exception e) {
                    System.err.println("clicktrends local: stopping the " + p.name() + ": " + e);
                  }
                },
                "stop-" + p.name());
        t.setDaemon(true);
        t.start();
        stops.add(t);
      }
      started.clear();
    }
    boolean all = true;
    for (Thread t : stops) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        System.err.println(
            "clicktrends local: "
                + t.getName().substring("stop-".length())
                + " did not stop in time; leaving it to the exit");
        all = false;
      }
    }
    return all;
  }
}
