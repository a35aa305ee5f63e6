package io.clicktrends.testdata;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.YoochooseRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The YOOCHOOSE clicks sample (RecSys Challenge 2015): tab-separated {@code SessionId, ItemId,
 * Time} (epoch seconds with a fraction), one product view per row, ordered by session, not by time.
 */
public final class YoochooseSample {
  public static final String FILE_NAME = "yoochoose-clicks-70k.tsv";

  private YoochooseSample() {}

  /** Parses one data row ({@link YoochooseRow}), or returns null for the header line. */
  public static ClickEvent parseRow(String line, long rowNumber) {
    return YoochooseRow.parse(line, rowNumber);
  }

  /** All rows of the file as events, in file order. */
  public static List<ClickEvent> read(Path file) {
    List<ClickEvent> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long row = 0;
      while ((line = r.readLine()) != null) {
        row++;
        ClickEvent e = parseRow(line, row);
        if (e != null) {
          out.add(e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  /** All rows, sorted by event time (ties by event id), as a replay sends them. */
  public static List<ClickEvent> readSorted(Path file) {
    List<ClickEvent> events = read(file);
    events.sort(
        Comparator.comparing(ClickEvent::getEventTime).thenComparing(ClickEvent::getEventId));
    return events;
  }

  /**
   * Finds the sample: the {@code clicktrends.sharedData} system property, then {@code test-data/}
   * and {@code ../shared/data/} from the working directory or its parent.
   */
  public static Path locate() {
    List<Path> candidates = new ArrayList<>();
    String prop = System.getProperty("clicktrends.sharedData");
    if (prop != null) {
      candidates.add(Paths.get(prop, FILE_NAME));
    }
    for (String base : new String[] {".", ".."}) {
      candidates.add(Paths.get(base, "test-data", FILE_NAME));
      candidates.add(Paths.get(base, "..", "shared", "data", FILE_NAME));
    }
    for (Path p : candidates) {
      if (Files.isReadable(p)) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("cannot find " + FILE_NAME + "; looked at " + candidates);
  }
}
