package io.clicktrends.pipeline.archive;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.hadoop.conf.Configuration;

/**
 * Appends each element to its directory's current file in this JVM's {@link RollingWriter} and, at
 * {@code @FinishBundle}, makes the bundle's files durable: the bundle commits (and FlumeIO acks
 * Flume, after the checkpoint is finalized) only once its events are on disk. No shuffle, no state:
 * the cost per element is one Avro append, whatever is already in the file.
 *
 * <p>A bundle that fails after some appends is retried by the runner and appends those elements
 * again: the archive is at least once, and {@code eventId} identifies the duplicates.
 */
final class WriteRollingFilesFn<T> extends DoFn<T, Void> {
  private static final long serialVersionUID = 1L;

  private final ArchiveSettings settings;
  private final String prefix;
  private final FileFormat<T> format;
  private final SerializableFunction<T, String> directoryOf;
  private transient RollingWriter<T> writer;
  private transient Set<RollingFile<T>> bundleFiles;

  WriteRollingFilesFn(
      ArchiveSettings settings,
      String prefix,
      FileFormat<T> format,
      SerializableFunction<T, String> directoryOf) {
    this.settings = settings;
    this.prefix = prefix;
    this.format = format;
    this.directoryOf = directoryOf;
  }

  @StartBundle
  public void startBundle(StartBundleContext c) {
    // Looked up per bundle (a map lookup), not kept from @Setup: the writer outlives instances, and
    // a test or a
    // bounded run may have closed it (RollingWriters.closeAll) while this instance stayed cached.
    writer =
        RollingWriters.get(
            settings, prefix, format, directoryOf, hadoopConfiguration(c.getPipelineOptions()));
    bundleFiles = new HashSet<>();
  }

  @ProcessElement
  public void process(@Element T element) {
    bundleFiles.add(writer.append(element));
  }

  @FinishBundle
  public void finishBundle() {
    writer.sync(bundleFiles);
    bundleFiles = null;
    writer.rollDue(); // a busy stream rolls at bundle boundaries; the daemon covers idle files
  }

  /**
   * Rolls only what is due: the files belong to the JVM, not to this instance (the SparkRunner
   * tears instances down after every micro-batch task), so rolling everything here would publish a
   * file per micro-batch.
   */
  @Teardown
  public void teardown() {
    if (writer != null) {
      writer.rollDue();
    }
  }

  private static Configuration hadoopConfiguration(PipelineOptions options) {
    List<Configuration> confs = options.as(HadoopFileSystemOptions.class).getHdfsConfiguration();
    return confs == null || confs.isEmpty() ? new Configuration() : new Configuration(confs.get(0));
  }
}
