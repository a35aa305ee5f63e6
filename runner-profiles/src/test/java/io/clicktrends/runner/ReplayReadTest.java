package io.clicktrends.runner;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.MalformedClicks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * Issue #11 on {@code bin/clicktrends replay}'s reader: one bad line costs that line, never the
 * replay.
 */
public class ReplayReadTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static String click(String id, Object eventTime) {
    String t = eventTime instanceof String ? "\"" + eventTime + "\"" : String.valueOf(eventTime);
    return "{\"eventId\":\""
        + id
        + "\",\"eventTime\":"
        + t
        + ",\"type\":\"search\",\"sessionId\":\"s\",\"query\":\"q\"}";
  }

  private static byte[] bytes(byte[] prefix, String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(prefix);
    out.write(text.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static List<String> ids(List<ClickEvent> events) {
    return events.stream().map(ClickEvent::getEventId).collect(Collectors.toList());
  }

  /** A file starting with a byte-order mark keeps its first event (the mark is not part of it). */
  @Test
  public void aFileStartingWithAByteOrderMarkKeepsItsFirstEvent() throws Exception {
    long now = System.currentTimeMillis();
    Map<String, Integer> skipped = new TreeMap<>();
    List<ClickEvent> events =
        Replay.read(
            bytes(BOM, click("first", now) + "\r\n" + click("second", now + 1) + "\n"),
            now,
            skipped);
    assertThat(ids(events), equalTo(List.of("first", "second")));
    assertThat(skipped, equalTo(Map.of()));
  }

  /** An event time out of range skips its line; the replay must not abort with a long overflow. */
  @Test
  public void anOutOfRangeEventTimeIsSkippedAndTheReplayCarriesOn() throws Exception {
    long now = System.currentTimeMillis();
    Map<String, Integer> skipped = new TreeMap<>();
    List<ClickEvent> events =
        Replay.read(
            bytes(
                new byte[0],
                click("ok-1", now)
                    + "\n"
                    + click("bad", "+1000000000-01-01T00:00:00Z")
                    + "\n"
                    + click("ok-2", now + 1000)),
            now,
            skipped);
    assertThat(ids(events), equalTo(List.of("ok-1", "ok-2")));
    assertThat(skipped, equalTo(Map.of("TIMESTAMP_IN_FUTURE", 1)));
  }

  /**
   * Items 2 and 3's kinds: invalid UTF-8 in one line, two objects on one line, every fuzzed field
   * value.
   */
  @Test
  public void noLineStopsTheReplay() throws Exception {
    long now = System.currentTimeMillis();
    List<String> fuzz = MalformedClicks.all(now);
    long valid = fuzz.stream().filter(l -> ClickEventJson.parse(l, now).isValid()).count();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes(new byte[0], click("two-1", now) + click("two-2", now) + "\n"));
    out.write(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    out.write(bytes(new byte[0], String.join("\n", fuzz)));
    Map<String, Integer> skipped = new TreeMap<>();
    List<ClickEvent> events = Replay.read(out.toByteArray(), now, skipped);
    assertThat((long) events.size(), equalTo(valid));
    assertThat(skipped.get("MALFORMED_JSON") >= 1, equalTo(true));
    assertThat(skipped.get("INVALID_UTF8"), equalTo(1));
    assertThat(skipped.containsKey("INTERNAL_ERROR"), equalTo(false));
    assertThat(
        skipped.values().stream().mapToInt(Integer::intValue).sum() + events.size(),
        equalTo(fuzz.size() + 2));
  }
}
