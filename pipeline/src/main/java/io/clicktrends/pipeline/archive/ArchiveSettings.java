package io.clicktrends.pipeline.archive;

import java.io.Serializable;
import java.util.Objects;
import org.joda.time.Duration;

/**
 * Where and how often rolling files are written: the base path (a local directory, {@code
 * file:///...} or {@code hdfs://namenode/path}), the roll interval (processing time: a file is
 * published at most this long after it was opened) and the orphan age (an in-progress file nobody
 * modified for this long belongs to a dead writer and is recovered). Immutable; validated by {@link
 * #validate()}.
 *
 * @param basePath the archive's root; files go to {@code basePath/<directory>/}, in-progress ones
 *     to {@code basePath/_inprogress/<directory>/}
 * @param rollInterval how long a file collects events before it is closed and renamed to its final
 *     name
 * @param orphanAge how long an in-progress file must stay unmodified before any writer recovers it;
 *     null: three roll intervals
 */
public record ArchiveSettings(String basePath, Duration rollInterval, Duration orphanAge)
    implements Serializable {
  /** The roll interval when none is set: one minute. */
  public static final Duration DEFAULT_ROLL_INTERVAL = Duration.standardMinutes(1);

  /**
   * An orphan is an in-progress file unmodified for this many roll intervals (when no orphan age is
   * set).
   */
  public static final int ORPHAN_ROLL_INTERVALS = 3;

  /** The directory, under the base path, that holds the files being written. */
  public static final String IN_PROGRESS_DIR = "_inprogress";

  public static ArchiveSettings of(String basePath) {
    return new ArchiveSettings(basePath, DEFAULT_ROLL_INTERVAL, null);
  }

  public ArchiveSettings withRollInterval(Duration interval) {
    return new ArchiveSettings(basePath, interval, orphanAge);
  }

  public ArchiveSettings withOrphanAge(Duration age) {
    return new ArchiveSettings(basePath, rollInterval, age);
  }

  /** The orphan age in effect: the one set, else {@value #ORPHAN_ROLL_INTERVALS} roll intervals. */
  public Duration effectiveOrphanAge() {
    return orphanAge != null ? orphanAge : rollInterval.multipliedBy(ORPHAN_ROLL_INTERVALS);
  }

  /**
   * Checks every rule, one at a time.
   *
   * @throws IllegalArgumentException naming the option and its bad value
   */
  public void validate() {
    checkArgument(
        basePath != null && !basePath.isBlank(),
        "--archivePath is empty; expected a directory or hdfs:// path");
    checkArgument(
        rollInterval != null && rollInterval.isLongerThan(Duration.ZERO),
        "--archiveRollInterval=%s must be positive, e.g. 1m",
        rollInterval);
    checkArgument(
        rollInterval == null || rollInterval.getMillis() >= 10,
        "--archiveRollInterval=%s is below 10ms: every bundle would roll its own files",
        rollInterval);
    checkArgument(
        orphanAge == null || orphanAge.isLongerThan(rollInterval),
        "archive orphan age %s must be longer than --archiveRollInterval=%s, or live files would be taken over",
        orphanAge,
        rollInterval);
  }

  private static void checkArgument(boolean ok, String message, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(message, args));
    }
  }

  @Override
  public String toString() {
    return "ArchiveSettings{"
        + basePath
        + ", roll "
        + rollInterval
        + ", orphan after "
        + effectiveOrphanAge()
        + "}";
  }

  /** The key of the per-JVM writer for this base path and file prefix. */
  String writerKey(String prefix) {
    return Objects.requireNonNull(basePath)
        + "|"
        + prefix
        + "|"
        + rollInterval.getMillis()
        + "|"
        + effectiveOrphanAge().getMillis();
  }
}
