package io.clicktrends.fanout;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Human labels for keys, from a CSV file of {@code dimension,key,label} rows (RFC 4180: quote a
 * field that holds a comma or a quote; a first row {@code dimension,key,label} is taken as the
 * header and skipped; {@code #} starts a comment line). The dashboard shows a key's label in its
 * place; labels, like keys, reach the page only as text.
 */
final class Labels {
  static final Labels NONE = new Labels(Map.of());

  private final Map<String, Map<String, String>> byDimension;

  private Labels(Map<String, Map<String, String>> byDimension) {
    this.byDimension = byDimension;
  }

  /**
   * Reads {@code file}; throws {@link IllegalArgumentException} naming the file and line of a bad
   * row.
   */
  static Labels load(Path file) {
    Map<String, Map<String, String>> out = new HashMap<>();
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setCommentMarker('#')
            .setIgnoreEmptyLines(true)
            .setTrim(true)
            .build();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      boolean first = true;
      for (CSVRecord row : format.parse(r)) {
        boolean header =
            first
                && row.size() == 3
                && row.get(0).equals("dimension")
                && row.get(1).equals("key")
                && row.get(2).equals("label");
        first = false;
        if (header) {
          continue;
        }
        if (row.size() != 3) {
          throw new IllegalArgumentException(
              "--labels "
                  + file
                  + " line "
                  + row.getRecordNumber()
                  + ": expected 3 fields dimension,key,label, got "
                  + row.size());
        }
        if (row.get(0).isEmpty() || row.get(1).isEmpty()) {
          throw new IllegalArgumentException(
              "--labels "
                  + file
                  + " line "
                  + row.getRecordNumber()
                  + ": dimension and key must not be empty");
        }
        out.computeIfAbsent(row.get(0), d -> new HashMap<>()).put(row.get(1), row.get(2));
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (IOException | RuntimeException e) { // unreadable, or malformed CSV (an unclosed quote)
      throw new IllegalArgumentException(
          "--labels " + file + ": cannot read it: " + e.getMessage(), e);
    }
    return new Labels(out);
  }

  /** The label of {@code key} in {@code dimension}, or null. */
  String label(String dimension, String key) {
    Map<String, String> m = byDimension.get(dimension);
    return m == null ? null : m.get(key);
  }

  int size() {
    return byDimension.values().stream().mapToInt(Map::size).sum();
  }
}
