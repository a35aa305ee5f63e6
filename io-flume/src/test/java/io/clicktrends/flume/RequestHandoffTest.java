package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

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
 * What happens to a closed reader's waiting request when no reader of the same sink in its JVM
 * takes it over (the pipeline was stopped, or its split moved to another executor).
 */
public class RequestHandoffTest {
  /**
   * The production sink timeout, 120 s: an unacked batch does not come back on its own during this
   * test.
   */
  @ClassRule public static final TestAgent AGENT = new TestAgent();

  private final PipelineOptions options = PipelineOptionsFactory.create();

  private FlumeReader reader(String address) {
    return FlumeIOTestAccess.source(address, 100)
        .split(1, options)
        .get(0)
        .createReader(options, null);
  }

  @Test
  public void aRequestNobodyTakesOverIsNackedSoItsEventsComeAgainLongBeforeTheSinkTimeout()
      throws Exception {
    FlumeReader closed = reader(AGENT.agent.sparkSinkAddress());
    FlumeIOTestAccess.startUntilWaiting(closed);
    closed.close(); // leaves its waiting request for a next reader that never comes
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      bodies.add(
          TestAgent.click("x-" + i, "product_view", "p" + i).getBytes(StandardCharsets.UTF_8));
    }
    AGENT.sendRpc(bodies);
    // The left request takes them (waited for: a new reader's first poll could otherwise win the
    // race against the
    // sink's 200 ms backoff, and the events would never pass through the left request).
    RequestHandoff.Waiting left = RequestHandoff.peek(AGENT.agent.sparkSinkAddress());
    TestAgent.await(
        "the left request answered", Duration.ofSeconds(30), () -> left.request().isDone());
    assertThat(
        "events the left request took", left.request().join().getEvents().size(), greaterThan(0));

    // The same sink under another name: a reader as in another JVM, which cannot take the handoff.
    FlumeReader elsewhere = reader("localhost:" + AGENT.agent.sparkSinkAddress().split(":")[1]);
    // Within 60 s, half the sink's timeout: only the nack when the handoff expires (after 10 s) can
    // free them so soon.
    assertThat(
        FlumeIOTestAccess.readIds(elsewhere, 3, Duration.ofSeconds(60)),
        equalTo(Set.of("x-0", "x-1", "x-2")));
    elsewhere.getCheckpointMark().finalizeCheckpoint();
    elsewhere.close();
  }
}
