package io.clicktrends.pipeline.archive;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.clicktrends.pipeline.WriteArchive;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.testdata.ClickstreamGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The rolling writer on the local file system with an injected clock: nothing is visible under a
 * final name before its roll, one file per partition per roll period, durable after sync, retries
 * lose nothing, orphans are recovered.
 */
public class RollingWriterTest {
  private static final long ROLL = 60_000;

  /** Some minute boundary, so that the period arithmetic is plain to read. */
  private static final long T0 = 1_700_000_040_000L;

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private final AtomicLong clock = new AtomicLong(T0);
  private final List<ArchiveFileSystem> opened = new ArrayList<>();
  private String base;
  private FileSystem fs;

  @Before
  public void setUp() throws IOException {
    base = tmp.newFolder("archive").getAbsolutePath();
    fs = ArchiveFileSystem.open(base, new Configuration()).fs();
  }

  @After
  public void tearDown() throws IOException {
    for (ArchiveFileSystem f : opened) {
      f.close();
    }
  }

  private RollingWriter<ClickEvent> writer(String writerId) throws IOException {
    ArchiveFileSystem afs = ArchiveFileSystem.open(base, new Configuration());
    opened.add(afs);
    ArchiveSettings settings = ArchiveSettings.of(base).withRollInterval(Duration.millis(ROLL));
    return new RollingWriter<>(
        afs,
        settings,
        "events",
        AvroFormat.of(ClickEvent.class),
        e -> WriteArchive.partition(e.getEventTime()),
        writerId,
        clock::get);
  }

  private static List<ClickEvent> events(int n, long seed) {
    return new ClickstreamGenerator().seed(seed).events(n).span(3 * 3600_000L).generate();
  }

  /** One bundle: append each event, then make the bundle's files durable, as the DoFn does. */
  private static void bundle(RollingWriter<ClickEvent> w, List<ClickEvent> events) {
    Set<RollingFile<ClickEvent>> files = new HashSet<>();
    events.forEach(e -> files.add(w.append(e)));
    w.sync(files);
  }

  private ArchiveContents contents() throws IOException {
    return ArchiveContents.read(fs, new Path(base));
  }

  private static Set<String> ids(List<ClickEvent> events) {
    return events.stream().map(e -> e.getEventId().toString()).collect(Collectors.toSet());
  }

  @Test
  public void filesAppearUnderFinalNamesOnlyWhenRolledAndEachFileIsInItsPartition()
      throws IOException {
    RollingWriter<ClickEvent> w = writer("w1");
    List<ClickEvent> sent = events(300, 1);
    bundle(w, sent);

    ArchiveContents before = contents();
    assertThat("nothing final before the roll", before.avroFiles.keySet(), empty());
    assertThat(
        "3 hours of events: at least 3 partitions open",
        before.inProgress.size(),
        org.hamcrest.Matchers.greaterThan(2));

    clock.set(T0 + ROLL - 1);
    assertEquals("the period has not ended", 0, w.rollDue());
    assertThat(contents().avroFiles.keySet(), empty());

    clock.set(T0 + ROLL);
    assertEquals(before.inProgress.size(), w.rollDue());
    ArchiveContents after = contents();
    assertThat(after.inProgress, empty());
    assertThat(after.strays, empty());
    assertEquals(ids(sent), ids(after.events()));
    assertEquals(sent.size(), after.events().size());
    after.avroFiles.forEach(
        (path, events) -> {
          assertTrue(
              path,
              path.matches(
                  "year=\\d{4}/month=\\d\\d/day=\\d\\d/hour=\\d\\d/events-w1-\\d{8}T\\d{6}\\.\\d{3}Z\\.avro"));
          events.forEach(
              e ->
                  assertEquals(
                      WriteArchive.partition(e.getEventTime()), ArchiveContents.directoryOf(path)));
        });
  }

  @Test
  public void manyBundlesWithinOneRollPeriodMakeOneFilePerPartition() throws IOException {
    RollingWriter<ClickEvent> w = writer("w1");
    List<ClickEvent> sent = events(1000, 2);
    for (int i = 0; i < sent.size(); i += 10) { // 100 bundles of 10 events
      clock.set(T0 + i * 10L); // all inside [T0, T0 + ROLL)
      bundle(w, sent.subList(i, i + 10));
      w.rollDue();
    }
    long partitions =
        sent.stream().map(e -> WriteArchive.partition(e.getEventTime())).distinct().count();
    assertEquals(partitions, w.openFiles());
    clock.set(T0 + ROLL);
    w.rollDue();

    ArchiveContents c = contents();
    assertEquals("one file per partition", partitions, c.avroFiles.size());
    assertEquals(sent.size(), c.events().size());
    assertEquals(ids(sent), ids(c.events()));

    // the next period starts new files, under new names
    bundle(w, sent.subList(0, 10));
    clock.set(T0 + 2 * ROLL);
    w.rollDue();
    assertEquals(sent.size() + 10, contents().events().size());
  }

  @Test
  public void eventsAreReadableFromTheInProgressFileOnceTheBundleSynced() throws IOException {
    RollingWriter<ClickEvent> w = writer("w1");
    List<ClickEvent> sent = events(200, 3);
    bundle(w, sent.subList(0, 100));
    bundle(w, sent.subList(100, 200));
    List<ClickEvent> readable = new ArrayList<>();
    for (String rel : contents().inProgress) {
      readable.addAll(ArchiveContents.readAvro(fs, new Path(base, rel)));
    }
    assertEquals(ids(sent), ids(readable));
    w.rollAll();
  }

  @Test
  public void aRetriedBundleDuplicatesButLosesNothing() throws IOException {
    RollingWriter<ClickEvent> w = writer("w1");
    List<ClickEvent> sent = events(200, 4);
    bundle(w, sent.subList(0, 100));
    // the second bundle appends half its events, then fails before @FinishBundle: the runner
    // retries all of it
    sent.subList(100, 150).forEach(w::append);
    bundle(w, sent.subList(100, 200));
    clock.set(T0 + ROLL);
    w.rollDue();

    List<ClickEvent> archived = contents().events();
    assertEquals(ids(sent), ids(archived));
    assertEquals("the 50 appended before the failure are there twice", 250, archived.size());
  }

  @Test
  public void appendsFromSeveralThreadsAllLand() throws Exception {
    RollingWriter<ClickEvent> w = writer("w1");
    List<ClickEvent> sent = events(2000, 5);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<ClickEvent> part = sent.subList(t * 500, (t + 1) * 500);
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < part.size(); i += 25) {
                  bundle(w, part.subList(i, i + 25));
                }
              }));
    }
    // a roller running concurrently, as the daemon does, publishing files mid-stream
    for (int i = 1; i <= 5; i++) {
      clock.set(T0 + i * ROLL);
      w.rollDue();
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    w.rollAll();
    List<ClickEvent> archived = contents().events();
    assertEquals(sent.size(), archived.size());
    assertEquals(ids(sent), ids(archived));
  }

  @Test
  public void anOrphanOfACrashedWriterIsPublishedWithItsSyncedBlocks() throws IOException {
    RollingWriter<ClickEvent> crashed = writer("dead");
    List<ClickEvent> sent = events(300, 6);
    List<ClickEvent> oneHour =
        sent.stream()
            .filter(
                e ->
                    WriteArchive.partition(e.getEventTime())
                        .equals(WriteArchive.partition(sent.get(0).getEventTime())))
            .toList();
    bundle(crashed, oneHour.subList(0, oneHour.size() / 2));
    bundle(crashed, oneHour.subList(oneHour.size() / 2, oneHour.size()));
    // the crash: half a block written after the last sync, never completed
    java.nio.file.Path orphan = java.nio.file.Path.of(base, contents().inProgress.get(0));
    try (OutputStream torn = Files.newOutputStream(orphan, StandardOpenOption.APPEND)) {
      torn.write(new byte[] {0x14, (byte) 0xd0, 0x0f, 1, 2, 3, 4, 5});
    }

    RollingWriter<ClickEvent> survivor = writer("live");
    assertEquals("too young to be an orphan", 0, survivor.recoverOrphans());
    clock.set(System.currentTimeMillis() + 3 * ROLL + 1);
    assertEquals(1, survivor.recoverOrphans());

    ArchiveContents c = contents();
    assertThat(c.inProgress, empty());
    assertThat(c.avroFiles.keySet(), hasSize(1));
    String published = c.avroFiles.keySet().iterator().next();
    assertTrue(published, published.endsWith("/" + orphan.getFileName()));
    assertEquals(ids(oneHour), ids(c.events()));
    assertEquals(oneHour.size(), c.events().size());
  }

  @Test
  public void anOrphanWithoutACompleteBlockIsDeleted() throws IOException {
    java.nio.file.Path dir =
        java.nio.file.Path.of(
            base, ArchiveSettings.IN_PROGRESS_DIR, "year=2014/month=04/day=01/hour=10");
    Files.createDirectories(dir);
    Files.write(dir.resolve("events-dead-20140401T100000.000Z.avro"), new byte[] {'O', 'b', 'j'});
    RollingWriter<ClickEvent> survivor = writer("live");
    clock.set(System.currentTimeMillis() + 3 * ROLL + 1);
    assertEquals(0, survivor.recoverOrphans());
    ArchiveContents c = contents();
    assertThat(c.inProgress, empty());
    assertThat(c.avroFiles.keySet(), empty());
  }

  @Test
  public void deadLetterLinesRecoverUpToTheLastCompleteLine() throws IOException {
    ArchiveFileSystem afs = ArchiveFileSystem.open(base, new Configuration());
    opened.add(afs);
    RollingWriter<String> letters =
        new RollingWriter<>(
            afs,
            ArchiveSettings.of(base).withRollInterval(Duration.millis(ROLL)),
            "deadletters",
            JsonLinesFormat.of(s -> s),
            s -> "_deadletter",
            "dead",
            clock::get);
    Set<RollingFile<String>> files = new HashSet<>();
    files.add(letters.append("{\"reason\":\"A\"}"));
    files.add(letters.append("{\"reason\":\"B\"}"));
    letters.sync(files);
    java.nio.file.Path orphan = java.nio.file.Path.of(base, contents().inProgress.get(0));
    Files.writeString(orphan, "{\"reason\":\"C", StandardOpenOption.APPEND);

    RollingWriter<String> survivor =
        new RollingWriter<>(
            afs,
            ArchiveSettings.of(base).withRollInterval(Duration.millis(ROLL)),
            "deadletters",
            JsonLinesFormat.of(s -> s),
            s -> "_deadletter",
            "live",
            clock::get);
    clock.set(System.currentTimeMillis() + 3 * ROLL + 1);
    assertEquals(1, survivor.recoverOrphans());
    ArchiveContents c = contents();
    assertThat(c.inProgress, empty());
    assertEquals(
        List.of(List.of("{\"reason\":\"A\"}", "{\"reason\":\"B\"}")),
        List.copyOf(c.jsonFiles.values()));
    assertTrue(c.jsonFiles.keySet().iterator().next().startsWith("_deadletter/deadletters-dead-"));
  }

  @Test
  public void settingsNameTheBadValue() {
    IllegalArgumentException e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> ArchiveSettings.of(base).withRollInterval(Duration.ZERO).validate());
    assertTrue(e.getMessage(), e.getMessage().contains("--archiveRollInterval=PT0S"));
    e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class, () -> ArchiveSettings.of(" ").validate());
    assertTrue(e.getMessage(), e.getMessage().contains("--archivePath"));
    e =
        org.junit.Assert.assertThrows(
            IllegalArgumentException.class,
            () -> ArchiveSettings.of(base).withOrphanAge(Duration.standardSeconds(30)).validate());
    assertTrue(e.getMessage(), e.getMessage().contains("PT30S"));
  }
}
