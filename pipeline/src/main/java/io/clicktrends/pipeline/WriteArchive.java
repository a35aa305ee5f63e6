package io.clicktrends.pipeline;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.Objects;
import org.apache.avro.file.CodecFactory;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Archives every valid event as Avro container files (the ClickEvent schema, deflate) under
 * {@code base/year=YYYY/month=MM/day=DD/hour=HH/}, partitioned by event time, the layout Spark, Hive
 * and avro-tools read as a partitioned dataset. Works on any Beam file system: a local directory, or
 * {@code hdfs://} with beam-sdks-java-io-hadoop-file-system.
 *
 * <p>Files are written in processing-time panes (every {@link #withPaneDelay}, default one minute)
 * rather than event-time windows, so a late event is archived too instead of being dropped by a
 * window's lateness. Beam writes each file under a temporary name and renames it when complete: no
 * file is ever half-written under its final name.
 */
public final class WriteArchive extends PTransform<PCollection<ClickEvent>, PDone> {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final String basePath;
  private final Duration paneDelay;
  private final int shards;

  private WriteArchive(String basePath, Duration paneDelay, int shards) {
    this.basePath = basePath;
    this.paneDelay = paneDelay;
    this.shards = shards;
  }

  public static WriteArchive to(String basePath) {
    return new WriteArchive(basePath, Duration.standardMinutes(1), 1);
  }

  /** How long events gather before a pane of files is written. */
  public WriteArchive withPaneDelay(Duration delay) {
    return new WriteArchive(basePath, delay, shards);
  }

  /** Files per partition per pane. */
  public WriteArchive withShards(int n) {
    return new WriteArchive(basePath, paneDelay, n);
  }

  /** The partition directory of an event time: {@code year=2014/month=04/day=01/hour=10}. */
  public static String partition(java.time.Instant eventTime) {
    ZonedDateTime t = eventTime.atZone(ZoneOffset.UTC);
    return String.format("year=%04d/month=%02d/day=%02d/hour=%02d", t.getYear(), t.getMonthValue(),
        t.getDayOfMonth(), t.getHour());
  }

  @Override
  public PDone expand(PCollection<ClickEvent> events) {
    Objects.requireNonNull(basePath, "WriteArchive needs a base path");
    if (basePath.isBlank()) {
      throw new IllegalArgumentException("--archivePath is empty");
    }
    if (shards < 1) {
      throw new IllegalArgumentException("archive shards must be at least 1, got " + shards);
    }
    if (!paneDelay.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("archive pane delay must be positive, got " + paneDelay);
    }
    events
        .apply("ProcessingTimePanes", inPanes())
        .apply("WriteAvroByHour", FileIO.<String, ClickEvent>writeDynamic()
            .by(e -> partition(e.getEventTime()))
            .withDestinationCoder(StringUtf8Coder.of())
            .via(AvroIO.sink(ClickEvent.class).withCodec(CodecFactory.deflateCodec(6)))
            .to(basePath)
            .withNaming(partition -> FileIO.Write.defaultNaming(partition + "/events", ".avro"))
            .withNumShards(shards));
    return PDone.in(events.getPipeline());
  }

  private <T> Window<T> inPanes() {
    return Window.<T>into(new GlobalWindows())
        .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(paneDelay)))
        .withAllowedLateness(Duration.ZERO)
        .discardingFiredPanes();
  }

  /** The dead letters beside the archive, under {@code base/_deadletter/}, one JSON object per line. */
  public PTransform<PCollection<DeadLetter>, PDone> deadLetters() {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<DeadLetter> letters) {
        letters
            .apply("ToJson", MapElements.into(TypeDescriptors.strings()).via(WriteArchive::deadLetterJson))
            .apply("ProcessingTimePanes", inPanes())
            .apply("WriteJsonLines", FileIO.<String>write()
                .via(TextIO.sink())
                .to(basePath + "/_deadletter")
                .withNaming(FileIO.Write.defaultNaming("deadletters", ".json"))
                .withNumShards(1));
        return PDone.in(letters.getPipeline());
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
