package io.clicktrends.flume;

import io.clicktrends.schema.ClickEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;

/**
 * One agent per web-server host, each with its own SparkSink, drained by one pipeline (one split
 * per address).
 */
public class TwoAgentsTest {
  @ClassRule public static final TestAgent WEB1 = new TestAgent();
  @ClassRule public static final TestAgent WEB2 = new TestAgent();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  @Test
  public void onePipelineDrainsBothAgents() throws Exception {
    List<String> expected = new ArrayList<>();
    for (TestAgent agent : List.of(WEB1, WEB2)) {
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String id = agent.agent.avroPort() + "-" + i;
        expected.add(id);
        bodies.add(
            TestAgent.click(id, "add_to_cart", "p" + i % 5).getBytes(StandardCharsets.UTF_8));
      }
      agent.sendRpc(bodies);
    }
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(WEB1.agent.sparkSinkAddress(), WEB2.agent.sparkSinkAddress())
                .withMaxNumRecords(expected.size())
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(60)));
    PAssert.that(
            events.apply(MapElements.into(TypeDescriptors.strings()).via(ClickEvent::getEventId)))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }
}
