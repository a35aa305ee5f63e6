package io.clicktrends.pipeline;

import io.clicktrends.pipeline.archive.RollingWriters;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The archive in a local directory, bounded and streaming: see {@link ArchiveRoundTrip} for what is
 * checked.
 */
public class ArchiveLocalTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  @Rule
  public final transient org.apache.beam.sdk.testing.TestPipeline p =
      org.apache.beam.sdk.testing.TestPipeline.create();

  @After
  public void closeWriters() {
    RollingWriters.closeAll();
  }

  private static FileSystem local() throws Exception {
    RawLocalFileSystem fs = new RawLocalFileSystem();
    fs.initialize(URI.create("file:///"), new Configuration());
    return fs;
  }

  @Test
  public void boundedRunArchivesEveryValidEvent() throws Exception {
    ArchiveRoundTrip.run(p, local(), tmp.newFolder("archive").getAbsolutePath(), false);
  }

  @Test
  public void streamingRunArchivesEveryValidEvent() throws Exception {
    ArchiveRoundTrip.run(p, local(), tmp.newFolder("archive").getAbsolutePath(), true);
  }
}
