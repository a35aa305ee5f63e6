package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertEquals;

import io.clicktrends.pipeline.archive.ArchiveContents;
import io.clicktrends.pipeline.archive.RollingWriters;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.testdata.ClickstreamGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Runs validate -> archive on the DirectRunner, bounded ({@link Create}) or streaming ({@link
 * TestStream}, many small bundles), then reads the archive back and checks it: every valid event by
 * eventId, each in its hour's partition, readable before any roll (durable when its bundle
 * committed), only final names after the roll, at most one file per partition per roll period, dead
 * letters beside.
 */
final class ArchiveRoundTrip {
  /**
   * Long, so that the whole run falls into one or two roll periods and the file bound is checkable.
   */
  static final Duration ROLL = Duration.standardHours(1);

  private ArchiveRoundTrip() {}

  static void run(TestPipeline p, FileSystem fs, String base, boolean streaming)
      throws IOException {
    List<ClickEvent> valid =
        new ClickstreamGenerator()
            .seed(streaming ? 11 : 7)
            .events(600)
            .span(3 * 3600_000L)
            .generate();
    List<ClickEvent> input = new ArrayList<>(valid);
    input.add(
        ClickEvent.newBuilder(valid.get(0))
            .setEventId("bad-1")
            .setEventTime(java.time.Instant.parse("1999-01-01T00:00:00Z"))
            .build());
    input.add(
        ClickEvent.newBuilder(valid.get(1)).setEventId("bad-2").setType(EventType.UNKNOWN).build());

    WriteArchive archive = WriteArchive.to(base).withRollInterval(ROLL);
    PCollection<ClickEvent> events =
        streaming
            ? p.apply(stream(input))
            : p.apply(Create.of(input).withCoder(AvroCoder.of(ClickEvent.class)));
    PCollectionTuple validated = events.apply(ValidateClickEvents.create());
    validated.get(ValidateClickEvents.VALID).apply(archive);
    validated.get(ValidateClickEvents.DEAD_LETTERS).apply(archive.deadLetters());
    long startMillis = System.currentTimeMillis();
    p.run().waitUntilFinish();
    long endMillis = System.currentTimeMillis();

    // Before any roll: the run is over, its bundles committed, so every event is readable in
    // _inprogress/.
    Path basePath = new Path(base);
    ArchiveContents open = ArchiveContents.read(fs, basePath);
    List<ClickEvent> readable = new ArrayList<>(open.events());
    for (String rel : open.inProgress) {
      if (rel.endsWith(".avro")) {
        readable.addAll(ArchiveContents.readAvro(fs, new Path(basePath, rel)));
      }
    }
    assertEquals("durable at bundle commit, before any roll", ids(valid), ids(readable));

    RollingWriters
        .closeAll(); // what JVM shutdown does; the daemon would do it after the roll interval
    ArchiveContents c = ArchiveContents.read(fs, basePath);
    assertThat("nothing left in progress", c.inProgress, empty());
    assertThat("no temporary or side files", c.strays, empty());
    assertEquals(ids(valid), ids(c.events()));
    assertEquals(
        "the DirectRunner retries nothing here: each event once", valid.size(), c.events().size());
    Map<String, Integer> filesPerPartition = new HashMap<>();
    c.avroFiles.forEach(
        (rel, list) -> {
          String partition = ArchiveContents.directoryOf(rel);
          filesPerPartition.merge(partition, 1, Integer::sum);
          list.forEach(
              e ->
                  assertEquals(
                      "partition of " + e.getEventId(),
                      WriteArchive.partition(e.getEventTime()),
                      partition));
        });
    assertThat(
        "3 hours of events span at least 3 hourly partitions",
        filesPerPartition.size(),
        greaterThan(2));
    long periods = endMillis / ROLL.getMillis() - startMillis / ROLL.getMillis() + 1;
    filesPerPartition.forEach(
        (partition, files) ->
            assertThat("files in " + partition, (long) files, lessThanOrEqualTo(periods)));

    List<String> lines =
        c.jsonFiles.entrySet().stream()
            .filter(e -> e.getKey().startsWith(WriteArchive.DEAD_LETTER_DIR + "/"))
            .flatMap(e -> e.getValue().stream())
            .toList();
    assertEquals(2, lines.size());
    assertThat(
        String.join("\n", lines),
        allOf(
            containsString("\"reason\":\"TIMESTAMP_TOO_OLD\""),
            containsString("\"reason\":\"UNKNOWN_TYPE\"")));
  }

  /**
   * The events in event-time order, 30 at a time, the watermark and processing time moving between
   * batches.
   */
  private static TestStream<ClickEvent> stream(List<ClickEvent> input) {
    List<ClickEvent> sorted = new ArrayList<>(input);
    sorted.sort(Comparator.comparing(ClickEvent::getEventTime));
    TestStream.Builder<ClickEvent> b = TestStream.create(AvroCoder.of(ClickEvent.class));
    for (int i = 0; i < sorted.size(); i += 30) {
      List<ClickEvent> batch = sorted.subList(i, Math.min(sorted.size(), i + 30));
      b = b.advanceWatermarkTo(new Instant(batch.get(0).getEventTime().toEpochMilli()));
      @SuppressWarnings("unchecked")
      TimestampedValue<ClickEvent>[] values =
          batch.stream()
              .map(e -> TimestampedValue.of(e, new Instant(e.getEventTime().toEpochMilli())))
              .toArray(TimestampedValue[]::new);
      b =
          b.addElements(values[0], java.util.Arrays.copyOfRange(values, 1, values.length))
              .advanceProcessingTime(Duration.standardSeconds(1));
    }
    return b.advanceWatermarkToInfinity();
  }

  private static Set<String> ids(List<ClickEvent> events) {
    return events.stream().map(e -> e.getEventId().toString()).collect(Collectors.toSet());
  }
}
