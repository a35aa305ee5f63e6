package io.clicktrends.pipeline;

import io.clicktrends.schema.AmqpDefaults;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Options of the Clicktrends pipeline: the trend settings plus where events come from and where
 * trends go.
 */
public interface ClicktrendsOptions extends TrendOptions {
  @Description(
      "Read events from this file (or glob) instead of Flume: JSON lines, or YOOCHOOSE TSV rows "
          + "(SessionId, ItemId, Time) read as product views. A bounded run: it ends when the file is read.")
  String getInput();

  void setInput(String value);

  @Description(
      "Comma-separated host:port of the Flume agents' SparkSinks to pull events from (one split each).")
  @Default.String("127.0.0.1:41416")
  String getFlumeSinks();

  void setFlumeSinks(String value);

  @Description(
      "How far behind the newest event an event may arrive and still be on time (watermark slack).")
  @Default.String("5s")
  String getMaxOutOfOrderness();

  void setMaxOutOfOrderness(String value);

  @Description(
      "How far an event time may lie ahead of the server's clock at ingest (ingestTime) before the event is "
          + "dead-lettered as TIMESTAMP_IN_FUTURE, e.g. 2m: a client clock further ahead would move the watermark past "
          + "every real click.")
  @Default.String("2m")
  String getMaxClockSkew();

  void setMaxClockSkew(String value);

  @Description(
      "RabbitMQ to publish trends to; 'none' to not publish. Credentials are never logged.")
  @Default.String(AmqpDefaults.DEFAULT_URI)
  String getRabbitmqUri();

  void setRabbitmqUri(String value);

  @Description(
      "The durable topic exchange trends are published to (routing key trend.<dimension>).")
  @Default.String(AmqpDefaults.DEFAULT_EXCHANGE)
  String getExchange();

  void setExchange(String value);

  @Description(
      "Where every valid event is archived as Avro, partitioned year=/month=/day=/hour= by event time "
          + "(a local directory or hdfs://namenode/path; dead letters go to _deadletter/ beside it); 'none' to not archive.")
  @Default.String("clicktrends-data/archive")
  String getArchivePath();

  void setArchivePath(String value);

  @Description(
      "How long an archive file collects events (processing time) before it is closed and published under "
          + "its final name, e.g. 1m: at most one file per hour partition per interval per worker JVM.")
  @Default.String("1m")
  String getArchiveRollInterval();

  void setArchiveRollInterval(String value);

  @Description("Also print each trend to stdout.")
  @Default.Boolean(false)
  boolean getPrintTrends();

  void setPrintTrends(boolean value);

  @Description(
      "Serve the pipeline's Beam counters (dead letters per reason, missing keys, dropped as late) and JVM "
          + "metrics for Prometheus at http://<metricsBindAddress>:<port>/metrics, from the driver (any runner); -1 = off.")
  @Default.Integer(-1)
  int getMetricsPort();

  void setMetricsPort(int value);

  @Description(
      "Address the metrics endpoint binds (--metricsPort): 127.0.0.1 for this host only, 0.0.0.0 for all.")
  @Default.String("127.0.0.1")
  String getMetricsBindAddress();

  void setMetricsBindAddress(String value);
}
