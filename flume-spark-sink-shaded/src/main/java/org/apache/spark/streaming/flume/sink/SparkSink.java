/*
 * Licensed to the Apache Software Foundation (ASF) under one or more
 * contributor license agreements.  See the NOTICE file distributed with
 * this work for additional information regarding copyright ownership.
 * The ASF licenses this file to You under the Apache License, Version 2.0
 * (the "License"); you may not use this file except in compliance with
 * the License.  You may obtain a copy of the License at
 *
 *    http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 *
 * Derived from Apache Spark's org.apache.spark.streaming.flume.sink.SparkSink (Scala, Spark 2.4.8), rewritten in
 * Java with its Avro server given an execution handler; modified for Clicktrends.
 */
package org.apache.spark.streaming.flume.sink;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.ipc.NettyServer;
import org.apache.avro.ipc.specific.SpecificResponder;
import org.apache.flume.Context;
import org.apache.flume.conf.Configurable;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.sink.AbstractSink;
import org.jboss.netty.channel.socket.nio.NioServerSocketChannelFactory;
import org.jboss.netty.handler.execution.ExecutionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces Spark 2.4.8's {@code SparkSink} (same configuration, same protocol, same {@code
 * SparkAvroCallbackHandler} and {@code TransactionProcessor}); the shade build drops the original
 * class and relocates this one to {@code io.clicktrends.shaded.sparksink.SparkSink}.
 *
 * <p>The one change: Spark builds {@code new NettyServer(responder, addr)}, which runs every
 * request on the Netty 3 I/O worker thread that owns the connection. {@code getEventBatch} blocks
 * until the channel has events (it long-polls without end on an empty channel), so a parked poll
 * froze its worker and with it every other connection that worker serves (2 x cores workers,
 * connections assigned round-robin): an ack, a nack or a new connection's handshake could wait
 * until the next event arrived. Here requests run on an {@link ExecutionHandler} over a cached
 * thread pool, so a parked poll holds one pool thread and nothing else. Requests of one connection
 * may then run concurrently; the Avro client matches answers to calls by serial number, so that is
 * safe.
 */
public class SparkSink extends AbstractSink implements Configurable {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSink.class);

  private int poolSize = 10;
  private int transactionTimeout = 60;
  private String hostname = "0.0.0.0";
  private int port;
  private int backOffInterval = 200;

  private SparkAvroCallbackHandler handler;
  private NettyServer server;
  private ExecutorService requestExecutor;
  private final CountDownLatch blockingLatch = new CountDownLatch(1);

  @Override
  public void configure(Context ctx) {
    hostname = ctx.getString("hostname", "0.0.0.0");
    Integer p = ctx.getInteger("port");
    if (p == null) {
      throw new ConfigurationException("The port to bind to must be specified");
    }
    port = p;
    poolSize = ctx.getInteger("threads", 10);
    transactionTimeout = ctx.getInteger("timeout", 60);
    backOffInterval = ctx.getInteger("backoffInterval", 200);
    LOG.info(
        "Configured Spark Sink with hostname: {}, port: {}, poolSize: {}, transactionTimeout: {}, "
            + "backoffInterval: {}",
        hostname,
        port,
        poolSize,
        transactionTimeout,
        backOffInterval);
  }

  @Override
  public synchronized void start() {
    LOG.info(
        "Starting Spark Sink {} on {}:{} (pool size {}, transaction timeout {} s, requests off the I/O threads)",
        getName(),
        hostname,
        port,
        poolSize,
        transactionTimeout);
    handler =
        new SparkAvroCallbackHandler(poolSize, getChannel(), transactionTimeout, backOffInterval);
    SpecificResponder responder = new SpecificResponder(SparkFlumeProtocol.class, handler);
    requestExecutor =
        Executors.newCachedThreadPool(daemonThreads("SparkSink " + getName() + " request"));
    server =
        new NettyServer(
            responder,
            new InetSocketAddress(hostname, port),
            new NioServerSocketChannelFactory(
                Executors.newCachedThreadPool(daemonThreads("SparkSink boss")),
                Executors.newCachedThreadPool(daemonThreads("SparkSink I/O"))),
            new ExecutionHandler(requestExecutor));
    server.start();
    super.start();
  }

  @Override
  public synchronized void stop() {
    LOG.info("Stopping Spark Sink: {}", getName());
    if (handler != null) {
      handler.shutdown();
    }
    if (server != null) {
      server.close();
      try {
        server.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (requestExecutor != null) {
      requestExecutor.shutdownNow();
    }
    blockingLatch.countDown();
    super.stop();
  }

  /**
   * Like Spark's: the work happens in the Avro server, so park the SinkRunner thread until the sink
   * stops.
   */
  @Override
  public Status process() {
    try {
      blockingLatch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Status.BACKOFF;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + " " + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
