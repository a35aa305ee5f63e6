package io.clicktrends.pipeline.archive;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * The Hadoop {@link FileSystem} behind an archive base path, and the few calls the archive needs
 * from it: create without overwrite, make durable ({@code hsync}), atomic rename, lease recovery.
 *
 * <p>Why Hadoop's API rather than Beam's {@code FileSystems}: Beam's {@code WritableByteChannel}
 * has no flush-to-disk call, and the archive must make each bundle durable before the bundle
 * commits while keeping the file open. {@code FSDataOutputStream.hsync()} does that on HDFS (data
 * on every replica's disk) and, on the raw local file system, forces the file descriptor ({@code
 * fsync}).
 *
 * <p>Local paths (no scheme, or {@code file:}) use {@link RawLocalFileSystem}, not the default
 * checksummed {@code LocalFileSystem}: that one writes a {@code .crc} side file per file and its
 * streams do not pass {@code hsync} through.
 */
final class ArchiveFileSystem {
  private final FileSystem fs;
  private final Path base;

  private ArchiveFileSystem(FileSystem fs, Path base) {
    this.fs = fs;
    this.base = base;
  }

  /**
   * Opens a file system instance of its own (closed by {@link #close()}), so that nobody else
   * closing Hadoop's cached instance breaks an open file.
   */
  static ArchiveFileSystem open(String basePath, Configuration conf) throws IOException {
    URI uri = new Path(basePath).toUri();
    if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
      RawLocalFileSystem local = new RawLocalFileSystem();
      local.initialize(URI.create("file:///"), conf);
      String dir =
          uri.getScheme() == null ? Paths.get(basePath).toAbsolutePath().toString() : uri.getPath();
      return new ArchiveFileSystem(local, local.makeQualified(new Path(dir)));
    }
    FileSystem fs = FileSystem.newInstance(uri, conf);
    return new ArchiveFileSystem(fs, fs.makeQualified(new Path(uri)));
  }

  FileSystem fs() {
    return fs;
  }

  /** The archive's root, qualified. */
  Path base() {
    return base;
  }

  /** Creates {@code path} and its parents; fails if it exists (two writers never share a file). */
  FSDataOutputStream create(Path path) throws IOException {
    return fs.create(path, false);
  }

  /**
   * Makes what was written to {@code out} durable: {@code hsync} (HDFS: every replica has it on
   * disk; raw local: {@code fsync}).
   */
  static void makeDurable(FSDataOutputStream out) throws IOException {
    out.hsync();
  }

  /**
   * Renames {@code from} to {@code to}, creating {@code to}'s parent. Atomic on HDFS and on a local
   * POSIX file system.
   *
   * @return false when the file system refused (e.g. {@code to} exists on HDFS)
   */
  boolean rename(Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    return fs.rename(from, to);
  }

  /**
   * Ends a dead client's lease on an HDFS file so its length is final before the file is read; true
   * at once for other file systems.
   *
   * @return whether the file is closed now (HDFS recovers asynchronously: false means try again
   *     later)
   */
  boolean recoverLease(Path path) throws IOException {
    return !(fs instanceof DistributedFileSystem dfs) || dfs.recoverLease(path);
  }

  void close() throws IOException {
    fs.close();
  }
}
