package io.clicktrends.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.schema.AmqpDefaults;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import picocli.CommandLine;

/**
 * The live benchmark end to end on the DirectRunner, at a modest rate: a real Flume agent, the
 * pipeline, RabbitMQ (the embedded broker outside CI; under {@code CI=true} a missing RabbitMQ
 * fails the test with the resolver's message). Small windows (20s/5s, no allowed lateness) so that
 * windows close within the run. Asserts what the run found (every checked window arrived with its
 * exact total, the backlog did not grow), never a timing.
 */
public class LiveBenchTest {
  private static AmqpBrokerResolver.ResolvedBroker broker;
  private static final HeapSampler HEAP = new HeapSampler().start();

  @BeforeClass
  public static void resolveBroker() {
    broker =
        AmqpBrokerResolver.resolve(
            System.getProperty("clicktrends.amqpUri", AmqpDefaults.DEFAULT_URI));
    System.err.println("LiveBenchTest: " + broker);
  }

  @AfterClass
  public static void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** 300 events/s for 40 s through Flume's RpcClient to the Avro source. */
  @Test(timeout = 240_000)
  public void avroRpcAtAModestRateIsSustainedWithExactTotals() throws Exception {
    assertSustainedAndExact(run("--via=avro", "--rate=300", "--duration=40s"));
  }

  /** 150 events/s for 15 s as JSON arrays POSTed to the HTTP source. */
  @Test(timeout = 240_000)
  public void httpJsonArraysAreSustainedWithExactTotals() throws Exception {
    assertSustainedAndExact(run("--via=http", "--rate=150", "--duration=15s", "--warmup=5s"));
  }

  private static LiveRun.Result run(String... args) throws Exception {
    LiveOptions o = new LiveOptions();
    new CommandLine(o)
        .parseArgs(
            concat(
                args,
                "--runner=direct",
                "--windowSize=20s",
                "--windowSlide=5s",
                "--allowedLateness=0s"));
    o.validate();
    LiveRun.Result r = new LiveRun(o, broker.uri(), HEAP).run(o.rate, o.durationMillis());
    System.err.println(r.line());
    return r;
  }

  private static void assertSustainedAndExact(LiveRun.Result r) {
    String line = r.line();
    assertEquals(line, 0, r.failedBatches());
    assertTrue(line, r.windows() > 0);
    assertEquals(line, 0, r.missing());
    assertEquals(line, 0, r.wrong());
    assertTrue(line, r.sustained());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
