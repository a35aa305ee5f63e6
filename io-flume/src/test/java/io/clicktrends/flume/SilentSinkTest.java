package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * An agent that accepts connections but never answers (frozen, or cut off without a reset): an ack
 * to it gives up after the connect timeout plus the RPC timeout instead of holding the runner
 * thread that finalizes checkpoints.
 */
public class SilentSinkTest {
  @Test(timeout = 120_000)
  public void anAckToASilentSinkGivesUpInsteadOfHanging() throws Exception {
    List<Socket> accepted = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // reads nothing, answers nothing
                  }
                } catch (java.io.IOException closed) {
                  // test over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      long ackedBefore = WorkerState.COUNTERS.batchesAcked.get();
      long t0 = System.nanoTime();
      SinkAcks.ack("127.0.0.1:" + silent.getLocalPort(), "42", 1_000);
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
      System.out.println("ack to a silent sink gave up after " + seconds + " s");
      assertThat(WorkerState.COUNTERS.batchesAcked.get(), equalTo(ackedBefore));
      // two attempts, each bounded by the connect timeout plus the RPC timeout
      assertThat(seconds, lessThan(2 * (1 + SinkConnection.RPC_TIMEOUT_MILLIS / 1_000) + 10));
    } finally {
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
