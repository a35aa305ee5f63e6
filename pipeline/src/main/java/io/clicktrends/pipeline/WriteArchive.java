package io.clicktrends.pipeline;

import io.clicktrends.pipeline.archive.ArchiveSettings;
import io.clicktrends.pipeline.archive.AvroFormat;
import io.clicktrends.pipeline.archive.JsonLinesFormat;
import io.clicktrends.pipeline.archive.RollingWriters;
import io.clicktrends.pipeline.archive.WriteRollingFiles;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Archives every valid event as Avro container files (the ClickEvent schema, deflate) under {@code
 * base/year=YYYY/month=MM/day=DD/hour=HH/}, partitioned by event time (UTC), the layout Spark, Hive
 * and avro-tools read as a partitioned dataset. The base is a local directory, {@code file:///...}
 * or {@code hdfs://namenode/path}. Dead letters go beside it, to {@code base/_deadletter/}, one
 * JSON object per line.
 *
 * <pre>{@code
 * WriteArchive archive = WriteArchive.to("hdfs:///clicktrends/archive").withRollInterval(Duration.standardMinutes(1));
 * valid.apply(archive);
 * deadLetters.apply(archive.deadLetters());
 * }</pre>
 *
 * <p><b>Design: append in a DoFn, no shuffle.</b> A streaming {@code GroupByKey} of raw events
 * (what {@code FileIO.writeDynamic} does) costs O(n^2) per micro-batch on the classic SparkRunner,
 * whose bag state reads and rewrites the whole bag on every add. So nothing here groups, combines
 * or keeps state of events: each worker JVM keeps one open file per partition per roll period
 * ({@link RollingWriters}, per-JVM), each bundle appends its events (O(1) each) and at
 * {@code @FinishBundle} ends an Avro block and {@code hsync}s (HDFS) or {@code fsync}s (local)
 * before the bundle commits. A file is written as {@code
 * base/_inprogress/<partition>/events-<writerId>-<periodStart>.avro} and renamed to {@code
 * base/<partition>/} once its roll period (processing time) has ended: readers see only whole files
 * under final names. Files left in {@code _inprogress/} by a crashed JVM are published (their
 * synced blocks) by any writer once unmodified for three roll intervals.
 *
 * <p><b>Guarantees.</b> At least once: an event is durable when its bundle commits; a retried
 * bundle appends its events again (duplicates share the {@code eventId}). A late event is archived
 * like any other (partitions are by event time, files by processing time). At most one file per
 * partition per roll interval per JVM (more only after a failed write or orphan recovery). A file
 * becomes visible at most one roll interval (plus up to a second) after it was opened, or at JVM
 * shutdown.
 */
public final class WriteArchive extends PTransform<PCollection<ClickEvent>, PDone> {
  private static final long serialVersionUID = 1L;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The dead letters' directory under the base path. */
  public static final String DEAD_LETTER_DIR = "_deadletter";

  private final ArchiveSettings settings;

  private WriteArchive(ArchiveSettings settings) {
    this.settings = settings;
  }

  /** The archive under {@code basePath}, rolling every minute. */
  public static WriteArchive to(String basePath) {
    return new WriteArchive(ArchiveSettings.of(basePath));
  }

  /**
   * How long a file collects events (processing time) before it is closed and published under its
   * final name; also bounds the file count: one per partition per interval per JVM. Default one
   * minute.
   */
  public WriteArchive withRollInterval(Duration interval) {
    return new WriteArchive(settings.withRollInterval(interval));
  }

  /**
   * How long an in-progress file must stay unmodified before a writer takes it for a dead writer's
   * and publishes its synced part. Default three roll intervals; must exceed the roll interval.
   */
  public WriteArchive withOrphanAge(Duration age) {
    return new WriteArchive(settings.withOrphanAge(age));
  }

  public ArchiveSettings settings() {
    return settings;
  }

  /** The partition directory of an event time: {@code year=2014/month=04/day=01/hour=10}. */
  public static String partition(Instant eventTime) {
    ZonedDateTime t = eventTime.atZone(ZoneOffset.UTC);
    return String.format(
        "year=%04d/month=%02d/day=%02d/hour=%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
  }

  @Override
  public PDone expand(PCollection<ClickEvent> events) {
    settings.validate(); // one rule per check, each message names the option and value
    return events.apply(
        "AppendAvroByHour",
        WriteRollingFiles.of(
            settings, "events", AvroFormat.of(ClickEvent.class), e -> partition(e.getEventTime())));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("archivePath", settings.basePath()))
        .add(DisplayData.item("rollInterval", settings.rollInterval()))
        .add(DisplayData.item("orphanAge", settings.effectiveOrphanAge()));
  }

  /**
   * The dead letters beside the archive, under {@code
   * base/_deadletter/deadletters-<writerId>-<periodStart>.json}, one JSON object per line ({@code
   * reason, detail, stage, rejectedAt, raw, rawBase64}); written the same way as the events (no
   * shuffle, durable per bundle, rolled, at least once).
   */
  public PTransform<PCollection<DeadLetter>, PDone> deadLetters() {
    ArchiveSettings s = settings;
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<DeadLetter> letters) {
        s.validate();
        return letters.apply(
            "AppendJsonLines",
            WriteRollingFiles.of(
                s,
                "deadletters",
                JsonLinesFormat.of(WriteArchive::deadLetterJson),
                d -> DEAD_LETTER_DIR));
      }
    };
  }

  static String deadLetterJson(DeadLetter d) {
    byte[] raw = new byte[d.getRaw().remaining()];
    d.getRaw().duplicate().get(raw);
    com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
    n.put("reason", d.getReason());
    n.put("detail", d.getDetail());
    n.put("stage", d.getStage());
    n.put("rejectedAt", d.getRejectedAt().toString());
    n.put("raw", new String(raw, StandardCharsets.UTF_8));
    n.put("rawBase64", Base64.getEncoder().encodeToString(raw));
    return n.toString();
  }
}
