package io.clicktrends.yarnit;

// For run.sh (not part of the build): the Clicktrends Flume agent on free loopback ports, so the
// check never
// clashes with a running `bin/clicktrends local` (41414-41416). FlumeAgent's own main has no port
// options.
//   java -cp <runner-profiles class path> io.clicktrends.yarnit.FlumeOnFreePorts <dataDir>
// <portsFile>
// Writes "<avroPort> <sparkSinkPort>" into portsFile once the agent listens; runs until SIGTERM.
import io.clicktrends.flume.agent.FlumeAgent;
import java.nio.file.*;

public class FlumeOnFreePorts {
  public static void main(String[] a) throws Exception {
    FlumeAgent agent =
        FlumeAgent.builder().dataDir(Path.of(a[0])).bind("127.0.0.1").freePorts().build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop));
    Path tmp = Path.of(a[1] + ".tmp");
    Files.writeString(tmp, agent.avroPort() + " " + agent.sparkSinkPort() + "\n");
    Files.move(tmp, Path.of(a[1]), StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
