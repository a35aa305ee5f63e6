package io.clicktrends.schema;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.Test;

public class TrendJsonTest {
  private static final Trend TREND =
      Trend.newBuilder()
          .setDimension("search")
          .setWindowStart(Instant.parse("2014-04-01T10:00:00Z"))
          .setWindowEnd(Instant.parse("2014-04-01T10:10:00Z"))
          .setTotal(1234)
          .setItems(
              List.of(
                  new TrendItem("<img src=x onerror=alert(1)>", 42L),
                  new TrendItem("red \"shoes\"", 40L)))
          .setTiming("ON_TIME")
          .setPaneIndex(0)
          .setEmittedAt(Instant.parse("2014-04-01T10:10:05.120Z"))
          .build();

  @Test
  public void theWireFormatIsTheDocumentedJsonAndRoundTrips() {
    String json = TrendJson.toJson(TREND);
    assertEquals(
        "{\"dimension\":\"search\",\"windowStart\":\"2014-04-01T10:00:00Z\","
            + "\"windowEnd\":\"2014-04-01T10:10:00Z\",\"total\":1234,\"items\":["
            + "{\"key\":\"<img src=x onerror=alert(1)>\",\"count\":42},{\"key\":\"red \\\"shoes\\\"\",\"count\":40}],"
            + "\"timing\":\"ON_TIME\",\"paneIndex\":0,\"kind\":\"top\",\"emittedAt\":\"2014-04-01T10:10:05.120Z\"}",
        json);
    assertEquals(TREND, TrendJson.fromJson(json));
    assertEquals("search/1396347000000/ON_TIME/0", TrendJson.messageId(TREND));
  }

  @Test
  public void aRisingTrendCarriesKindPreviousAndScoreAndHasItsOwnMessageId() {
    Trend rising =
        Trend.newBuilder(TREND)
            .setKind("rising")
            .setItems(List.of(new TrendItem("boots", 80L), new TrendItem("hats", 9L)))
            .setRising(
                List.of(
                    new RisingItem("boots", 80L, 3L, 77 / Math.sqrt(83)),
                    new RisingItem("hats", 9L, 0L, 3.0)))
            .setTiming("LATE")
            .setPaneIndex(2)
            .build();
    String json = TrendJson.toJson(rising);
    assertEquals(
        "{\"dimension\":\"search\",\"windowStart\":\"2014-04-01T10:00:00Z\","
            + "\"windowEnd\":\"2014-04-01T10:10:00Z\",\"total\":1234,\"items\":["
            + "{\"key\":\"boots\",\"count\":80,\"previous\":3,\"score\":"
            + (77 / Math.sqrt(83))
            + "},"
            + "{\"key\":\"hats\",\"count\":9,\"previous\":0,\"score\":3.0}],"
            + "\"timing\":\"LATE\",\"paneIndex\":2,\"kind\":\"rising\",\"emittedAt\":\"2014-04-01T10:10:05.120Z\"}",
        json);
    assertEquals(rising, TrendJson.fromJson(json));
    assertEquals("search/1396347000000/LATE/2/rising", TrendJson.messageId(rising));
  }

  @Test
  public void aTrendWithoutKindIsACountTrendAndAnUnknownKindIsRejected() {
    String old =
        "{\"dimension\":\"search\",\"windowStart\":\"2014-04-01T10:00:00Z\",\"windowEnd\":\"2014-04-01T10:10:00Z\","
            + "\"total\":1,\"items\":[{\"key\":\"a\",\"count\":1}],\"timing\":\"ON_TIME\",\"emittedAt\":\"2014-04-01T10:10:05Z\"}";
    assertEquals("top", TrendJson.fromJson(old).getKind());
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    TrendJson.fromJson(
                        old.replace("\"timing\"", "\"kind\":\"falling\",\"timing\"")))
            .getMessage(),
        containsString("kind"));
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    TrendJson.fromJson(old.replace("\"timing\"", "\"kind\":\"rising\",\"timing\"")))
            .getMessage(),
        containsString("previous"));
  }

  @Test
  public void badTrendJsonNamesTheProblem() {
    assertThat(
        assertThrows(
                IllegalArgumentException.class, () -> TrendJson.fromJson("{\"dimension\":\"x\"}"))
            .getMessage(),
        containsString("items"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> TrendJson.fromJson("{")).getMessage(),
        containsString("not valid JSON"));
  }

  @Test
  public void aTypeAddedLaterIsReadAsUnknownByThisVersion() throws Exception {
    // A future writer appends a symbol; this reader must not fail on it.
    String future =
        ClickEvent.getClassSchema()
            .toString()
            .replace("\"purchase\"]", "\"purchase\",\"wishlist_add\"]");
    Schema writer = new Schema.Parser().parse(future);
    GenericRecord r = new GenericData.Record(writer);
    r.put("eventId", "e1");
    r.put("eventTime", 1396346400000L);
    r.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), "wishlist_add"));
    r.put("sessionId", "s1");
    r.put("ingestTime", 1396346400000L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
    enc.flush();
    ClickEvent read =
        new SpecificDatumReader<ClickEvent>(writer, ClickEvent.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    assertEquals(EventType.UNKNOWN, read.getType());
    assertEquals("e1", read.getEventId());
  }
}
