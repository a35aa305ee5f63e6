package io.clicktrends.pipeline.archive;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open file: written under its in-progress path, published by an atomic rename to its final
 * path when rolled. Thread-safe: bundles on several threads append to the same file (the
 * DirectRunner), and the roller closes it from another; every call holds the file's monitor, so a
 * roll never interleaves with an append or a sync.
 *
 * <p>States: open -> closed (rolled: durable, closed, renamed or, if the rename failed, left for
 * orphan recovery) or open -> abandoned (a write failed: closed without flushing its torn block;
 * orphan recovery publishes its complete blocks later).
 */
final class RollingFile<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RollingFile.class);

  private final ArchiveFileSystem fs;
  private final Path inProgress;
  private final Path finalPath;
  private final long periodEndMillis;
  private final FSDataOutputStream out;
  private final FileFormat.Appender<T> appender;
  private boolean dirty;
  private boolean closed;
  private long records;

  private RollingFile(
      ArchiveFileSystem fs,
      Path inProgress,
      Path finalPath,
      long periodEndMillis,
      FSDataOutputStream out,
      FileFormat.Appender<T> appender) {
    this.fs = fs;
    this.inProgress = inProgress;
    this.finalPath = finalPath;
    this.periodEndMillis = periodEndMillis;
    this.out = out;
    this.appender = appender;
  }

  /** Creates the in-progress file (and its header). */
  static <T> RollingFile<T> create(
      ArchiveFileSystem fs,
      FileFormat<T> format,
      Path inProgress,
      Path finalPath,
      long periodEndMillis)
      throws IOException {
    FSDataOutputStream out = fs.create(inProgress);
    try {
      return new RollingFile<>(fs, inProgress, finalPath, periodEndMillis, out, format.open(out));
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Appends one record.
   *
   * @return false when the file was already rolled or abandoned (the caller takes a fresh file)
   * @throws IOException when the write failed; the file is abandoned
   */
  synchronized boolean append(T record) throws IOException {
    if (closed) {
      return false;
    }
    try {
      appender.append(record);
    } catch (IOException | RuntimeException e) {
      abandon();
      throw e;
    }
    dirty = true;
    records++;
    return true;
  }

  /**
   * Makes every record appended so far durable: ends the block, flushes, hsyncs. A rolled file is
   * durable already.
   *
   * @throws IOException when that failed; the file is abandoned and the caller's bundle must fail
   *     (and be retried)
   */
  synchronized void sync() throws IOException {
    if (closed || !dirty) {
      return;
    }
    try {
      appender.flush();
      ArchiveFileSystem.makeDurable(out);
    } catch (IOException | RuntimeException e) {
      abandon();
      throw e;
    }
    dirty = false;
  }

  /**
   * Makes the file durable, closes it and renames it to its final name. Idempotent. If the rename
   * fails, the closed file stays under its in-progress name, where orphan recovery publishes it.
   *
   * @return whether this call published the file
   */
  synchronized boolean roll() throws IOException {
    if (closed) {
      return false;
    }
    sync(); // abandons the file itself if it fails
    try {
      appender.close();
    } catch (IOException | RuntimeException e) {
      abandon();
      throw e;
    }
    closed = true;
    if (!fs.rename(inProgress, finalPath)) {
      LOG.warn(
          "archive: could not rename {} to {}; orphan recovery will publish it",
          inProgress,
          finalPath);
      return false;
    }
    return true;
  }

  /**
   * Closes the stream without flushing what is pending: the synced blocks stay for orphan recovery.
   */
  private void abandon() {
    closed = true;
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("archive: closing abandoned {}", inProgress, e);
    }
    LOG.warn(
        "archive: abandoned {} after a failed write; its synced records are recovered as an orphan",
        inProgress);
  }

  boolean isDue(long nowMillis) {
    return nowMillis >= periodEndMillis;
  }

  synchronized boolean isOpen() {
    return !closed;
  }

  synchronized long records() {
    return records;
  }

  Path inProgressPath() {
    return inProgress;
  }

  Path finalPath() {
    return finalPath;
  }
}
