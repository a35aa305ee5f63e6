package io.clicktrends.pipeline;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.joda.time.Duration;
import org.joda.time.format.ISOPeriodFormat;

/**
 * Parses the durations options accept: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, {@code
 * 2d} or ISO-8601 ({@code PT10M}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(-?\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * @param option the option's name, for the error message
   * @throws IllegalArgumentException naming the option and the value when it cannot be parsed
   */
  public static Duration parse(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "--" + option + " is empty; expected a duration like 90s, 10m, 1h or PT10M");
    }
    String t = text.trim();
    Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "ms":
            return Duration.millis(n);
          case "s":
            return Duration.standardSeconds(n);
          case "m":
            return Duration.standardMinutes(n);
          case "h":
            return Duration.standardHours(n);
          default:
            return Duration.standardDays(n);
        }
      }
      if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
        return ISOPeriodFormat.standard()
            .parsePeriod(t.toUpperCase(Locale.ROOT))
            .toStandardDuration();
      }
    } catch (IllegalArgumentException | UnsupportedOperationException | ArithmeticException e) {
      // fall through to the uniform message below
    }
    throw new IllegalArgumentException(
        "--" + option + "=" + text + " is not a duration; expected e.g. 90s, 10m, 1h or PT10M");
  }

  /** The short form used in logs and help: {@code 10m}, {@code 90s}, {@code 1500ms}. */
  public static String format(Duration d) {
    long ms = d.getMillis();
    if (ms % 3_600_000 == 0 && ms != 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms != 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
