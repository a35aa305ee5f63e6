package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventAvro;
import io.clicktrends.schema.EventHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.streaming.flume.sink.EventBatch;
import org.apache.spark.streaming.flume.sink.SparkSinkEvent;
import org.junit.ClassRule;
import org.junit.Test;

/** What names an event body's schema on the wire, and how the reader decodes by it. */
public class SchemaHeaderTest {
  @ClassRule public static final TestAgent AGENT = new TestAgent();

  @Test
  public void validEventsCarryTheSchemaFingerprintNotTheWholeSchema() throws Exception {
    AGENT.sendRpc(
        List.of(TestAgent.click("fp-1", "search", "boots").getBytes(StandardCharsets.UTF_8)));
    try (SinkConnection c = SinkConnection.open(AGENT.agent.sparkSinkAddress(), 5_000)) {
      EventBatch batch = c.requestBatch(10).get(30, TimeUnit.SECONDS);
      SparkSinkEvent e = batch.getEvents().get(0);
      Map<String, String> headers = new HashMap<>();
      e.getHeaders().forEach((k, v) -> headers.put(k.toString(), v.toString()));
      assertThat(headers.get(EventHeaders.SCHEMA_FINGERPRINT), equalTo(ClickEventAvro.FINGERPRINT));
      assertThat("about 2.5 KB per event saved", headers, not(hasKey(EventHeaders.SCHEMA_LITERAL)));
      byte[] body = new byte[e.getBody().remaining()];
      e.getBody().duplicate().get(body);
      assertThat(
          FlumeReader.decodeBody(headers, body, new HashMap<>()).getEventId(), equalTo("fp-1"));
      c.ack(batch.getSequenceNumber());
    }
  }

  @Test
  public void aBodyInAnotherSchemaIsDecodedByItsLiteralAndRefusedByAnUnknownFingerprintAlone()
      throws Exception {
    ClickEvent full =
        io.clicktrends.schema.ClickEventJson.parse(
                TestAgent.click("old-1", "search", "boots").getBytes(StandardCharsets.UTF_8),
                System.currentTimeMillis())
            .event();
    byte[] body = ClickEventAvro.encode(full);
    Map<String, Schema> cache = new HashMap<>();
    // a literal other than our schema's own text is parsed and resolved (here: the same schema,
    // pretty-printed)
    String literal = ClickEventAvro.SCHEMA.toString(true);
    assertThat(
        FlumeReader.decodeBody(Map.of(EventHeaders.SCHEMA_LITERAL, literal), body, cache),
        equalTo(full));
    assertThat("parsed once, kept", cache.keySet(), equalTo(java.util.Set.of(literal)));

    Schema other =
        SchemaBuilder.record("Other").namespace("x").fields().requiredString("eventId").endRecord();
    GenericRecord r = new GenericData.Record(other);
    r.put("eventId", "x-1");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(other).write(r, enc);
    enc.flush();
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                FlumeReader.decodeBody(
                    Map.of(EventHeaders.SCHEMA_FINGERPRINT, "0123456789abcdef"),
                    out.toByteArray(),
                    cache));
    assertThat(e.getMessage(), containsString("schema = literal"));
  }
}
