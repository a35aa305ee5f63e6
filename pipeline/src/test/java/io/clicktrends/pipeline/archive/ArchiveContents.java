package io.clicktrends.pipeline.archive;

import io.clicktrends.schema.ClickEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * What an archive directory holds, read back the way a downstream reader would: the final files
 * (relative path -> events or lines) and, separately, whatever sits under {@code _inprogress/}.
 */
public final class ArchiveContents {
  /**
   * Final Avro files: relative path (e.g. {@code year=.../hour=10/events-...avro}) -> events in
   * file order.
   */
  public final Map<String, List<ClickEvent>> avroFiles = new TreeMap<>();

  /** Final JSON-lines files: relative path -> lines. */
  public final Map<String, List<String>> jsonFiles = new TreeMap<>();

  /** Files under _inprogress/, relative to the base. */
  public final List<String> inProgress = new ArrayList<>();

  /** Anything else (e.g. .crc side files, temporary names). */
  public final List<String> strays = new ArrayList<>();

  private ArchiveContents() {}

  public static ArchiveContents read(FileSystem fs, Path base) throws IOException {
    ArchiveContents c = new ArchiveContents();
    Path qualifiedBase = fs.makeQualified(base);
    String prefix = qualifiedBase.toUri().getPath() + "/";
    if (!fs.exists(qualifiedBase)) {
      return c;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualifiedBase, true);
    while (it.hasNext()) {
      Path path = it.next().getPath();
      String rel = path.toUri().getPath().substring(prefix.length());
      if (rel.startsWith(ArchiveSettings.IN_PROGRESS_DIR + "/")) {
        c.inProgress.add(rel);
      } else if (rel.endsWith(".avro")) {
        c.avroFiles.put(rel, readAvro(fs, path));
      } else if (rel.endsWith(".json")) {
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
          c.jsonFiles.put(rel, r.lines().toList());
        }
      } else {
        c.strays.add(rel);
      }
    }
    return c;
  }

  /** Every record of an Avro file, also of an in-progress one (its complete, synced blocks). */
  public static List<ClickEvent> readAvro(FileSystem fs, Path path) throws IOException {
    List<ClickEvent> events = new ArrayList<>();
    try (DataFileStream<ClickEvent> in =
        new DataFileStream<>(fs.open(path), new SpecificDatumReader<>(ClickEvent.class))) {
      in.forEach(events::add);
    }
    return events;
  }

  /** Every event in the final Avro files. */
  public List<ClickEvent> events() {
    List<ClickEvent> all = new ArrayList<>();
    avroFiles.values().forEach(all::addAll);
    return all;
  }

  /** The directory part of a relative file path. */
  public static String directoryOf(String relativePath) {
    return relativePath.substring(0, relativePath.lastIndexOf('/'));
  }
}
