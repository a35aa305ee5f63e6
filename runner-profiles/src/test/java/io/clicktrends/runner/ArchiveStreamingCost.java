package io.clicktrends.runner;

import io.clicktrends.pipeline.WriteArchive;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import org.apache.avro.file.CodecFactory;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * Not a test: a harness that measures the archive's cost per micro-batch on the SparkRunner in
 * streaming mode. {@code GenerateSequence} at a fixed rate -> ClickEvents -> the archive, either
 * {@code new} (WriteArchive: rolling files, no shuffle) or {@code old} (the previous design:
 * FileIO.writeDynamic over one-minute processing-time panes in the global window, one shard). Run
 * it with Spark's {@code JobScheduler} logging at INFO: its {@code Total delay: ... (execution: X
 * s)} line per micro-batch is the batch's processing time (what the Spark UI's streaming tab
 * shows). Spark's REST API answered 500 here (a Jersey conflict on this class path).
 *
 * <pre>
 * java -Dlog4j2.configurationFile=FILE -cp ... io.clicktrends.runner.ArchiveStreamingCost new|old RATE SECONDS DIR
 * </pre>
 */
public final class ArchiveStreamingCost {
  private ArchiveStreamingCost() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long rate = Long.parseLong(args[1]);
    int seconds = Integer.parseInt(args[2]);
    String dir = args[3];
    int uiPort = Integer.getInteger("spark.ui.port", 4040);
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=SparkRunner",
                "--sparkMaster=local[2]",
                "--streaming=true",
                "--batchIntervalMillis=1000",
                "--checkpointDir=" + dir + "/checkpoint",
                "--enableSparkMetricSinks=false")
            .create();
    Pipeline p = Pipeline.create(options);
    PCollection<ClickEvent> events =
        p.apply(GenerateSequence.from(0).withRate(rate, Duration.standardSeconds(1)))
            .apply(
                MapElements.into(TypeDescriptor.of(ClickEvent.class))
                    .via(ArchiveStreamingCost::event))
            .setCoder(AvroCoder.of(ClickEvent.class))
            .apply(org.apache.beam.sdk.transforms.ParDo.of(new CountPerBundle()));
    if (mode.equals("new")) {
      events.apply(WriteArchive.to(dir + "/archive"));
    } else {
      events
          .apply(
              Window.<ClickEvent>into(new GlobalWindows())
                  .triggering(
                      Repeatedly.forever(
                          AfterProcessingTime.pastFirstElementInPane()
                              .plusDelayOf(Duration.standardMinutes(1))))
                  .withAllowedLateness(Duration.ZERO)
                  .discardingFiredPanes())
          .apply(
              FileIO.<String, ClickEvent>writeDynamic()
                  .by(e -> WriteArchive.partition(e.getEventTime()))
                  .withDestinationCoder(StringUtf8Coder.of())
                  .via(AvroIO.sink(ClickEvent.class).withCodec(CodecFactory.deflateCodec(6)))
                  .to(dir + "/archive")
                  .withNaming(part -> FileIO.Write.defaultNaming(part + "/events", ".avro"))
                  .withNumShards(1));
    }
    PipelineResult result = p.run();
    try {
      result.waitUntilFinish(Duration.standardSeconds(seconds));
    } finally {
      result.cancel();
      System.exit(
          0); // Spark's non-daemon threads would keep the JVM; the shutdown hook rolls the archive
    }
  }

  /** Logs how many events each bundle (on Spark: a micro-batch's partition) carried. */
  static final class CountPerBundle
      extends org.apache.beam.sdk.transforms.DoFn<ClickEvent, ClickEvent> {
    private transient long n;

    @StartBundle
    public void start() {
      n = 0;
    }

    @ProcessElement
    public void process(@Element ClickEvent e, OutputReceiver<ClickEvent> out) {
      n++;
      out.output(e);
    }

    @FinishBundle
    public void finish() {
      System.out.println("HARNESS bundle " + System.currentTimeMillis() + " events=" + n);
    }
  }

  private static ClickEvent event(Long n) {
    long now = System.currentTimeMillis();
    return ClickEvent.newBuilder()
        .setEventId("h-" + n)
        .setEventTime(java.time.Instant.ofEpochMilli(now))
        .setIngestTime(java.time.Instant.ofEpochMilli(now))
        .setType(EventType.product_view)
        .setSessionId("s-" + (n % 997))
        .setProductId("p-" + (n % 10_000))
        .build();
  }
}
