package io.clicktrends.yarnit;

// For run.sh (not part of the build): binds a private queue to a fresh trend exchange before the
// pipeline
// starts, checks every message against the Trend wire format, and appends one line per message to
// outFile:
//   OK <received epoch ms> <routing key> <dimension> <windowStart>/<windowEnd> <timing> total=<n>
// items=<k>
//   BAD <received epoch ms> <routing key> <what is wrong>: <body>
// and the body of every valid one to jsonFile (for TrendCheck).
//   java -cp <runner-profiles class path> io.clicktrends.yarnit.TrendWatch <amqp uri> <exchange>
// <topK> <outFile> <readyFile> <jsonFile>
// On SIGTERM it deletes the exchange (and with it the binding; the queue is exclusive).
import com.rabbitmq.client.*;
import io.clicktrends.schema.RisingItem;
import io.clicktrends.schema.Trend;
import io.clicktrends.schema.TrendItem;
import io.clicktrends.schema.TrendJson;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

public class TrendWatch {
  public static void main(String[] a) throws Exception {
    String exchange = a[1];
    int topK = Integer.parseInt(a[2]);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(a[0]);
    Connection conn = f.newConnection("clicktrends-yarn-it");
    Channel ch = conn.createChannel();
    ch.exchangeDeclare(
        exchange, BuiltinExchangeType.TOPIC, true); // as the pipeline's TrendPublisher declares it
    String queue = ch.queueDeclare().getQueue();
    ch.queueBind(queue, exchange, "trend.#");
    PrintWriter out = new PrintWriter(new FileWriter(a[3], StandardCharsets.UTF_8, true), true);
    PrintWriter json = new PrintWriter(new FileWriter(a[5], StandardCharsets.UTF_8, true), true);
    ch.basicConsume(
        queue,
        true,
        (tag, m) -> {
          String key = m.getEnvelope().getRoutingKey();
          String body = new String(m.getBody(), StandardCharsets.UTF_8);
          long now = System.currentTimeMillis();
          try {
            Trend t = check(key, body, topK);
            json.println(
                body.replace(
                    '\n', ' ')); // before the OK line: a reader that counts OK lines finds the body
            out.printf(
                "OK %d %s %s %s/%s %s total=%d items=%d%n",
                now,
                key,
                t.getDimension(),
                t.getWindowStart(),
                t.getWindowEnd(),
                t.getTiming(),
                t.getTotal(),
                t.getItems().size());
          } catch (IllegalArgumentException e) {
            out.printf("BAD %d %s %s: %s%n", now, key, e.getMessage(), body);
          }
        },
        tag -> {});
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    ch.exchangeDelete(exchange);
                    conn.close();
                  } catch (Exception e) {
                    System.err.println(
                        "TrendWatch: could not delete exchange " + exchange + ": " + e);
                  }
                }));
    Files.writeString(Path.of(a[4]), queue + "\n");
    Thread.currentThread().join();
  }

  /** The wire format (TrendJson) plus what every trend must satisfy (schemas/README.md). */
  static Trend check(String routingKey, String body, int topK) {
    Trend t = TrendJson.fromJson(body);
    boolean rising = TrendJson.isRising(t);
    require(
        routingKey.equals("trend." + t.getDimension() + (rising ? ".rising" : "")),
        "routing key does not match the dimension and kind");
    require(t.getWindowStart().isBefore(t.getWindowEnd()), "window is empty");
    if (rising) { // a window where nothing rose has an empty rising trend
      require(t.getItems().size() <= topK, "more than " + topK + " items");
      double previousScore = Double.POSITIVE_INFINITY;
      for (RisingItem item : t.getRising()) {
        require(item.getCount() > item.getPrevious(), "a rising item did not rise");
        require(item.getScore() <= previousScore, "scores not descending");
        require(item.getCount() <= t.getTotal(), "an item counts more than the total");
        previousScore = item.getScore();
      }
      return t;
    }
    require(!t.getItems().isEmpty() && t.getItems().size() <= topK, "not 1 to " + topK + " items");
    long previous = Long.MAX_VALUE;
    for (TrendItem item : t.getItems()) {
      require(
          item.getCount() > 0 && item.getCount() <= previous, "counts not positive and descending");
      require(item.getCount() <= t.getTotal(), "an item counts more than the total");
      previous = item.getCount();
    }
    return t;
  }

  private static void require(boolean ok, String what) {
    if (!ok) throw new IllegalArgumentException(what);
  }
}
