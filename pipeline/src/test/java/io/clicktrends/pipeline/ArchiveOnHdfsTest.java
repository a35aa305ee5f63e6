package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import io.clicktrends.testdata.ClickstreamGenerator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The archive on a real HDFS (MiniDFSCluster): every valid event once, in its hour's partition, dead letters beside. */
public class ArchiveOnHdfsTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private MiniDFSCluster cluster;
  private Configuration conf;

  @Before
  public void startHdfs() throws Exception {
    conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.newFolder("hdfs").getAbsolutePath());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
  }

  @After
  public void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  public void everyValidEventLandsOnceInItsHourAndDeadLettersBesideIt() throws Exception {
    List<ClickEvent> valid = new ClickstreamGenerator().seed(7).events(600).span(3 * 3600_000L).generate();
    List<ClickEvent> input = new ArrayList<>(valid);
    ClickEvent tooOld = ClickEvent.newBuilder(valid.get(0)).setEventId("bad-1")
        .setEventTime(java.time.Instant.parse("1999-01-01T00:00:00Z")).build();
    ClickEvent unknown = ClickEvent.newBuilder(valid.get(1)).setEventId("bad-2").setType(EventType.UNKNOWN).build();
    input.add(tooOld);
    input.add(unknown);

    String base = "hdfs://localhost:" + cluster.getNameNodePort() + "/clicktrends/archive";
    p.getOptions().as(HadoopFileSystemOptions.class).setHdfsConfiguration(List.of(cluster.getConfiguration(0)));
    WriteArchive archive = WriteArchive.to(base);
    PCollectionTuple validated = p.apply(Create.of(input).withCoder(AvroCoder.of(ClickEvent.class)))
        .apply(ValidateClickEvents.create());
    validated.get(ValidateClickEvents.VALID).apply(archive);
    validated.get(ValidateClickEvents.DEAD_LETTERS).apply(archive.deadLetters());
    p.run().waitUntilFinish();

    FileSystem fs = cluster.getFileSystem();
    Set<String> archivedIds = new HashSet<>();
    List<String> strays = new ArrayList<>();
    List<String> deadLetterLines = new ArrayList<>();
    int files = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path("/clicktrends/archive"), true);
    while (it.hasNext()) {
      Path path = it.next().getPath();
      String rel = path.toUri().getPath().substring("/clicktrends/archive/".length());
      if (rel.startsWith("_deadletter/") && rel.endsWith(".json")) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
          r.lines().forEach(deadLetterLines::add);
        }
        continue;
      }
      if (!rel.endsWith(".avro")) {
        strays.add(rel); // a temporary or half-written file left under the archive
        continue;
      }
      files++;
      try (DataFileStream<ClickEvent> in = new DataFileStream<>(fs.open(path), new SpecificDatumReader<>(ClickEvent.class))) {
        assertEquals("deflate", in.getMetaString("avro.codec"));
        for (ClickEvent e : in) {
          assertEquals("partition of " + e.getEventId(), WriteArchive.partition(e.getEventTime()),
              rel.substring(0, rel.lastIndexOf('/')));
          assertEquals("archived once: " + e.getEventId(), true, archivedIds.add(e.getEventId()));
        }
      }
    }
    Set<String> expectedIds = new HashSet<>();
    valid.forEach(e -> expectedIds.add(e.getEventId()));
    assertEquals(expectedIds, archivedIds);
    assertThat("3 hours of events span at least 3 hourly partitions", files, greaterThan(2));
    assertThat(strays, empty());
    assertEquals(2, deadLetterLines.size());
    assertThat(String.join("\n", deadLetterLines), org.hamcrest.Matchers.allOf(
        org.hamcrest.Matchers.containsString("\"reason\":\"TIMESTAMP_TOO_OLD\""),
        org.hamcrest.Matchers.containsString("\"reason\":\"UNKNOWN_TYPE\"")));
  }
}
