package io.clicktrends.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A restart from a Spark checkpoint with changed trend options is refused, naming them. */
public class CheckpointedSettingsTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static Map<String, String> settings(String windowSize, String topK) {
    return new LinkedHashMap<>(
        CheckpointedSettings.settings(
            ClicktrendsPipeline.parse("--windowSize=" + windowSize, "--topK=" + topK)));
  }

  /** What Spark leaves once it has checkpointed a batch: the run would be resumed. */
  private static void sparkCheckpointed(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("spark-checkpoint"));
    Files.writeString(dir.resolve("spark-checkpoint").resolve("checkpoint-1796000000000"), "x");
  }

  @Test
  public void aResumedCheckpointWithOtherSettingsIsRefusedNamingEachOption() throws Exception {
    Path dir = tmp.newFolder("checkpoint").toPath();
    CheckpointedSettings.verifyOrRecord(dir.toString(), settings("10m", "10"));
    assertTrue(Files.exists(dir.resolve(CheckpointedSettings.FILE)));
    sparkCheckpointed(dir);
    CheckpointedSettings.verifyOrRecord(dir.toString(), settings("10m", "10")); // same: resumes
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointedSettings.verifyOrRecord(dir.toString(), settings("5m", "20")));
    assertThat(e.getMessage(), containsString("--windowSize=10m (now 5m)"));
    assertThat(e.getMessage(), containsString("--topK=10 (now 20)"));
    assertThat(e.getMessage(), containsString("--checkpointDir=" + dir));
  }

  @Test
  public void withoutASparkCheckpointTheNewSettingsAreRecorded() throws Exception {
    Path dir = tmp.newFolder("checkpoint").toPath();
    CheckpointedSettings.verifyOrRecord(dir.toString(), settings("10m", "10"));
    // Spark never checkpointed (the first start failed early): nothing to resume, nothing refused
    CheckpointedSettings.verifyOrRecord(dir.toString(), settings("5m", "10"));
    sparkCheckpointed(dir);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointedSettings.verifyOrRecord(dir.toString(), settings("10m", "10")));
    assertThat(e.getMessage(), containsString("--windowSize=5m (now 10m)"));
  }
}
