package io.clicktrends.pipeline.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one writer (one JVM) keeps open for one kind of record under one base path: at most one
 * per directory (partition) and roll period, named {@code <prefix>-<writerId>-<periodStart>.<ext>},
 * written under {@code base/_inprogress/<directory>/} and renamed to {@code base/<directory>/} when
 * rolled.
 *
 * <p>The roll period is processing time, aligned to the epoch: a record appended at {@code t} goes
 * to the file of period {@code [floor(t / roll) * roll, +roll)} of its directory. {@link
 * #rollDue()} publishes the files whose period has ended; the DoFn calls it at bundle boundaries
 * and {@link RollingWriters}' daemon calls it for idle files. Thread-safe.
 */
final class RollingWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RollingWriter.class);
  private static final DateTimeFormatter PERIOD =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private record FileKey(String directory, long periodStart) {}

  private final ArchiveFileSystem fs;
  private final String prefix;
  private final FileFormat<T> format;
  private final SerializableFunction<T, String> directoryOf;
  private final long rollMillis;
  private final String writerId;
  private final LongSupplier clock;
  private final Map<FileKey, RollingFile<T>> open = new ConcurrentHashMap<>();
  private final OrphanRecovery<T> orphans;

  /**
   * @param prefix the file name prefix, e.g. {@code events}
   * @param directoryOf the directory under the base path a record goes to, e.g. {@code
   *     year=2014/month=04/day=01/hour=10}
   * @param writerId unique per JVM: two writers never write the same name
   * @param clock processing time, epoch millis (injected by tests)
   */
  RollingWriter(
      ArchiveFileSystem fs,
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf,
      String writerId,
      LongSupplier clock) {
    this.fs = fs;
    this.prefix = prefix;
    this.format = format;
    this.directoryOf = directoryOf;
    this.rollMillis = settings.rollInterval().getMillis();
    this.writerId = writerId;
    this.clock = clock;
    this.orphans =
        new OrphanRecovery<>(
            fs,
            prefix,
            format,
            settings.effectiveOrphanAge().getMillis(),
            writerId,
            clock,
            this::isOwnOpenFile);
  }

  /**
   * Appends a record to the current file of its directory, creating it if needed.
   *
   * @return the file it went to, for {@link #sync}
   * @throws UncheckedIOException when the file cannot be created or written
   */
  RollingFile<T> append(T record) {
    String directory = directoryOf.apply(record);
    while (true) {
      long now = clock.getAsLong();
      FileKey key = new FileKey(directory, now - Math.floorMod(now, rollMillis));
      RollingFile<T> file = open.computeIfAbsent(key, this::create);
      try {
        if (file.append(record)) {
          return file;
        }
      } catch (IOException e) {
        open.remove(key, file);
        throw new UncheckedIOException("archive: appending to " + file.inProgressPath(), e);
      }
      open.remove(key, file); // rolled meanwhile: the next round takes a fresh file
    }
  }

  /**
   * Makes durable every record appended to these files so far (a bundle's files, at the end of the
   * bundle).
   */
  void sync(Collection<RollingFile<T>> files) {
    for (RollingFile<T> file : files) {
      try {
        file.sync();
      } catch (IOException e) {
        open.values().remove(file);
        throw new UncheckedIOException("archive: making " + file.inProgressPath() + " durable", e);
      }
    }
  }

  /** Publishes every file whose roll period has ended. @return how many were published */
  int rollDue() {
    long now = clock.getAsLong();
    return roll(f -> f.isDue(now));
  }

  /** Publishes every open file, due or not (JVM shutdown, end of a bounded run, tests). */
  int rollAll() {
    return roll(f -> true);
  }

  /**
   * Recovers the orphaned in-progress files of this prefix (see {@link OrphanRecovery}). @return
   * how many
   */
  int recoverOrphans() {
    return orphans.recoverAll();
  }

  /** How many files are open now. */
  int openFiles() {
    return open.size();
  }

  String writerId() {
    return writerId;
  }

  ArchiveFileSystem fileSystem() {
    return fs;
  }

  private int roll(java.util.function.Predicate<RollingFile<T>> which) {
    int published = 0;
    for (Map.Entry<FileKey, RollingFile<T>> e : Set.copyOf(open.entrySet())) {
      RollingFile<T> file = e.getValue();
      if (!which.test(file)) {
        continue;
      }
      try {
        if (file.roll()) {
          published++;
        }
      } catch (IOException ex) {
        LOG.warn(
            "archive: rolling {} failed; its synced records are recovered as an orphan",
            file.inProgressPath(),
            ex);
      } finally {
        open.remove(e.getKey(), file);
      }
    }
    return published;
  }

  private boolean isOwnOpenFile(Path inProgress) {
    for (RollingFile<T> f : open.values()) {
      if (f.isOpen() && f.inProgressPath().toUri().getPath().equals(inProgress.toUri().getPath())) {
        return true;
      }
    }
    return false;
  }

  private RollingFile<T> create(FileKey key) {
    String stem =
        prefix + "-" + writerId + "-" + PERIOD.format(Instant.ofEpochMilli(key.periodStart()));
    Path inProgressDir =
        new Path(new Path(fs.base(), ArchiveSettings.IN_PROGRESS_DIR), key.directory());
    Path finalDir = new Path(fs.base(), key.directory());
    try {
      // A name is taken only if this writer abandoned a file of the same period (a failed write):
      // count up.
      for (int attempt = 0; ; attempt++) {
        String name = stem + (attempt == 0 ? "" : "-" + attempt) + format.extension();
        Path inProgress = new Path(inProgressDir, name);
        Path finalPath = new Path(finalDir, name);
        if (fs.fs().exists(inProgress) || fs.fs().exists(finalPath)) {
          continue;
        }
        return RollingFile.create(
            fs, format, inProgress, finalPath, key.periodStart() + rollMillis);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("archive: creating a file in " + inProgressDir, e);
    }
  }
}
