package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.streaming.flume.sink.EventBatch;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The shaded sink serves requests off its Netty I/O threads: getEventBatch calls parked on an empty
 * channel (more of them than the server has I/O workers, 2 x cores) must not hold up a handshake or
 * an ack on another connection. With Spark's own {@code new NettyServer(responder, addr)} each
 * parked poll froze its I/O worker and every connection on it.
 */
public class SinkConcurrencyTest {
  @ClassRule public static final TestAgent AGENT = new TestAgent(4);

  @Test
  public void parkedPollsDoNotBlockOtherConnections() throws Exception {
    String address = AGENT.agent.sparkSinkAddress();
    int parked =
        2 * Runtime.getRuntime().availableProcessors()
            + 2; // at least one per I/O worker, whatever the count
    List<SinkConnection> pollers = new ArrayList<>();
    List<CompletableFuture<EventBatch>> polls = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      // Opening includes the handshake, which itself would wait behind a parked poll on the same
      // I/O worker.
      CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < parked; i++) {
                    SinkConnection c = SinkConnection.open(address, 2_000);
                    synchronized (pollers) {
                      pollers.add(c);
                    }
                    polls.add(c.requestBatch(10));
                  }
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .get(20, TimeUnit.SECONDS);
      // A new connection (handshake inside open()) and an ack on it, each with a deadline, behind
      // all those polls.
      CompletableFuture<Void> ackDone =
          CompletableFuture.runAsync(
              () -> {
                try (SinkConnection c = SinkConnection.open(address, 2_000)) {
                  c.ack("no-such-batch");
                  c.nack("no-such-batch");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      ackDone.get(10, TimeUnit.SECONDS);
      for (CompletableFuture<EventBatch> poll : polls) {
        assertThat("a poll on an empty channel is still parked", poll.isDone(), is(false));
      }
      // And the parked polls still work: one event is handed to exactly one of them.
      AGENT.sendRpc(
          List.of(
              TestAgent.click("k-0", "product_view", "p")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      CompletableFuture.anyOf(polls.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
      int answered = 0;
      for (int i = 0; i < polls.size(); i++) {
        if (polls.get(i).isDone()) {
          EventBatch b = polls.get(i).join();
          assertThat(b.getEvents().size(), equalTo(1));
          pollers.get(i).ack(b.getSequenceNumber().toString());
          answered++;
        }
      }
      assertThat(answered, equalTo(1));
    } finally {
      synchronized (pollers) {
        pollers.forEach(SinkConnection::close);
      }
    }
  }
}
