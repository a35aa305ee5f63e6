package io.clicktrends.fanout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests (the Java client writes
 * this format but has no reader). Refuses what a Prometheus server would refuse, and a little more:
 * a sample of a family without a {@code # TYPE}, a family declared twice, a sample name that does
 * not belong to its family's type (e.g. a {@code _bucket} outside a histogram), bad label syntax, a
 * value that is not a float, histogram buckets that are not cumulative or whose {@code +Inf} bucket
 * differs from {@code _count}.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  record Family(String name, String type, String help, List<Sample> samples) {}

  final Map<String, Family> families = new LinkedHashMap<>();

  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    Map<String, String> help = new HashMap<>();
    Family current = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] p = line.split(" ", 4);
        if (p.length >= 3 && p[1].equals("HELP")) {
          name(p[2], lineNo);
          help.put(p[2], p.length == 4 ? p[3] : "");
        } else if (p.length == 4 && p[1].equals("TYPE")) {
          name(p[2], lineNo);
          if (!Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(p[3])) {
            throw new IllegalArgumentException("line " + lineNo + ": unknown type " + p[3]);
          }
          if (out.families.containsKey(p[2])) {
            throw new IllegalArgumentException(
                "line " + lineNo + ": family " + p[2] + " declared twice");
          }
          current = new Family(p[2], p[3], help.get(p[2]), new ArrayList<>());
          out.families.put(p[2], current);
        }
        continue;
      }
      Matcher n = NAME.matcher(line);
      if (!n.lookingAt()) {
        throw new IllegalArgumentException("line " + lineNo + ": no metric name: " + line);
      }
      String name = n.group();
      int i = n.end();
      Map<String, String> labels = new TreeMap<>();
      if (i < line.length() && line.charAt(i) == '{') {
        int close = line.indexOf('}', i);
        // label values may hold '}', so match label by label
        i++;
        while (line.charAt(i) != '}') {
          Matcher l = LABEL.matcher(line).region(i, line.length());
          if (!l.lookingAt()) {
            throw new IllegalArgumentException(
                "line " + lineNo + ": bad label at column " + i + ": " + line);
          }
          labels.put(
              l.group(1),
              l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
          i = l.end();
          if (line.charAt(i) == ',') {
            i++;
          }
        }
        i++;
        if (close < 0) {
          throw new IllegalArgumentException("line " + lineNo + ": unclosed labels");
        }
      }
      if (i >= line.length() || line.charAt(i) != ' ') {
        throw new IllegalArgumentException("line " + lineNo + ": no value: " + line);
      }
      String[] rest = line.substring(i + 1).split(" ");
      if (rest.length > 2) {
        throw new IllegalArgumentException("line " + lineNo + ": trailing text: " + line);
      }
      double value = value(rest[0], lineNo);
      if (rest.length == 2) {
        Long.parseLong(rest[1]); // a timestamp
      }
      if (current == null || !belongs(name, current)) {
        throw new IllegalArgumentException(
            "line " + lineNo + ": sample " + name + " outside a family with a TYPE");
      }
      current.samples().add(new Sample(name, labels, value));
    }
    out.families.values().forEach(PrometheusText::checkHistogram);
    return out;
  }

  private static void name(String name, int lineNo) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("line " + lineNo + ": bad metric name " + name);
    }
  }

  private static double value(String s, int lineNo) {
    switch (s) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + lineNo + ": bad value " + s);
        }
    }
  }

  private static boolean belongs(String sample, Family f) {
    String base = f.name();
    return switch (f.type()) {
      case "counter" ->
          sample.equals(base) || sample.equals(base + "_total") || sample.equals(base + "_created");
      case "histogram" ->
          sample.equals(base + "_bucket")
              || sample.equals(base + "_sum")
              || sample.equals(base + "_count")
              || sample.equals(base + "_created");
      case "summary" ->
          sample.equals(base)
              || sample.equals(base + "_sum")
              || sample.equals(base + "_count")
              || sample.equals(base + "_created");
      default -> sample.equals(base);
    };
  }

  private static void checkHistogram(Family f) {
    if (!f.type().equals("histogram")) {
      return;
    }
    Map<Map<String, String>, List<Sample>> bySeries = new HashMap<>();
    for (Sample s : f.samples()) {
      if (s.name().endsWith("_bucket")) {
        Map<String, String> series = new TreeMap<>(s.labels());
        if (series.remove("le") == null) {
          throw new IllegalArgumentException(f.name() + ": a bucket without le");
        }
        bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
      }
    }
    bySeries.forEach(
        (series, buckets) -> {
          double lastLe = Double.NEGATIVE_INFINITY;
          double lastCount = 0;
          for (Sample b : buckets) {
            double le = value(b.labels().get("le"), 0);
            if (le <= lastLe || b.value() < lastCount) {
              throw new IllegalArgumentException(
                  f.name() + series + ": buckets not cumulative in order");
            }
            lastLe = le;
            lastCount = b.value();
          }
          if (lastLe != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(f.name() + series + ": no +Inf bucket");
          }
          Double count =
              f.samples().stream()
                  .filter(s -> s.name().equals(f.name() + "_count") && s.labels().equals(series))
                  .map(Sample::value)
                  .findFirst()
                  .orElse(null);
          if (count == null || count != lastCount) {
            throw new IllegalArgumentException(
                f.name() + series + ": _count " + count + " differs from +Inf " + lastCount);
          }
        });
  }

  Family family(String name) {
    Family f = families.get(name);
    if (f == null) {
      throw new AssertionError("no metric family " + name + " in " + families.keySet());
    }
    return f;
  }

  /** The value of the sample {@code name} with exactly {@code labels} (alternating name, value). */
  double value(String family, String sample, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return family(family).samples().stream()
        .filter(s -> s.name().equals(sample) && s.labels().equals(want))
        .map(Sample::value)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no sample " + sample + want + " in " + family(family).samples()));
  }
}
