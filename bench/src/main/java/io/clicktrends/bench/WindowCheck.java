package io.clicktrends.bench;

import io.clicktrends.schema.Trend;
import java.util.ArrayList;
import java.util.List;

/**
 * Which (dimension, window) results a live run checks, and how they compare with what the generator
 * sent.
 *
 * <p><b>Checked windows</b>: for every ranked dimension, every window {@code [end - windowSize,
 * end)} with {@code end} on the slide grid, {@code sendStart < end <= ceilToSlide(sendEnd)}, whose
 * true total (events of the dimension the agent accepted with event time in the window, from {@link
 * SentCounts}) is positive (the pipeline sends nothing for an empty window). {@code
 * sendStart}/{@code sendEnd} are the wall-clock times the generator started and finished; events
 * are stamped with the wall clock when sent, so every event of a checked window was sent during the
 * run, and the window's result is due once the watermark (newest event time minus {@code
 * maxOutOfOrderness}, then the wall clock once the agent is idle) passes its end. Windows ending
 * later (up to {@code windowSize} after the run) would need a drain as long as the window and are
 * not checked.
 *
 * <p>A checked window is <b>missing</b> if no trend arrived for it; <b>wrong</b> if its latest
 * trend (highest pane index) has a {@code total} other than the true total.
 */
final class WindowCheck {
  /** One checked window: its dimension, end (epoch millis) and true total. */
  record Window(String dimension, long endMillis, long expectedTotal) {}

  private final List<Window> windows;

  private WindowCheck(List<Window> windows) {
    this.windows = windows;
  }

  /**
   * The checked windows of a run that sent from {@code sendStartMillis} to {@code sendEndMillis}.
   */
  static WindowCheck of(
      SentCounts sent,
      List<String> dimensions,
      long windowSizeMillis,
      long sendStartMillis,
      long sendEndMillis) {
    long slide = sent.slideMillis();
    long lastEnd = Math.floorDiv(sendEndMillis + slide - 1, slide) * slide;
    long firstEnd = Math.floorDiv(sendStartMillis, slide) * slide + slide;
    List<Window> out = new ArrayList<>();
    for (String d : dimensions) {
      for (long end = firstEnd; end <= lastEnd; end += slide) {
        long total = sent.total(d, end - windowSizeMillis, end);
        if (total > 0) {
          out.add(new Window(d, end, total));
        }
      }
    }
    return new WindowCheck(out);
  }

  List<Window> windows() {
    return windows;
  }

  /** The latest end of a checked window, or Long.MIN_VALUE if none. */
  long lastEndMillis() {
    return windows.stream().mapToLong(Window::endMillis).max().orElse(Long.MIN_VALUE);
  }

  /** Checked windows no trend arrived for. */
  int missing(TrendCollector trends) {
    int n = 0;
    for (Window w : windows) {
      if (trends.latest(w.dimension(), w.endMillis()) == null) {
        n++;
      }
    }
    return n;
  }

  /**
   * Checked windows whose latest trend's total differs from the true total (missing ones not
   * counted).
   */
  int wrong(TrendCollector trends) {
    int n = 0;
    for (Window w : windows) {
      Trend t = trends.latest(w.dimension(), w.endMillis());
      if (t != null && t.getTotal() != w.expectedTotal()) {
        n++;
      }
    }
    return n;
  }

  /** A few wrong windows, for the log: {@code dimension/end expected=... got=...}. */
  List<String> describeWrong(TrendCollector trends, int max) {
    List<String> out = new ArrayList<>();
    for (Window w : windows) {
      Trend t = trends.latest(w.dimension(), w.endMillis());
      if (t != null && t.getTotal() != w.expectedTotal() && out.size() < max) {
        out.add(
            w.dimension()
                + "/"
                + java.time.Instant.ofEpochMilli(w.endMillis())
                + " expected="
                + w.expectedTotal()
                + " got="
                + t.getTotal()
                + " pane="
                + t.getPaneIndex()
                + " "
                + t.getTiming());
      }
    }
    return out;
  }

  /** Every checked window has arrived with its true total. */
  boolean complete(TrendCollector trends) {
    return missing(trends) == 0 && wrong(trends) == 0;
  }
}
