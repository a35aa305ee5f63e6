package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.schema.ClickEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The non-SDF unbounded read path of the DirectRunner really finalizes checkpoints
 * (apache/beam#20602), and every event arrives once.
 *
 * <p>Beam 2.70's DirectRunner finalizes a reader's previous mark only when it takes the next one,
 * which it does only after a bundle that read something (and when a reader is re-created it
 * restores from a copy of the mark without finalizing it). So the last batch before a quiet period
 * is acked only once more events have been read: the second wave below is what finalizes the first
 * wave's last batch.
 */
public class DirectRunnerFinalizationTest {
  @ClassRule public static final TestAgent AGENT = new TestAgent();

  static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

  static final class Count extends DoFn<ClickEvent, Void> {
    @ProcessElement
    public void process(@Element ClickEvent e) {
      SEEN.computeIfAbsent(e.getEventId(), k -> new AtomicInteger()).incrementAndGet();
    }
  }

  private static void send(String prefix, int n) throws Exception {
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      bodies.add(
          TestAgent.click(prefix + i, "product_view", "p" + i).getBytes(StandardCharsets.UTF_8));
    }
    AGENT.sendRpc(bodies);
  }

  private static long seen(String prefix) {
    return SEEN.keySet().stream().filter(k -> k.startsWith(prefix)).count();
  }

  @Test
  public void unboundedReadFinalizesCheckpointsAndDeliversOnce() throws Exception {
    send("u-", 50); // batches of 20: 20 + 20 + 10
    StreamingOptions opts = PipelineOptionsFactory.as(StreamingOptions.class);
    opts.setStreaming(true);
    opts.as(DirectOptions.class)
        .setBlockOnRun(false); // run() of an unbounded pipeline would otherwise never return
    Pipeline p = Pipeline.create(opts);
    long ackedBefore = WorkerState.COUNTERS.batchesAcked.get();
    p.apply(FlumeIO.read().withSinkAddresses(AGENT.agent.sparkSinkAddress()).withBatchSize(20))
        .apply(ParDo.of(new Count()));
    PipelineResult result = p.run();
    try {
      TestAgent.await("50 streamed events", Duration.ofSeconds(60), () -> seen("u-") >= 50);
      TestAgent.await(
          "acks of the first two batches",
          Duration.ofSeconds(30),
          () -> WorkerState.COUNTERS.batchesAcked.get() - ackedBefore >= 2);
      send(
          "v-",
          5); // reading these makes the runner take a new mark and finalize the one with the third
      // batch
      TestAgent.await("5 more streamed events", Duration.ofSeconds(30), () -> seen("v-") >= 5);
      TestAgent.await(
          "ack of the third batch",
          Duration.ofSeconds(30),
          () -> WorkerState.COUNTERS.batchesAcked.get() - ackedBefore >= 3);
    } finally {
      result.cancel();
    }
    assertThat(seen("u-"), equalTo(50L));
    assertThat(seen("v-"), equalTo(5L));
    SEEN.forEach((id, n) -> assertThat("deliveries of " + id, n.get(), equalTo(1)));
  }
}
