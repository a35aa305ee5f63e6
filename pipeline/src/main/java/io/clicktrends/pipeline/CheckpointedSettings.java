package io.clicktrends.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a restart from a SparkRunner checkpoint from silently ignoring changed trend options.
 *
 * <p>On a restart the SparkRunner resumes the pipeline stored in {@code --checkpointDir} as it was
 * built (Spark Streaming's {@code getOrCreate}: the new pipeline is never translated), with its
 * windows' state. A new {@code --windowSize} or {@code --topK} would be ignored without a word. So
 * the first start records the trend settings in {@value #FILE} in the checkpoint directory, and a
 * start that would resume a checkpoint (Spark's {@code spark-checkpoint/checkpoint-*} files exist)
 * with other settings is refused, naming each option, its checkpointed value and the new one.
 */
final class CheckpointedSettings {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointedSettings.class);

  /**
   * The record of the settings, beside Beam's {@code spark-checkpoint} and {@code beam-checkpoint}.
   */
  static final String FILE = "clicktrends-settings.properties";

  private CheckpointedSettings() {}

  /**
   * For the SparkRunner with a {@code --checkpointDir}: checks the options against the settings
   * recorded there, or records them; otherwise does nothing.
   *
   * @throws IllegalArgumentException naming each option that differs from the checkpoint's
   * @throws UncheckedIOException when the checkpoint directory cannot be read or written
   */
  static void verifyOrRecord(ClicktrendsOptions options) {
    if (!options.getRunner().getSimpleName().contains("Spark")) {
      return;
    }
    String dir = checkpointDir(options);
    if (dir != null) {
      verifyOrRecord(dir, settings(options));
    }
  }

  /**
   * The options that decide what the trend state means, as {@code --name=value} would give them.
   */
  static Map<String, String> settings(ClicktrendsOptions options) {
    TrendConfig c = TrendConfig.from(options);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("windowSize", Durations.format(c.windowSize()));
    s.put("windowSlide", Durations.format(c.windowSlide()));
    s.put("allowedLateness", Durations.format(c.allowedLateness()));
    s.put("topK", Integer.toString(c.topK()));
    s.put(
        "dimensions",
        c.dimensions().stream().map(Dimension::name).collect(Collectors.joining(",")));
    s.put("rising", Boolean.toString(c.rising()));
    if (c.rising()) {
      s.put("risingMinCount", Integer.toString(c.risingMinCount()));
    }
    s.put("engine", options.getEngine().name());
    s.put("rankingShards", Integer.toString(options.getRankingShards()));
    return s;
  }

  /**
   * Checks {@code settings} against those recorded in {@code dir} when a Spark checkpoint there
   * would be resumed, else records them.
   */
  static void verifyOrRecord(String dir, Map<String, String> settings) {
    Path root = new Path(dir);
    Path file = new Path(root, FILE);
    try (FileSystem fs = FileSystem.newInstance(root.toUri(), new Configuration())) {
      if (resumes(fs, new Path(root, "spark-checkpoint")) && fs.exists(file)) {
        Properties saved = new Properties();
        try (InputStream in = fs.open(file)) {
          saved.load(in);
        }
        List<String> changed = new ArrayList<>();
        settings.forEach(
            (option, now) -> {
              String then = saved.getProperty(option);
              if (then != null && !then.equals(now)) {
                changed.add("--" + option + "=" + then + " (now " + now + ")");
              }
            });
        if (!changed.isEmpty()) {
          throw new IllegalArgumentException(
              "--checkpointDir="
                  + dir
                  + " holds a pipeline started with "
                  + String.join(", ", changed)
                  + ". The SparkRunner resumes a checkpointed pipeline as it was started and would"
                  + " ignore the new values: start with the checkpointed ones, or with a new"
                  + " --checkpointDir (the old one's windows are then not resumed)");
        }
        return;
      }
      Properties record = new Properties();
      record.putAll(settings);
      fs.mkdirs(root);
      try (OutputStream out = fs.create(file, true)) {
        record.store(out, "the trend settings this checkpoint was started with");
      }
      LOG.info("recorded the trend settings in {}", file);
    } catch (IOException e) {
      throw new UncheckedIOException("--checkpointDir=" + dir + ": " + e.getMessage(), e);
    }
  }

  /** Whether Spark will resume from this directory: it holds Spark's checkpoint files. */
  private static boolean resumes(FileSystem fs, Path sparkDir) throws IOException {
    if (!fs.exists(sparkDir)) {
      return false;
    }
    for (FileStatus f : fs.listStatus(sparkDir)) {
      if (f.getPath().getName().startsWith("checkpoint-")) {
        return true;
      }
    }
    return false;
  }

  /** {@code --checkpointDir} when the runner's options define it and it was given, else null. */
  private static String checkpointDir(ClicktrendsOptions options) {
    JsonNode dir = new ObjectMapper().valueToTree(options).path("options").path("checkpointDir");
    return dir.isTextual() ? dir.asText() : null;
  }
}
