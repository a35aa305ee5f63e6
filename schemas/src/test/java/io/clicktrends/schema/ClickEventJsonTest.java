package io.clicktrends.schema;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.Test;

public class ClickEventJsonTest {
  private static final long NOW = Instant.parse("2014-04-01T10:00:00Z").toEpochMilli();

  private static Rejection reject(String json) {
    ParseResult r = ClickEventJson.parse(json, NOW);
    assertFalse("expected a rejection for " + json, r.isValid());
    return r.rejection();
  }

  @Test
  public void aGoodEventParsesWithItsFieldsAndGetsAnIdAndIngestTime() {
    ParseResult r =
        ClickEventJson.parse(
            "{\"eventTime\":\"2014-04-01T09:59:58.5Z\",\"type\":\"search\","
                + "\"sessionId\":\"s1\",\"query\":\"Red Shoes\",\"extra\":{\"ignored\":true}}",
            NOW);
    assertTrue(r.toString(), r.isValid());
    ClickEvent e = r.event();
    assertNotNull(e.getEventId());
    assertEquals(Instant.parse("2014-04-01T09:59:58.500Z"), e.getEventTime());
    assertEquals(EventType.search, e.getType());
    assertEquals("Red Shoes", e.getQuery());
    assertEquals(Instant.ofEpochMilli(NOW), e.getIngestTime());
    ClickEvent again = ClickEventJson.parse(ClickEventJson.toJson(e), NOW).event();
    assertEquals(e, again);
  }

  @Test
  public void eachKindOfBadInputHasItsReason() {
    assertEquals(RejectReason.MALFORMED_JSON, reject("{\"type\":").reason());
    assertEquals(RejectReason.MALFORMED_JSON, reject("[1,2]").reason());
    assertEquals(
        RejectReason.MISSING_EVENT_TIME,
        reject("{\"type\":\"search\",\"sessionId\":\"s\"}").reason());
    Rejection wrong = reject("{\"eventTime\":true,\"type\":\"search\",\"sessionId\":\"s\"}");
    assertEquals(RejectReason.WRONG_TYPE, wrong.reason());
    Rejection unknown =
        reject("{\"eventTime\":1396346400000,\"type\":\"wishlist\",\"sessionId\":\"s\"}");
    assertEquals(RejectReason.UNKNOWN_TYPE, unknown.reason());
    assertThat(unknown.detail(), containsString("wishlist"));
    assertEquals(
        RejectReason.UNKNOWN_TYPE,
        reject("{\"eventTime\":1396346400000,\"type\":\"UNKNOWN\",\"sessionId\":\"s\"}").reason());
    assertEquals(
        RejectReason.TIMESTAMP_TOO_OLD,
        reject("{\"eventTime\":1396346400,\"type\":\"search\",\"sessionId\":\"s\"}")
            .reason()); // seconds, not millis
    assertEquals(
        RejectReason.MISSING_FIELD,
        reject("{\"eventTime\":1396346400000,\"type\":\"search\"}").reason());
    byte[] badUtf8 = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    assertEquals(
        RejectReason.INVALID_UTF8, ClickEventJson.parse(badUtf8, NOW).rejection().reason());
    String longQuery =
        "{\"eventTime\":1396346400000,\"type\":\"search\",\"sessionId\":\"s\",\"query\":\""
            + "\u00e9".repeat(513)
            + "\"}"; // 1026 UTF-8 bytes
    assertEquals(
        RejectReason.KEY_TOO_LONG,
        ClickEventJson.parse(longQuery.getBytes(StandardCharsets.UTF_8), NOW).rejection().reason());
  }

  @Test
  public void deadLettersKeepTheRawBodyAndReason() {
    Rejection r = reject("not json");
    DeadLetter d = r.toDeadLetter("not json".getBytes(StandardCharsets.UTF_8), "ingest", NOW);
    assertEquals("MALFORMED_JSON", d.getReason());
    assertEquals("not json", StandardCharsets.UTF_8.decode(d.getRaw()).toString());
  }
}
