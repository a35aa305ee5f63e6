package io.clicktrends.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import io.clicktrends.pipeline.archive.ArchiveContents;
import io.clicktrends.pipeline.archive.RollingWriters;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.testdata.ClickstreamGenerator;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The archive on a real HDFS (MiniDFSCluster), bounded and streaming: every valid event by eventId
 * in its hour's partition, readable (hsync'd) before the roll, only final names after it, dead
 * letters beside. See {@link ArchiveRoundTrip}.
 */
public class ArchiveOnHdfsTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private MiniDFSCluster cluster;

  @Before
  public void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.newFolder("hdfs").getAbsolutePath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    p.getOptions()
        .as(HadoopFileSystemOptions.class)
        .setHdfsConfiguration(List.of(cluster.getConfiguration(0)));
  }

  @After
  public void stopHdfs() {
    RollingWriters.closeAll();
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private String base() {
    return "hdfs://localhost:" + cluster.getNameNodePort() + "/clicktrends/archive";
  }

  @Test
  public void boundedRunArchivesEveryValidEvent() throws Exception {
    ArchiveRoundTrip.run(p, cluster.getFileSystem(), base(), false);
  }

  @Test
  public void streamingRunArchivesEveryValidEvent() throws Exception {
    ArchiveRoundTrip.run(p, cluster.getFileSystem(), base(), true);
  }

  /**
   * A writer that hsync'd two bundles and then stopped without closing (its HDFS lease still held):
   * a live writer takes the lease over and publishes both bundles under the orphan's final name.
   */
  @Test
  public void anUnclosedFileOfAStoppedWriterIsRecovered() throws Exception {
    List<ClickEvent> events =
        new ClickstreamGenerator()
            .seed(3).events(100).span(60_000L).generate().stream()
                .map(
                    e ->
                        ClickEvent.newBuilder(e)
                            .setEventTime(java.time.Instant.parse("2014-04-01T10:15:00Z"))
                            .build())
                .toList();
    String name = "events-stopped-20140401T100000.000Z.avro";
    Path orphan =
        new Path("/clicktrends/archive/_inprogress/year=2014/month=04/day=01/hour=10/" + name);
    FileSystem stoppedClient =
        FileSystem.newInstance(cluster.getURI(), cluster.getConfiguration(0));
    FSDataOutputStream out = stoppedClient.create(orphan);
    DataFileWriter<ClickEvent> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(ClickEvent.class));
    writer.create(ClickEvent.getClassSchema(), out);
    for (List<ClickEvent> bundle : List.of(events.subList(0, 50), events.subList(50, 100))) {
      for (ClickEvent e : bundle) {
        writer.append(e);
      }
      writer.flush();
      out.hsync();
    }
    // never closed: the writer stopped here

    // A live pipeline's writer scans for orphans every roll interval; this one is old after 300 ms.
    p.apply(Create.of(events.get(0)).withCoder(AvroCoder.of(ClickEvent.class)))
        .apply(
            WriteArchive.to(base())
                .withRollInterval(Duration.millis(100))
                .withOrphanAge(Duration.millis(300)));
    p.run().waitUntilFinish();

    FileSystem fs = cluster.getFileSystem();
    Path published = new Path("/clicktrends/archive/year=2014/month=04/day=01/hour=10/" + name);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (!fs.exists(published) && System.nanoTime() < deadline) {
      Thread.sleep(100); // polling the outcome of a background task, with a deadline
    }
    assertEquals(events, ArchiveContents.readAvro(fs, published));
    assertFalse("the orphan is gone from _inprogress", fs.exists(orphan));
    stoppedClient.close();
  }
}
