package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.Test;

/** The broker message as the fan-out reads it (TrendJson.fromJsonWithItemFields). */
public class TrendMessageTest {
  private static final String TOP =
      "{\"dimension\":\"search\",\"windowStart\":\"2014-04-01T10:00:00Z\","
          + "\"windowEnd\":\"2014-04-01T10:10:00Z\",\"total\":3,"
          + "\"items\":[{\"key\":\"a\",\"count\":2},{\"key\":\"b\",\"count\":1}],"
          + "\"timing\":\"ON_TIME\",\"paneIndex\":0,\"emittedAt\":\"2014-04-01T10:10:05Z\"}";

  private static String refusal(String json) {
    return assertThrows(IllegalArgumentException.class, () -> TrendMessage.parse(json))
        .getMessage();
  }

  @Test
  public void aRisingTrendKeepsItsItemsPreviousAndScore() {
    String json =
        TrendFixtures.risingJson(
            "search", Instant.parse("2014-04-01T10:10:00Z"), "boots", 40L, 3L, "scarf", 9L, 2L);
    TrendMessage m = TrendMessage.parse(json);
    assertThat(m.kind(), equalTo(TrendMessage.RISING));
    JsonNode items = m.toNode(Labels.NONE, 0).get("items");
    assertThat(items.get(0).get("previous").asLong(), equalTo(3L));
    assertThat(items.get(1).get("previous").asLong(), equalTo(2L));
    assertThat(items.get(0).get("score").asDouble(), equalTo(37 / Math.sqrt(43)));
  }

  @Test
  public void aTrendWithoutKindIsATopTrendAndItemFieldsSentWithOneAreForwarded() {
    TrendMessage m = TrendMessage.parse(TOP);
    assertThat(m.kind(), equalTo(TrendMessage.TOP));
    assertThat(m.toNode(Labels.NONE, 0).get("items").get(0).has("previous"), equalTo(false));
    TrendMessage withFields =
        TrendMessage.parse(
            TOP.replace("\"count\":1}", "\"count\":1,\"previous\":5,\"score\":0.5}"));
    JsonNode b = withFields.toNode(Labels.NONE, 0).get("items").get(1);
    assertThat(b.get("previous").asLong(), equalTo(5L));
    assertThat(b.get("score").asDouble(), equalTo(0.5));
  }

  @Test
  public void badMessagesAreRefusedNamingTheProblem() {
    assertThat(refusal("{").startsWith("trend is not valid JSON"), equalTo(true));
    assertThat(refusal("[1]"), equalTo("trend must be a JSON object"));
    assertThat(
        refusal(TOP.replace("\"timing\"", "\"kind\":\"falling\",\"timing\"")),
        equalTo("trend field kind must be \"top\" or \"rising\", not \"falling\""));
    assertThat(
        refusal(TOP.replace("\"timing\"", "\"kind\":\"rising\",\"timing\"")),
        equalTo("trend field previous is missing"));
    assertThat(
        refusal(TOP.replace("\"count\":1}", "\"count\":1,\"previous\":1.5}")),
        equalTo("trend item field previous must be an integer"));
    assertThat(
        refusal(TOP.replace("\"count\":1}", "\"count\":1,\"score\":\"high\"}")),
        equalTo("trend item field score must be a number"));
  }
}
