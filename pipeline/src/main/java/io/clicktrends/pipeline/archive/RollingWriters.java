package io.clicktrends.pipeline.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-JVM holder of the archive's {@link RollingWriter}s, one per base path and file prefix.
 *
 * <p>Why per JVM and not per DoFn instance: files must stay open across bundles (a file per
 * partition per roll period, not per bundle), but the SparkRunner creates and tears down DoFn
 * instances for every micro-batch task, and the DirectRunner runs bundles of one step on several
 * threads with several instances. So the open files live here, in static state, for the life of the
 * JVM (a Spark executor, the DirectRunner's JVM), shared by every instance and thread; DoFns only
 * borrow them.
 *
 * <p>Each writer gets a daemon thread that, every tenth of a roll interval (at least 50 ms, at most
 * 1 s), publishes the files whose period has ended (idle files: no bundle comes to roll them) and,
 * every roll interval, recovers orphans. A Hadoop shutdown hook, which runs before Hadoop closes
 * its file systems, publishes every open file when the JVM exits normally; after a crash, orphan
 * recovery in another (or the next) JVM publishes the synced part.
 *
 * <p>The writer id is {@code <pid>-<12 random hex digits>}: unique per JVM, so two JVMs never write
 * the same name.
 */
public final class RollingWriters {
  private static final Logger LOG = LoggerFactory.getLogger(RollingWriters.class);
  private static final String WRITER_ID =
      ProcessHandle.current().pid()
          + "-"
          + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
  private static final Map<String, Running<?>> WRITERS = new ConcurrentHashMap<>();

  static {
    ShutdownHookManager.get()
        .addShutdownHook(RollingWriters::closeAll, FileSystem.SHUTDOWN_HOOK_PRIORITY + 10);
  }

  private record Running<T>(RollingWriter<T> writer, ScheduledExecutorService daemon) {}

  private RollingWriters() {}

  /** This JVM's writer id, part of every file name it writes. */
  public static String writerId() {
    return WRITER_ID;
  }

  /**
   * This JVM's writer for {@code settings} and {@code prefix}, started on first use (file system
   * opened, daemon running, a first orphan scan).
   *
   * @param conf used only by the call that starts the writer (HDFS settings)
   * @throws UncheckedIOException when the file system cannot be opened
   */
  @SuppressWarnings("unchecked")
  static <T> RollingWriter<T> get(
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf,
      Configuration conf) {
    return (RollingWriter<T>)
        WRITERS
            .computeIfAbsent(
                settings.writerKey(prefix), k -> start(settings, prefix, format, directoryOf, conf))
            .writer();
  }

  /**
   * Publishes every open file of every writer in this JVM, stops the daemons and closes the file
   * systems; the next {@code get} starts afresh. Runs at JVM shutdown; call it at the end of a
   * bounded run or a test to see every file under its final name without waiting for the roll
   * interval.
   */
  public static synchronized void closeAll() {
    for (Map.Entry<String, Running<?>> e : Map.copyOf(WRITERS).entrySet()) {
      Running<?> r = e.getValue();
      r.daemon().shutdownNow();
      try {
        r.writer().rollAll();
      } catch (RuntimeException ex) {
        LOG.warn("archive: rolling the files of {} failed", e.getKey(), ex);
      }
      try {
        r.writer().fileSystem().close();
      } catch (IOException ex) {
        LOG.debug("archive: closing the file system of {}", e.getKey(), ex);
      }
      WRITERS.remove(e.getKey(), r);
    }
  }

  /**
   * Publishes the due files of every writer now (what the daemon does on its own). @return files
   * published
   */
  public static int rollDueNow() {
    return WRITERS.values().stream().mapToInt(r -> r.writer().rollDue()).sum();
  }

  private static <T> Running<T> start(
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf,
      Configuration conf) {
    ArchiveFileSystem fs;
    try {
      fs = ArchiveFileSystem.open(settings.basePath(), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("archive: opening " + settings.basePath(), e);
    }
    RollingWriter<T> writer =
        new RollingWriter<>(
            fs, settings, prefix, format, directoryOf, WRITER_ID, System::currentTimeMillis);
    ScheduledExecutorService daemon =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "archive-roller-" + prefix);
              t.setDaemon(true);
              return t;
            });
    long roll = settings.rollInterval().getMillis();
    long tick = Math.max(50, Math.min(1000, roll / 10));
    daemon.scheduleWithFixedDelay(
        () -> guarded(writer::rollDue, prefix), tick, tick, TimeUnit.MILLISECONDS);
    daemon.scheduleWithFixedDelay(
        () -> guarded(writer::recoverOrphans, prefix), 0, roll, TimeUnit.MILLISECONDS);
    LOG.info(
        "archive: writer {} for {} files under {} (roll every {})",
        WRITER_ID,
        prefix,
        fs.base(),
        settings.rollInterval());
    return new Running<>(writer, daemon);
  }

  /** A failing tick must not end the schedule (a scheduled task that throws is never run again). */
  private static void guarded(java.util.function.IntSupplier task, String prefix) {
    try {
      int unused = task.getAsInt(); // how many files it rolled: only the failure matters here
    } catch (RuntimeException e) {
      LOG.warn("archive: background roll of {} files failed; retrying at the next tick", prefix, e);
    }
  }
}
