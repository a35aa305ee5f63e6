package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.clicktrends.schema.ClickEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;

/**
 * The access-log source of a real agent (the shipped configuration, TAILDIR's {@code idleTimeout}
 * shortened to 1 s) with lines written the way web servers sometimes write them: in two parts with
 * a pause between, or left without a newline when the file is rotated.
 */
public class AccessLogTailTest {
  private static final int IDLE_TIMEOUT_MILLIS = 1_000;

  /**
   * Stock TAILDIR looks for idle files every 5 s: a pause longer than both lets it send a cut line.
   */
  private static final int STOCK_IDLE_CHECK_MILLIS = 5_000;

  private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0";

  @ClassRule
  public static final TestAgent AGENT =
      new TestAgent(
          120,
          Map.of(
              "clicktrends.sources.accesslog.idleTimeout",
              Integer.toString(IDLE_TIMEOUT_MILLIS),
              "clicktrends.sources.accesslog.writePosInterval",
              "200"));

  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static String line(String product, String time) {
    return "203.0.113.7 - - ["
        + time
        + " +0000] \"GET /product/"
        + product
        + " HTTP/1.1\" 200 5120 "
        + "\"https://shop.example/\" \""
        + UA
        + "\"";
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The committed read position of {@code file} in the source's position file, if listed yet. */
  private static OptionalLong position(Path file) {
    Path positions = AGENT.agent.dataDir().resolve("accesslog/taildir_position.json");
    try {
      String json = Files.exists(positions) ? Files.readString(positions) : "";
      if (json.isBlank()) {
        return OptionalLong.empty();
      }
      for (JsonNode n : TestAgent.JSON.readTree(json)) {
        if (n.get("file").asText().equals(file.toAbsolutePath().toString())) {
          return OptionalLong.of(n.get("pos").asLong());
        }
      }
    } catch (IOException e) {
      // being rewritten: not listed yet
    }
    return OptionalLong.empty();
  }

  private PCollection<String> readViews(int atMost, int seconds) {
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(AGENT.agent.sparkSinkAddress())
                .withMaxNumRecords(atMost)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(seconds)));
    return events.apply(
        MapElements.into(TypeDescriptors.strings())
            .via(
                e ->
                    e.getType()
                        + " "
                        + e.getProductId()
                        + " "
                        + e.getEventTime()
                        + " ua="
                        + e.getUserAgent()
                        + " session="
                        + e.getSessionId()));
  }

  @Test
  public void aLineWrittenInTwoPartsAcrossTheIdleTimeoutIsOneCompleteView() throws Exception {
    Path log = AGENT.logDir.resolve("access-split.log");
    String whole = line("AB+12", "02/Apr/2024:11:17:46");
    int cut =
        whole.indexOf(
            " \"https://"); // the first part ends after the byte count, before referrer and agent
    int deadBefore = AGENT.deadLetters().size();

    append(log, whole.substring(0, cut));
    TestAgent.await(
        "the source to list " + log, Duration.ofSeconds(30), () -> position(log).isPresent());
    // The pause is the input under test: longer than idleTimeout and stock TAILDIR's idle check
    // together, so a source
    // that sends a cut line at idle time would have sent it by now.
    Thread.sleep(IDLE_TIMEOUT_MILLIS + STOCK_IDLE_CHECK_MILLIS + 1_000);
    assertThat(
        "the incomplete line is held: nothing past its start is committed",
        position(log).getAsLong(),
        equalTo(0L));
    append(log, whole.substring(cut) + "\n");

    String session = "ip-203.0.113.7-" + Integer.toHexString(UA.hashCode());
    PAssert.that(readViews(2, 10))
        .containsInAnyOrder(
            "product_view AB+12 2024-04-02T11:17:46Z ua=" + UA + " session=" + session);
    p.run().waitUntilFinish();
    TestAgent.await(
        "the whole line committed",
        Duration.ofSeconds(10),
        () -> position(log).orElse(-1) == whole.length() + 1);
    List<JsonNode> dead = AGENT.deadLetters();
    assertThat(
        "no dead letters: " + dead.subList(deadBefore, dead.size()),
        dead.size(),
        equalTo(deadBefore));
  }

  @Test
  public void anIncompleteLastLineIsSentWholeOnceTheFileIsRotated() throws Exception {
    Path log = AGENT.logDir.resolve("access-rotate.log");
    String first = line("sku-1", "02/Apr/2024:11:20:00");
    String last = line("sku-2", "02/Apr/2024:11:20:01"); // the server never wrote its newline
    append(log, first + "\n" + last);
    TestAgent.await(
        "the first line committed, the last held",
        Duration.ofSeconds(30),
        () -> position(log).orElse(-1) == first.length() + 1);
    List<String> expected =
        new ArrayList<>(
            List.of(
                "product_view sku-1 2024-04-02T11:20:00Z ua="
                    + UA
                    + " session=ip-203.0.113.7-"
                    + Integer.toHexString(UA.hashCode()),
                "product_view sku-2 2024-04-02T11:20:01Z ua="
                    + UA
                    + " session=ip-203.0.113.7-"
                    + Integer.toHexString(UA.hashCode())));
    // logrotate's default: rename; the file group (access.*\.log) no longer matches
    // access-rotate.log.1
    Files.move(log, log.resolveSibling("access-rotate.log.1"));
    PAssert.that(readViews(2, 30)).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }
}
