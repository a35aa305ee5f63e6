package io.clicktrends.schema;

import java.time.Instant;

/**
 * The YOOCHOOSE clicks format (RecSys Challenge 2015), an input format like the JSON form:
 * tab-separated {@code SessionId, ItemId, Time} with Time in epoch seconds and a fraction; one
 * product view per row.
 *
 * <p>Example: {@code 3\t214716935\t1396437466.94} is a product_view of product 214716935 in session
 * 3 at 2014-04-02T11:17:46.940Z, eventId {@code yc-3-214716935-1396437466940}.
 */
public final class YoochooseRow {
  /** The first column's name in the file's header line. */
  public static final String HEADER_START = "SessionId";

  private YoochooseRow() {}

  /**
   * Parses one row into a product_view event, or returns null for the header line.
   *
   * @throws IllegalArgumentException (NumberFormatException for a bad time) when the row is not in
   *     this format
   */
  public static ClickEvent parse(String line, long rowNumber) {
    if (line.startsWith(HEADER_START)) {
      return null;
    }
    String[] f = line.split("\t");
    if (f.length < 3) {
      throw new IllegalArgumentException(
          "row " + rowNumber + " has " + f.length + " columns, expected 3: " + line);
    }
    long millis = Math.round(Double.parseDouble(f[2]) * 1000.0);
    Instant t = Instant.ofEpochMilli(millis);
    return ClickEvent.newBuilder()
        .setEventId("yc-" + f[0] + "-" + f[1] + "-" + millis)
        .setEventTime(t)
        .setType(EventType.product_view)
        .setSessionId(f[0])
        .setProductId(f[1])
        .setIngestTime(t)
        .build();
  }
}
