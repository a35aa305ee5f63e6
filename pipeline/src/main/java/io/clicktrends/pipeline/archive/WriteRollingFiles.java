package io.clicktrends.pipeline.archive;

import java.util.Objects;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes a stream of records into rolling files without a shuffle: one {@link WriteRollingFilesFn}
 * step whose per-JVM {@link RollingWriter} keeps one open file per directory and roll period,
 * durable at the end of every bundle, published (renamed from {@code _inprogress/}) when the period
 * ends. See {@link RollingWriters} for the lifecycle.
 *
 * @param <T> the record type; {@code format} lays it out, {@code directoryOf} picks its directory
 *     under the base path
 */
public final class WriteRollingFiles<T> extends PTransform<PCollection<T>, PDone> {
  private static final long serialVersionUID = 1L;
  private final ArchiveSettings settings;
  private final String prefix;
  private final FileFormat<T> format;
  private final SerializableFunction<T, String> directoryOf;

  private WriteRollingFiles(
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf) {
    this.settings = settings;
    this.prefix = prefix;
    this.format = format;
    this.directoryOf = directoryOf;
  }

  /**
   * @param prefix the file name prefix ({@code events} gives {@code
   *     events-<writerId>-<periodStart>.avro})
   * @param directoryOf a record's directory relative to the base path, e.g. {@code
   *     year=2014/month=04/day=01/hour=10}
   */
  public static <T> WriteRollingFiles<T> of(
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf) {
    return new WriteRollingFiles<>(settings, prefix, format, directoryOf);
  }

  @Override
  public PDone expand(PCollection<T> input) {
    Objects.requireNonNull(settings, "settings");
    settings.validate();
    if (prefix == null || !prefix.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException(
          "rolling file prefix must be letters, digits or '_', got " + prefix);
    }
    input.apply(
        "AppendAndSync",
        ParDo.of(new WriteRollingFilesFn<>(settings, prefix, format, directoryOf)));
    return PDone.in(input.getPipeline());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("basePath", settings.basePath()))
        .add(DisplayData.item("prefix", prefix))
        .add(DisplayData.item("extension", format.extension()))
        .add(DisplayData.item("rollInterval", settings.rollInterval()))
        .add(DisplayData.item("orphanAge", settings.effectiveOrphanAge()));
  }
}
