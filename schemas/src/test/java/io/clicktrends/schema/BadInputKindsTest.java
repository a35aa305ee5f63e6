package io.clicktrends.schema;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.Test;

/**
 * Issue #11, items 1 to 5, at the JSON codec and the shared rules: every path to a ClickEvent goes
 * through these.
 */
public class BadInputKindsTest {
  private static final long NOW = Instant.parse("2014-04-01T10:00:00Z").toEpochMilli();
  private static final long SKEW = ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis();

  private static String click(Object eventTime) {
    String t = eventTime instanceof String ? "\"" + eventTime + "\"" : String.valueOf(eventTime);
    return "{\"eventId\":\"e\",\"eventTime\":"
        + t
        + ",\"type\":\"search\",\"sessionId\":\"s\",\"query\":\"boots\"}";
  }

  private static Rejection reject(String json) {
    ParseResult r = ClickEventJson.parse(json, NOW);
    assertFalse("expected a rejection for " + json, r.isValid());
    return r.rejection();
  }

  // event time bounded by the server's clock at ingest.

  @Test
  public void aClickFromAClock23HoursFastIsDeadLetteredNamingEventTime() {
    Rejection r = reject(click(NOW + 23L * 3600 * 1000));
    assertEquals(RejectReason.TIMESTAMP_IN_FUTURE, r.reason());
    assertThat(r.detail(), containsString("eventTime 2014-04-02T09:00:00Z"));
    assertThat(r.detail(), containsString("PT2M"));
  }

  @Test
  public void theSkewBoundIsInclusiveAndConfigurable() {
    assertTrue(ClickEventJson.parse(click(NOW + SKEW), NOW).isValid());
    assertEquals(RejectReason.TIMESTAMP_IN_FUTURE, reject(click(NOW + SKEW + 1)).reason());
    assertTrue(ClickEventJson.parse(click(NOW + 3_600_000), NOW, 3_600_000).isValid());
    assertFalse(ClickEventJson.parse(click(NOW + 1), NOW, 0).isValid());
    // The server clock is the earlier of ingestTime and the checker's clock: an event stamped by an
    // agent whose own
    // clock is a day fast is still bounded by the pipeline's clock.
    ClickEvent e = ClickEventJson.parse(click(NOW), NOW).event();
    ClickEvent agentAhead =
        ClickEvent.newBuilder(e)
            .setEventTime(Instant.ofEpochMilli(NOW + 86_400_000L))
            .setIngestTime(Instant.ofEpochMilli(NOW + 86_400_000L))
            .build();
    assertEquals(
        RejectReason.TIMESTAMP_IN_FUTURE, ClickEventRules.check(agentAhead, NOW).get().reason());
  }

  // a value out of range is a dead letter naming the field, never an exception.

  @Test
  public void aDateInYearOneBillionIsADeadLetterNotAnOverflow() {
    Rejection r = reject(click("+1000000000-01-01T00:00:00Z"));
    assertEquals(RejectReason.TIMESTAMP_IN_FUTURE, r.reason());
    assertThat(r.detail(), startsWith("eventTime +1000000000-01-01T00:00:00Z"));
    assertEquals(
        RejectReason.TIMESTAMP_TOO_OLD, reject(click("-1000000000-01-01T00:00:00Z")).reason());
    assertEquals(
        RejectReason.TIMESTAMP_IN_FUTURE,
        reject(click(new java.math.BigInteger("99999999999999999999999"))).reason());
    assertEquals(
        RejectReason.TIMESTAMP_TOO_OLD,
        reject(click(new java.math.BigInteger("-99999999999999999999999"))).reason());
    assertEquals(RejectReason.TIMESTAMP_IN_FUTURE, reject(click(Long.MAX_VALUE)).reason());
    assertEquals(RejectReason.TIMESTAMP_TOO_OLD, reject(click(Long.MIN_VALUE)).reason());
  }

  @Test
  public void fuzzEveryFieldWithMalformedValuesNeverThrowsAndNamesTheField() {
    int rejected = 0;
    for (String json : MalformedClicks.all(NOW)) {
      ParseResult r = ClickEventJson.parse(json.getBytes(StandardCharsets.UTF_8), NOW);
      assertNotNull(json, r);
      if (!r.isValid()) {
        rejected++;
        assertTrue(json + " -> " + r, r.rejection().reason() != RejectReason.INTERNAL_ERROR);
        assertFalse(json + " -> " + r, r.rejection().detail().isEmpty());
      } else {
        // what passes is encodable: the same JSON again, unchanged
        assertEquals(
            r.event(), ClickEventJson.parse(ClickEventJson.toJson(r.event()), NOW).event());
        assertEquals(-1, ClickEventRules.invalidUnicodeAt(r.event().getQuery()));
      }
    }
    assertTrue("most cases are rejected: " + rejected, rejected > 150);
  }

  // one record is one JSON value.

  @Test
  public void contentAfterTheFirstValueIsMalformedNamingThePosition() {
    String nd =
        click(NOW).replace("\"e\"", "\"nd-1\"") + "\n" + click(NOW).replace("\"e\"", "\"nd-2\"");
    Rejection two = reject(nd);
    assertEquals(RejectReason.MALFORMED_JSON, two.reason());
    assertThat(
        two.detail(),
        containsString("content after the first JSON value at line 2, column 1 (char 93)"));
    Rejection garbage = reject(click(NOW) + " garbage");
    assertEquals(RejectReason.MALFORMED_JSON, garbage.reason());
    assertThat(garbage.detail(), containsString("column"));
    assertEquals(RejectReason.MALFORMED_JSON, reject(click(NOW) + "{}").reason());
    assertEquals(RejectReason.MALFORMED_JSON, reject(click(NOW) + "]").reason());
    assertTrue(ClickEventJson.parse(click(NOW) + " \r\n\t", NOW).isValid());
  }

  // a leading byte-order mark is ignored.

  @Test
  public void aLeadingByteOrderMarkIsIgnored() {
    byte[] json = click(NOW).getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[json.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(json, 0, withBom, 3, json.length);
    assertEquals("boots", ClickEventJson.parse(withBom, NOW).event().getQuery());
    assertEquals("boots", ClickEventJson.parse("\uFEFF" + click(NOW), NOW).event().getQuery());
    // only a leading one: inside a value it is text like any other
    assertEquals(
        "\uFEFFboots",
        ClickEventJson.parse(click(NOW).replace("boots", "\uFEFFboots"), NOW).event().getQuery());
  }

  // invalid Unicode never becomes another key.

  @Test
  public void unpairedSurrogatesAndReplacementCharactersAreDeadLettered() {
    String lone = click(NOW).replace("boots", "\\uD800abc");
    Rejection r = reject(lone);
    assertEquals(RejectReason.INVALID_UNICODE, r.reason());
    assertThat(r.detail(), containsString("query holds an unpaired surrogate U+D800 at index 0"));
    assertEquals(
        RejectReason.INVALID_UNICODE, reject(click(NOW).replace("boots", "abc\\uDC00")).reason());
    assertEquals(
        RejectReason.INVALID_UNICODE, reject(click(NOW).replace("boots", "a\\uFFFDc")).reason());
    assertEquals(
        RejectReason.INVALID_UNICODE,
        reject(click(NOW).replace("\"s\"", "\"\\uDFFF\"")).reason()); // sessionId too
    // a proper pair (an emoji, escaped or not) is fine
    assertEquals(
        "\uD83D\uDC62boots",
        ClickEventJson.parse(click(NOW).replace("boots", "\\uD83D\\uDC62boots"), NOW)
            .event()
            .getQuery());
    // and the detail itself stays writable as UTF-8
    Rejection typeBad = reject(click(NOW).replace("search", "\\uD800"));
    assertEquals(-1, ClickEventRules.invalidUnicodeAt(typeBad.detail().replace("\uFFFD", "")));
  }
}
