package io.clicktrends.yarnit;

// For run.sh (not part of the build): waits until the trends TrendWatch received equal the
// reference computation
// (ReferenceComputation: a plain loop over the replayed file) for the first N windows in window-end
// order, across
// all dimensions, and writes the verdict to resultFile: "OK <n> windows up to <end> equal the
// reference" or
// "FAIL <what differs>" after the deadline. The replay sends in event-time order and
// allowedLateness is 0, so every
// window's one ON_TIME pane holds all of its events. Taking the first N, not whatever arrived,
// catches windows that
// never come (e.g. events dropped as late at the start), not only wrong counts.
//   java -cp <runner-profiles class path> io.clicktrends.yarnit.TrendCheck <clicks file> <jsonFile>
// <N> <deadline s> <resultFile>
//       <pipeline options...>   (the window options the pipeline ran with)
import io.clicktrends.pipeline.ReferenceComputation;
import io.clicktrends.pipeline.TrendConfig;
import io.clicktrends.pipeline.TrendOptions;
import io.clicktrends.pipeline.TrendText;
import io.clicktrends.runner.Replay;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

public class TrendCheck {
  public static void main(String[] a) throws Exception {
    Path clicks = Path.of(a[0]);
    Path json = Path.of(a[1]);
    int n = Integer.parseInt(a[2]);
    long deadline = System.currentTimeMillis() + Long.parseLong(a[3]) * 1000;
    Path result = Path.of(a[4]);
    TrendOptions options =
        PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(a, 5, a.length))
            .withoutStrictParsing()
            .as(TrendOptions.class);
    TrendConfig config = TrendConfig.from(options);

    List<ReferenceComputation.Arrival> arrivals = new ArrayList<>();
    for (ClickEvent e : Replay.read(clicks)) {
      arrivals.add(new ReferenceComputation.Arrival(e, Long.MIN_VALUE));
    }
    Map<String, String> all =
        ReferenceComputation.compute(arrivals, config, ReferenceComputation.Cut.FINAL);
    // window ids end with "<start>/<end>" in ISO-8601 UTC, which sorts as time does
    List<String> byEnd = new ArrayList<>(all.keySet());
    byEnd.sort(Comparator.comparing((String id) -> end(id)).thenComparing(id -> id));
    String lastEnd = end(byEnd.get(Math.min(n, byEnd.size()) - 1));
    TreeMap<String, String> expected = new TreeMap<>();
    for (String id : byEnd) {
      if (end(id).compareTo(lastEnd) <= 0) {
        expected.put(id, all.get(id));
      }
    }

    TreeMap<String, String> actual = new TreeMap<>();
    while (true) {
      actual.clear();
      if (Files.exists(json)) {
        for (String line : Files.readAllLines(json, StandardCharsets.UTF_8)) {
          Trend t;
          try {
            t = TrendJson.fromJson(line);
          } catch (RuntimeException partial) { // the line being written
            continue;
          }
          String id = TrendText.windowId(t);
          if (end(id).compareTo(lastEnd) <= 0) {
            actual.put(
                id, TrendText.content(t)); // the last pane of a window wins, as on the dashboard
          }
        }
      }
      if (actual.equals(expected)) {
        write(
            result, "OK " + expected.size() + " windows up to " + lastEnd + " equal the reference");
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        write(result, "FAIL " + diff(expected, actual));
        return;
      }
      Thread.sleep(250); // polling a file another process appends to
    }
  }

  /**
   * The window's end in a window id, {@code dimension start/end} with {@code " rising"} after a
   * rising one's.
   */
  private static String end(String windowId) {
    String end = windowId.substring(windowId.lastIndexOf('/') + 1);
    int space = end.indexOf(' ');
    return space < 0 ? end : end.substring(0, space);
  }

  private static String diff(Map<String, String> expected, Map<String, String> actual) {
    List<String> missing = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String got = actual.get(e.getKey());
      if (got == null) {
        missing.add(e.getKey());
      } else if (!got.equals(e.getValue())) {
        wrong.add(e.getKey() + ": expected " + e.getValue() + ", got " + got);
      }
    }
    List<String> extra = new ArrayList<>(actual.keySet());
    extra.removeAll(expected.keySet());
    return expected.size()
        + " windows expected, "
        + actual.size()
        + " received; "
        + missing.size()
        + " missing "
        + missing.subList(0, Math.min(5, missing.size()))
        + "; "
        + wrong.size()
        + " differ "
        + wrong.subList(0, Math.min(3, wrong.size()))
        + "; "
        + extra.size()
        + " not in the reference "
        + extra.subList(0, Math.min(3, extra.size()));
  }

  private static void write(Path file, String verdict) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, verdict + "\n");
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
