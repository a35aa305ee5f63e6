package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Acks, nacks and redelivery against a real agent, at the reader level. The unbounded DirectRunner
 * path is in {@link DirectRunnerFinalizationTest} (its own agent: a cancelled DirectRunner pipeline
 * never closes its readers).
 */
public class RedeliveryTest {
  /**
   * Sink timeout 4 s, so "never delivered again" can be checked past the point where an unacked
   * batch returns.
   */
  static final int SINK_TIMEOUT_SECONDS = 4;

  @ClassRule public static final TestAgent AGENT = new TestAgent(SINK_TIMEOUT_SECONDS);
  private final PipelineOptions options = PipelineOptionsFactory.create();

  private FlumeSource split() {
    return FlumeIOTestAccess.source(AGENT.agent.sparkSinkAddress(), 100).split(1, options).get(0);
  }

  private FlumeReader reader() {
    return split().createReader(options, null);
  }

  private void send(String prefix, int n) throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bodies.add(
          TestAgent.click(prefix + i, "product_view", "p" + i).getBytes(StandardCharsets.UTF_8));
    }
    AGENT.sendRpc(bodies);
  }

  private static Set<String> readIds(FlumeReader r, int n) throws Exception {
    return FlumeIOTestAccess.readIds(r, n, Duration.ofSeconds(30));
  }

  @Test
  public void unfinalizedBatchComesAgainAndFinalizedBatchNever() throws Exception {
    send("r-", 10);
    FlumeReader first = reader();
    Set<String> firstIds = readIds(first, 10);
    first.close(); // fails before finalizing: nacks

    FlumeReader second = reader();
    assertThat(readIds(second, 10), equalTo(firstIds));
    long ackedBefore = WorkerState.COUNTERS.batchesAcked.get();
    second.getCheckpointMark().finalizeCheckpoint();
    assertThat(WorkerState.COUNTERS.batchesAcked.get(), greaterThan(ackedBefore));
    second.close();

    send("marker-", 1);
    FlumeReader third = reader();
    // Past the sink's timeout: a batch whose ack had not landed would be rolled back and handed out
    // again by now.
    assertThat(
        readAllFor(third, Duration.ofSeconds(SINK_TIMEOUT_SECONDS + 2)),
        equalTo(List.of("marker-0")));
    third.getCheckpointMark().finalizeCheckpoint();
    third.close();
  }

  /**
   * Every event the reader emits until the deadline (an absence check needs a time bound; nothing
   * else waits).
   */
  private static List<String> readAllFor(FlumeReader r, Duration d) throws Exception {
    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + d.toNanos();
    boolean has = r.start();
    while (System.nanoTime() < deadline) {
      if (has) {
        ids.add(FlumeIOTestAccess.only(r).getEventId());
        r.getCheckpointMark()
            .finalizeCheckpoint(); // as a runner would: what was read is acked, not timed out
      } else {
        Thread.sleep(10);
      }
      has = r.advance();
    }
    return ids;
  }

  @Test
  public void aRecordCarriesTheFetchedBatchAndARedeliveredBatchHasTheSameRecordId()
      throws Exception {
    send("b-", 30);
    FlumeSource split =
        new FlumeSource(
            List.of(AGENT.agent.sparkSinkAddress()),
            new FlumeSource.Settings(
                100, 2_000, 120_000, 5_000, 30_000, Long.MAX_VALUE, true, 100));
    FlumeReader first = split.createReader(options, null);
    List<io.clicktrends.schema.ClickEvent> record = firstRecord(first);
    assertThat("one record holds every event the sink had", record.size(), equalTo(30));
    byte[] id = first.getCurrentRecordId();
    first.close(); // not finalized: nacked, handed out again

    FlumeReader second = split.createReader(options, null);
    List<io.clicktrends.schema.ClickEvent> again = firstRecord(second);
    assertThat(again, equalTo(record));
    assertThat(
        "a runner's dedup by record id drops the redelivered batch",
        java.util.Arrays.equals(second.getCurrentRecordId(), id),
        equalTo(true));
    assertThat(
        second.getCurrentTimestamp().getMillis(),
        equalTo(record.stream().mapToLong(e -> e.getEventTime().toEpochMilli()).min().getAsLong()));
    second.getCheckpointMark().finalizeCheckpoint();
    second.close();
  }

  private static List<io.clicktrends.schema.ClickEvent> firstRecord(FlumeReader r)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    boolean has = r.start();
    while (!has) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no record within 30 s");
      }
      Thread.sleep(10); // advance() does not block by design; poll it
      has = r.advance();
    }
    return r.getCurrent();
  }

  @Test
  public void checkpointCarriesFetchedButNotEmittedEvents() throws Exception {
    send("c-", 6);
    FlumeReader r = reader();
    Set<String> seen = readIds(r, 2); // a batch of up to 6 fetched, 2 emitted
    FlumeCheckpointMark mark = r.getCheckpointMark();
    r.close(); // the carried batch is referenced by the mark: not nacked
    FlumeReader restored = split().createReader(options, mark);
    seen.addAll(readIds(restored, 6 - seen.size()));
    assertThat(seen.size(), equalTo(6));
    restored.getCheckpointMark().finalizeCheckpoint();
    restored.close();
    send("marker2-", 1);
    FlumeReader after = reader();
    assertThat(readIds(after, 1), equalTo(Set.of("marker2-0")));
    after.getCheckpointMark().finalizeCheckpoint();
    after.close();
  }

  @Test
  public void aClosedReadersWaitingRequestIsAnsweredToTheNextReaderOnTheSameConnection()
      throws Exception {
    FlumeSource split = split();
    FlumeReader first = split.createReader(options, null);
    FlumeIOTestAccess.startUntilWaiting(first);
    FlumeCheckpointMark mark = first.getCheckpointMark();
    first.close(); // as the SparkRunner closes a reader whose micro-batch was slow
    long opened = WorkerState.COUNTERS.connectionsOpened.get();

    send("h-", 5);
    FlumeReader second = split.createReader(options, mark);
    assertThat(readIds(second, 5), equalTo(Set.of("h-0", "h-1", "h-2", "h-3", "h-4")));
    // Before, the first reader's request took the events only to nack them, and the second reader
    // had to connect
    // and handshake again, which on a loaded machine often took longer than a micro-batch's 200 ms
    // read.
    assertThat(
        "connections opened for the second reader",
        WorkerState.COUNTERS.connectionsOpened.get() - opened,
        equalTo(0L));
    second.getCheckpointMark().finalizeCheckpoint();
    second.close();
  }

  @Test
  public void aReaderClosedWhileConnectingLeavesTheConnectionToTheNextReader() throws Exception {
    FlumeSource split = split();
    long opened = WorkerState.COUNTERS.connectionsOpened.get();
    FlumeReader first = split.createReader(options, null);
    assertThat(
        first.start(), equalTo(false)); // starts connecting in the background, never waits for it
    FlumeCheckpointMark mark = first.getCheckpointMark();
    first.close();

    send("o-", 3);
    FlumeReader second = split.createReader(options, mark);
    assertThat(readIds(second, 3), equalTo(Set.of("o-0", "o-1", "o-2")));
    assertThat(
        "connections opened for both readers",
        WorkerState.COUNTERS.connectionsOpened.get() - opened,
        equalTo(1L));
    second.getCheckpointMark().finalizeCheckpoint();
    second.close();
  }

  @Test
  public void unreachableSinkNeverBlocksAdvance() throws Exception {
    FlumeSource source =
        (FlumeSource)
            FlumeIOTestAccess.source(
                "127.0.0.1:" + io.clicktrends.flume.agent.FlumeAgent.freePort(), 100);
    FlumeReader r = source.split(1, options).get(0).createReader(options, null);
    long t0 = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertThat(r.advance(), equalTo(false));
    }
    assertThat((System.nanoTime() - t0) / 1_000_000, lessThan(1000L));
    r.close();
  }
}
