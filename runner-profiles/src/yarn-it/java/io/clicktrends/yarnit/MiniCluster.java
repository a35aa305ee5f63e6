package io.clicktrends.yarnit;

// YARN check harness for run.sh (not part of the build): MiniDFSCluster + MiniYARNCluster in one
// JVM.
//   java -cp <minicluster-pom.xml class path> io.clicktrends.yarnit.MiniCluster <confDir>
// <dfsBaseDir>
// MiniYARNCluster puts its node manager's directories under the system property test.build.data.
// Writes into confDir: core-site.xml and yarn-site.xml, then READY ("<hdfs uri> <rm address> <ms to
// start>");
// every 250 ms, apps (one "<application id> <state> <name>" line per application). While
// confDir/kill-apps exists,
// every unfinished application is killed. On SIGTERM it kills the applications and waits for their
// containers to end.
import java.nio.file.*;
import java.util.*;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.containermanager.container.ContainerState;

public class MiniCluster {
  private static final EnumSet<YarnApplicationState> LIVE =
      EnumSet.of(
          YarnApplicationState.NEW,
          YarnApplicationState.NEW_SAVING,
          YarnApplicationState.SUBMITTED,
          YarnApplicationState.ACCEPTED,
          YarnApplicationState.RUNNING);

  private static volatile boolean stopping;

  public static void main(String[] a) {
    try {
      run(a);
    } catch (
        Throwable t) { // the Hadoop services' threads would keep a failed start alive: exit, run.sh
      // notices
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] a) throws Exception {
    Path confDir = Paths.get(a[0]);
    Files.createDirectories(confDir);
    long t0 = System.currentTimeMillis();
    Configuration conf = new YarnConfiguration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, a[1]);
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    conf.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
    conf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
    conf.setInt("yarn.scheduler.minimum-allocation-mb", 256);
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    conf.set(
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.5");
    MiniYARNCluster yarn = new MiniYARNCluster("clicktrends", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")
        || yarn.getResourceManager().getRMContext().getRMNodes().isEmpty()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "YARN: no ResourceManager address or NodeManager after 60 s");
      }
      Thread.sleep(100); // polling: the RM has no "node registered" callback for us
    }

    Configuration out = new Configuration(yarn.getConfig());
    // MiniDFSCluster sets StaticMapping, a class of Hadoop's test jar: a Spark application master
    // does not have it.
    out.set(
        CommonConfigurationKeysPublic.NET_TOPOLOGY_NODE_SWITCH_MAPPING_IMPL_KEY,
        "org.apache.hadoop.net.ScriptBasedMapping");
    for (String name : new String[] {"core-site.xml", "yarn-site.xml"}) {
      try (var os = Files.newOutputStream(confDir.resolve(name))) {
        out.writeXml(os);
      }
    }

    YarnClient client = YarnClient.createYarnClient();
    client.init(out);
    client.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping = true;
                  try {
                    killLive(client);
                    awaitContainersDone(yarn, 30_000);
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                  // No yarn.stop() or dfs.shutdown(): they spend ~20 s and ~30 s on internal
                  // timeouts, and all that matters is
                  // that no container process outlives us; run.sh deletes the data.
                }));
    writeAtomically(
        confDir,
        "READY",
        dfs.getFileSystem().getUri()
            + " "
            + out.get(YarnConfiguration.RM_ADDRESS)
            + " "
            + (System.currentTimeMillis() - t0)
            + "\n");
    System.out.println("READY " + Files.readString(confDir.resolve("READY")).trim());

    Path killRequest = confDir.resolve("kill-apps");
    while (!stopping) {
      try {
        StringBuilder apps = new StringBuilder();
        for (ApplicationReport r : client.getApplications()) {
          apps.append(r.getApplicationId())
              .append(' ')
              .append(r.getYarnApplicationState())
              .append(' ')
              .append(r.getName())
              .append('\n');
        }
        writeAtomically(confDir, "apps", apps.toString());
        if (Files.exists(killRequest)) killLive(client);
      } catch (Exception e) { // keep reporting: run.sh relies on this loop
        e.printStackTrace();
      }
      Thread.sleep(250);
    }
  }

  private static void killLive(YarnClient client) throws Exception {
    for (ApplicationReport r : client.getApplications(LIVE)) {
      System.out.println("killing " + r.getApplicationId());
      client.killApplication(r.getApplicationId());
    }
  }

  private static void awaitContainersDone(MiniYARNCluster yarn, long millis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (yarn.getNodeManager(0).getNMContext().getContainers().values().stream()
        .anyMatch(c -> c.getContainerState() != ContainerState.DONE)) {
      if (System.currentTimeMillis() > deadline) {
        System.out.println("containers still running after " + millis + " ms");
        return;
      }
      Thread.sleep(100);
    }
  }

  // The script polls these files: never let it read half of one.
  private static void writeAtomically(Path dir, String name, String content) throws Exception {
    Path tmp = dir.resolve(name + ".tmp");
    Files.writeString(tmp, content);
    Files.move(
        tmp,
        dir.resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
