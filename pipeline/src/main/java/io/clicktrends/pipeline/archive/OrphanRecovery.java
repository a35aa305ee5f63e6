package io.clicktrends.pipeline.archive;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what crashed writers left under {@code base/_inprogress/}: a file of this prefix not
 * modified for the orphan age (a live writer rolls its files within a roll interval, so such a file
 * has no live writer) and not open in this JVM.
 *
 * <p>Steps, each safe to interrupt: (1) claim the orphan by renaming it to {@code
 * <name>.claimed-<writerId>} (an atomic rename: of several writers recovering at once, one wins);
 * (2) on HDFS, end the dead client's lease so the length is final; (3) copy its complete records
 * (Avro blocks, JSON lines; a torn tail is dropped) to {@code <name>.recovered-<writerId>} in the
 * same in-progress directory, make it durable, close it; (4) rename that to the orphan's final name
 * ({@code -r1}, {@code -r2}... if taken); (5) delete the claimed file. A crash between (4) and (5)
 * publishes the records twice: at least once, like everything else here.
 */
final class OrphanRecovery<T> {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanRecovery.class);

  private final ArchiveFileSystem fs;
  private final String prefix;
  private final FileFormat<T> format;
  private final long orphanAgeMillis;
  private final String writerId;
  private final LongSupplier clock;
  private final Predicate<Path> ownOpenFile;

  OrphanRecovery(
      ArchiveFileSystem fs,
      String prefix,
      FileFormat<T> format,
      long orphanAgeMillis,
      String writerId,
      LongSupplier clock,
      Predicate<Path> ownOpenFile) {
    this.fs = fs;
    this.prefix = prefix;
    this.format = format;
    this.orphanAgeMillis = orphanAgeMillis;
    this.writerId = writerId;
    this.clock = clock;
    this.ownOpenFile = ownOpenFile;
  }

  /**
   * Recovers every orphan found now; failures are logged and retried at the next call. @return
   * files published
   */
  int recoverAll() {
    Path root = new Path(fs.base(), ArchiveSettings.IN_PROGRESS_DIR);
    int published = 0;
    try {
      if (!fs.fs().exists(root)) {
        return 0;
      }
      RemoteIterator<LocatedFileStatus> it = fs.fs().listFiles(root, true);
      long now = clock.getAsLong();
      while (it.hasNext()) {
        LocatedFileStatus st = it.next();
        Path path = st.getPath();
        String name = path.getName();
        if (!name.startsWith(prefix + "-")
            || !name.contains(format.extension())
            || now - st.getModificationTime() < orphanAgeMillis
            || ownOpenFile.test(path)) {
          continue;
        }
        try {
          if (recover(root, path)) {
            published++;
          }
        } catch (IOException e) {
          LOG.warn("archive: recovering orphan {} failed; trying again later", path, e);
        }
      }
    } catch (FileNotFoundException raced) {
      // another writer moved a file while we listed: the next scan sees the new state
    } catch (IOException e) {
      LOG.warn("archive: scanning {} for orphans failed; trying again later", root, e);
    }
    return published;
  }

  private boolean recover(Path root, Path orphan) throws IOException {
    String name = orphan.getName();
    String original =
        name.substring(0, name.indexOf(format.extension()) + format.extension().length());
    String stem = original.substring(0, original.length() - format.extension().length());
    Path dir = orphan.getParent();
    Path claimed =
        name.endsWith(".claimed-" + writerId)
            ? orphan
            : new Path(dir, original + ".claimed-" + writerId);
    if (!claimed.equals(orphan) && !fs.fs().rename(orphan, claimed)) {
      return false; // another writer claimed it first
    }
    if (!fs.recoverLease(claimed)) {
      return false; // HDFS is still closing the dead client's last block: next scan
    }
    Path recovered = new Path(dir, original + ".recovered-" + writerId);
    long records;
    FSDataOutputStream out = fs.fs().create(recovered, true);
    records = format.recover(fs.fs().open(claimed), new DurableOnClose(out));
    if (records == 0) {
      fs.fs().delete(recovered, false);
      fs.fs().delete(claimed, false);
      LOG.info("archive: orphan {} held no complete record; deleted", orphan);
      return false;
    }
    String relativeDir =
        dir.toUri().getPath().substring(root.toUri().getPath().length()).replaceFirst("^/+", "");
    Path finalDir = relativeDir.isEmpty() ? fs.base() : new Path(fs.base(), relativeDir);
    Path target = new Path(finalDir, original);
    for (int n = 1; fs.fs().exists(target); n++) {
      target = new Path(finalDir, stem + "-r" + n + format.extension());
    }
    if (!fs.rename(recovered, target)) {
      throw new IOException("could not rename " + recovered + " to " + target);
    }
    fs.fs().delete(claimed, false);
    LOG.info("archive: recovered {} records of orphan {} as {}", records, orphan, target);
    return true;
  }

  /** Makes the recovered copy durable before the format's close returns. */
  private static final class DurableOnClose extends java.io.FilterOutputStream {
    private final FSDataOutputStream out;

    DurableOnClose(FSDataOutputStream out) {
      super(out);
      this.out = out;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      try (out) {
        out.flush();
        ArchiveFileSystem.makeDurable(out);
      }
    }
  }
}
