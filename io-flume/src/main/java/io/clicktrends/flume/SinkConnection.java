package io.clicktrends.flume;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.ipc.CallFuture;
import org.apache.avro.ipc.Callback;
import org.apache.avro.ipc.netty.NettyTransceiver;
import org.apache.avro.ipc.specific.SpecificRequestor;
import org.apache.spark.streaming.flume.sink.EventBatch;
import org.apache.spark.streaming.flume.sink.SparkFlumeProtocol;

/**
 * One Avro IPC connection to a SparkSink, speaking the protocol generated from our own {@code
 * SparkFlumeProtocol.avpr}.
 *
 * <p>Protocol traps this class absorbs: the first request on a new transceiver blocks until its
 * answer (Avro's handshake), and {@code getEventBatch} on an empty channel long-polls without end,
 * so {@link #openAsync} connects and completes the handshake with a harmless {@code ack} of an
 * unknown sequence number on a background thread; afterwards {@link #requestBatch} is truly
 * asynchronous. One requestor per transceiver (a second one fails).
 */
final class SinkConnection implements Closeable {
  private static final String HANDSHAKE_PROBE = "clicktrends-handshake-probe";

  /**
   * Longest wait for the answer to an ack or nack: a frozen or cut-off agent must not hold a runner
   * thread.
   */
  static final long RPC_TIMEOUT_MILLIS = 30_000;

  /**
   * How long a retired connection waits for its parked getEventBatch's answer (to nack it) before
   * closing.
   */
  private static final long RETIRE_WAIT_MILLIS = 10 * 60_000;

  private final String address;
  private final NettyTransceiver transceiver;
  private final SparkFlumeProtocol.Callback client;

  private SinkConnection(
      String address, NettyTransceiver transceiver, SparkFlumeProtocol.Callback client) {
    this.address = address;
    this.transceiver = transceiver;
    this.client = client;
  }

  /**
   * Connects and handshakes, blocking with no bound on the handshake: use {@link #openAsync} or
   * {@link #openWithin}.
   */
  static SinkConnection open(String address, int connectTimeoutMillis) throws IOException {
    HostPort hp = HostPort.parse(address);
    NettyTransceiver t =
        new NettyTransceiver(new InetSocketAddress(hp.host(), hp.port()), connectTimeoutMillis);
    try {
      SparkFlumeProtocol.Callback c =
          SpecificRequestor.getClient(SparkFlumeProtocol.Callback.class, t);
      c.ack(HANDSHAKE_PROBE); // completes the handshake; the sink ignores unknown sequence numbers
      // (an ack, not a nack:
      // the sink logs "Spark failed to commit transaction" for every nack, known or not)
      WorkerState.COUNTERS.connectionsOpened.incrementAndGet();
      return new SinkConnection(address, t, c);
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /**
   * Connects and handshakes on a background thread. The handshake's answer has no timeout in Avro,
   * so the future fails after the connect timeout plus {@link #RPC_TIMEOUT_MILLIS}; a connection
   * that completes later is closed.
   */
  static CompletableFuture<SinkConnection> openAsync(String address, int connectTimeoutMillis) {
    CompletableFuture<SinkConnection> opening =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return open(address, connectTimeoutMillis);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            WorkerState.CONNECTOR);
    CompletableFuture<SinkConnection> bounded =
        opening
            .copy()
            .orTimeout(
                connectTimeoutMillis + RPC_TIMEOUT_MILLIS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    bounded.whenComplete(
        (c, error) -> {
          if (error != null) {
            opening.thenAccept(SinkConnection::close); // nobody will use it
          }
        });
    return bounded;
  }

  /** Opens a connection, waiting at most the connect timeout plus {@link #RPC_TIMEOUT_MILLIS}. */
  static SinkConnection openWithin(String address, int connectTimeoutMillis) throws IOException {
    try {
      return openAsync(address, connectTimeoutMillis).join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause =
          e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException("connecting to SparkSink " + address + ": " + cause, cause);
    }
  }

  /**
   * Starts a (long-polling) request for up to {@code n} events; never blocks after the handshake.
   */
  CompletableFuture<EventBatch> requestBatch(int n) throws IOException {
    CompletableFuture<EventBatch> f = new CompletableFuture<>();
    client.getEventBatch(
        n,
        new Callback<EventBatch>() {
          @Override
          public void handleResult(EventBatch result) {
            f.complete(result);
          }

          @Override
          public void handleError(Throwable error) {
            f.completeExceptionally(error);
          }
        });
    return f;
  }

  /**
   * Gives this connection up: closes it now, or, while a getEventBatch ({@code request}, may be
   * null) is outstanding, once it answers. The sink cannot cancel a parked request: when events
   * arrive it hands them to it and, had we closed the socket, would hold them until its transaction
   * timeout. So keep the connection until the answer comes, nack it (Flume redelivers at once; an
   * answered but unread batch is nacked at once), then close; give up after {@link
   * #RETIRE_WAIT_MILLIS}.
   */
  void release(CompletableFuture<EventBatch> request) {
    if (request == null) {
      close();
      return;
    }
    request
        .orTimeout(RETIRE_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .whenCompleteAsync(
            (batch, error) -> {
              try {
                if (batch != null && batch.getErrorMsg().isEmpty()) {
                  nack(batch.getSequenceNumber());
                }
              } catch (IOException | RuntimeException ignored) {
                // the sink redelivers after its timeout
              } finally {
                close();
              }
            },
            WorkerState.CONNECTOR);
  }

  synchronized void ack(String sequenceNumber) throws IOException {
    CallFuture<Void> answer = new CallFuture<>();
    client.ack(sequenceNumber, answer);
    await("ack of batch " + sequenceNumber, answer);
  }

  synchronized void nack(String sequenceNumber) throws IOException {
    CallFuture<Void> answer = new CallFuture<>();
    client.nack(sequenceNumber, answer);
    await("nack of batch " + sequenceNumber, answer);
  }

  private void await(String what, CallFuture<Void> answer) throws IOException {
    try {
      answer.get(RPC_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      close(); // a connection that does not answer is not used again
      throw new IOException(
          what + ": no answer from SparkSink " + address + " within " + RPC_TIMEOUT_MILLIS + " ms");
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io
          ? io
          : new IOException(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException(what + " interrupted");
    }
  }

  boolean isOpen() {
    return transceiver.isConnected();
  }

  String address() {
    return address;
  }

  @Override
  public void close() {
    transceiver.close();
  }

  /** {@code host:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String address) {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1) {
        throw new IllegalArgumentException(
            "sink address must be host:port, got \"" + address + "\"");
      }
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              "port out of range in sink address \"" + address + "\"");
        }
        return new HostPort(address.substring(0, colon), port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "sink address must be host:port, got \"" + address + "\"", e);
      }
    }
  }
}
