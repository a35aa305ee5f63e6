package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventAvro;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.DeadLetter;
import io.clicktrends.schema.MalformedClicks;
import io.clicktrends.schema.Trend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Issue #11 on the pipeline's own readers: {@code --input} files, validation, the search key. */
public class BadInputPipelineTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static String click(String id, Object eventTime, String query) {
    String t = eventTime instanceof String ? "\"" + eventTime + "\"" : String.valueOf(eventTime);
    return "{\"eventId\":\""
        + id
        + "\",\"eventTime\":"
        + t
        + ",\"type\":\"search\",\"sessionId\":\"s-"
        + id
        + "\",\"query\":\""
        + query
        + "\"}";
  }

  private Path file(byte[] prefix, List<String> lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(prefix);
    out.write(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    Path f = tmp.newFile().toPath();
    Files.write(f, out.toByteArray());
    return f;
  }

  /** Count trends only (these tests are about input; RisingTrendsTest has rising trends). */
  private PCollection<String> trends(PCollection<ClickEvent> events, String... args) {
    String[] countsOnly = java.util.Arrays.copyOf(args, args.length + 1);
    countsOnly[args.length] = "--rising=false";
    ClicktrendsOptions options = ClicktrendsPipeline.parse(countsOnly);
    return events
        .apply(ValidateClickEvents.create(ClicktrendsPipeline.maxClockSkewMillis(options)))
        .get(ValidateClickEvents.VALID)
        .apply(ComputeTrends.from(options))
        .apply(MapElements.into(TypeDescriptors.strings()).via((Trend t) -> TrendText.full(t)));
  }

  /**
   * Items 1 and 4 on {@code --input}: a file starting with a byte-order mark; "boots" at T0, one
   * event from a clock 23 h fast, ten "boots" at T0+1s..T0+10s, with --windowSize=1m
   * --windowSlide=10s.
   */
  @Test
  public void theFarFutureEventIsDeadLetteredAndTheWindowsAtT0CountAllElevenBoots()
      throws Exception {
    long t0 = (System.currentTimeMillis() / 10_000) * 10_000 - 60_000;
    List<String> lines = new ArrayList<>();
    lines.add(click("b-0", t0, "boots"));
    lines.add(click("future", t0 + 23L * 3600 * 1000, "boots"));
    for (int i = 1; i <= 10; i++) {
      lines.add(click("b-" + i, t0 + i * 1000L, "boots"));
    }
    Path f = file(BOM, lines);
    PCollectionTuple parsed =
        p.apply(TextIO.read().from(f.toString())).apply(ParseClickLines.create());
    PCollection<String> trends =
        trends(
            parsed.get(ValidateClickEvents.VALID),
            "--windowSize=1m",
            "--windowSlide=10s",
            "--dimensions=search");
    List<String> expected = new ArrayList<>();
    expected.add(window(t0 - 50_000) + " ON_TIME#0 total=10 [boots=10]");
    for (long s = t0 - 40_000; s <= t0; s += 10_000) {
      expected.add(window(s) + " ON_TIME#0 total=11 [boots=11]");
    }
    expected.add(window(t0 + 10_000) + " ON_TIME#0 total=1 [boots=1]");
    PAssert.that(trends).containsInAnyOrder(expected);
    PAssert.that(reasons(parsed)).containsInAnyOrder("TIMESTAMP_IN_FUTURE");
    p.run().waitUntilFinish();
  }

  private static String window(long startMillis) {
    return TrendText.windowId("search", startMillis, startMillis + 60_000);
  }

  private static PCollection<String> reasons(PCollectionTuple parsed) {
    return parsed
        .get(ValidateClickEvents.DEAD_LETTERS)
        .apply(
            "Reasons",
            MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> d.getReason()));
  }

  /**
   * Items 2 and 3 on {@code --input}: one bad line costs that line only, and the run carries on to
   * the end.
   */
  @Test
  public void badLinesAreDeadLetteredAndTheInputRunFinishes() throws Exception {
    long now = System.currentTimeMillis();
    List<String> lines =
        new ArrayList<>(
            List.of(
                click("ok-1", now, "boots"),
                click("bad", "+1000000000-01-01T00:00:00Z", "boots"),
                click("ok-2", now + 1000, "boots"),
                click("two-1", now, "a") + click("two-2", now, "b")));
    Path f = file(new byte[0], lines);
    PCollectionTuple parsed =
        p.apply(TextIO.read().from(f.toString())).apply(ParseClickLines.create());
    PAssert.that(
            parsed
                .get(ValidateClickEvents.VALID)
                .apply(
                    "Ids",
                    MapElements.into(TypeDescriptors.strings())
                        .via((ClickEvent e) -> e.getEventId())))
        .containsInAnyOrder("ok-1", "ok-2");
    PAssert.that(
            parsed
                .get(ValidateClickEvents.DEAD_LETTERS)
                .apply(
                    "Details",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (DeadLetter d) ->
                                d.getReason()
                                    + ": "
                                    + d.getDetail()
                                        .replaceAll(" ahead of the server clock .*", "")
                                        .replaceAll("\\(char.*", ""))))
        .containsInAnyOrder(
            "TIMESTAMP_IN_FUTURE: eventTime +1000000000-01-01T00:00:00Z is more than PT2M",
            "MALFORMED_JSON: content after the first JSON value at line 1, column 96 ");
    p.run().waitUntilFinish();

    // the whole pipeline, as `bin/clicktrends pipeline --input=...` runs it: it finishes instead of
    // failing
    Pipeline whole =
        ClicktrendsPipeline.build(
            ClicktrendsPipeline.parse(
                "--input=" + f,
                "--rabbitmqUri=none",
                "--archivePath=none",
                "--windowSize=1m",
                "--windowSlide=10s",
                "--runner=DirectRunner"));
    PipelineResult result = whole.run();
    assertThat(result.waitUntilFinish(), is(PipelineResult.State.DONE));
    assertThat(ComputeTrendsTest.counter(result, "deadletter_TIMESTAMP_IN_FUTURE"), is(1L));
    assertThat(ComputeTrendsTest.counter(result, "deadletter_MALFORMED_JSON"), is(1L));
  }

  /**
   * Out-of-range and malformed values on {@code --input}: every malformed field value of the fuzz
   * set, none an exception.
   */
  @Test
  public void fuzzedLinesNeverFailTheRun() throws Exception {
    long now = System.currentTimeMillis();
    List<String> lines = MalformedClicks.all(now);
    long valid = lines.stream().filter(l -> ClickEventJson.parse(l, now).isValid()).count();
    Path f = file(new byte[0], lines);
    PCollectionTuple parsed =
        p.apply(TextIO.read().from(f.toString())).apply(ParseClickLines.create());
    PCollectionTuple validated =
        parsed.get(ValidateClickEvents.VALID).apply(ValidateClickEvents.create());
    PAssert.thatSingleton(validated.get(ValidateClickEvents.VALID).apply(Count.globally()))
        .isEqualTo(valid);
    PAssert.thatSingleton(
            parsed.get(ValidateClickEvents.DEAD_LETTERS).apply("CountDead", Count.globally()))
        .isEqualTo(lines.size() - valid);
    PAssert.that(
            reasons(parsed)
                .apply("Internal", org.apache.beam.sdk.transforms.Filter.equal("INTERNAL_ERROR")))
        .empty();
    p.run().waitUntilFinish();
  }

  /**
   * Eight spellings of one search, through the JSON codec and the trend engine: one key, count 8.
   */
  @Test
  public void eightSpellingsOfRedShoesAreOneTrendKey() {
    String[] typed = {
      "red shoes",
      " RED\\u00a0\\u00a0SHOES ",
      "\\uff32\\uff45\\uff44\\u3000\\uff33\\uff28\\uff2f\\uff25\\uff33",
      "red\\tshoes\\n",
      "red\\u2028shoes",
      "red\\u0085shoes",
      "red\\u1680shoes",
      "red shoes\\u2028"
    };
    long t = Instant.parse("2014-04-01T10:00:05Z").toEpochMilli();
    List<ClickEvent> events = new ArrayList<>();
    for (int i = 0; i < typed.length; i++) {
      // the escapes are JSON's: each string reaches the engine exactly as a tracker would send it
      events.add(ClickEventJson.parse(click("rs-" + i, t, typed[i]), t).event());
    }
    PCollection<String> trends =
        trends(
            p.apply(Create.of(events).withCoder(AvroCoder.of(ClickEvent.class))),
            "--windowSize=1m",
            "--windowSlide=10s",
            "--dimensions=search");
    List<String> expected = new ArrayList<>();
    for (long s = t - 55_000; s <= t - 5_000; s += 10_000) {
      expected.add(window(s) + " ON_TIME#0 total=8 [red shoes=8]");
    }
    PAssert.that(trends).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  /**
   * Invalid Unicode on every path: a {@code \uD800} JSON escape (ParseClickLines) and an Avro body
   * whose bytes are not UTF-8 (FlumeIO's decoding leaves U+FFFD): each a dead letter, never a key
   * like "?abc". (An in-memory ClickEvent holding an unpaired surrogate is turned into "?" by
   * AvroCoder before any step sees it, so that case is covered by ClickEventRules' own test only.)
   */
  @Test
  public void invalidUnicodeIsDeadLetteredOnEveryPath() throws Exception {
    long now = System.currentTimeMillis();
    Path f =
        file(new byte[0], List.of(click("escape", now, "\\uD800abc"), click("fine", now, "abc")));
    PCollectionTuple parsed =
        p.apply(TextIO.read().from(f.toString())).apply(ParseClickLines.create());

    ClickEvent good = ClickEventJson.parse(click("avro", now, "XXXabc"), now).event();
    byte[] avro = ClickEventAvro.encode(good);
    String latin = new String(avro, StandardCharsets.ISO_8859_1);
    byte[] corrupted =
        latin.replace("XXX", "\u00ed\u00a0\u0080").getBytes(StandardCharsets.ISO_8859_1);
    ClickEvent fromAvro = ClickEventAvro.decode(corrupted);

    PCollection<ClickEvent> all =
        org.apache.beam.sdk.values.PCollectionList.of(parsed.get(ValidateClickEvents.VALID))
            .and(p.apply("Others", Create.of(fromAvro).withCoder(AvroCoder.of(ClickEvent.class))))
            .apply(org.apache.beam.sdk.transforms.Flatten.pCollections());
    PCollectionTuple validated = all.apply(ValidateClickEvents.create());
    PAssert.that(
            validated
                .get(ValidateClickEvents.VALID)
                .apply(
                    "IdsAndQueries",
                    MapElements.into(TypeDescriptors.strings())
                        .via((ClickEvent e) -> e.getEventId() + " " + e.getQuery())))
        .containsInAnyOrder("fine abc");
    PAssert.that(
            org.apache.beam.sdk.values.PCollectionList.of(
                    parsed.get(ValidateClickEvents.DEAD_LETTERS))
                .and(validated.get(ValidateClickEvents.DEAD_LETTERS))
                .apply("AllDead", org.apache.beam.sdk.transforms.Flatten.pCollections())
                .apply(
                    "DeadReasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via((DeadLetter d) -> d.getReason())))
        .containsInAnyOrder("INVALID_UNICODE", "INVALID_UNICODE");
    p.run().waitUntilFinish();
    assertThat(fromAvro.getQuery(), containsString("\uFFFD"));
  }
}
