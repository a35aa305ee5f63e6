package io.clicktrends.io.rabbitmq;

import io.clicktrends.schema.AmqpDefaults;
import io.clicktrends.schema.Trend;
import java.time.Duration;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes {@link Trend}s to RabbitMQ as their JSON wire format (see schemas/README.md).
 *
 * <pre>{@code
 * trends.apply(RabbitMqTrendIO.write().withUri(options.getRabbitmqUri()));
 * }</pre>
 *
 * <p>Each trend goes to a durable topic exchange (default {@value AmqpDefaults#DEFAULT_EXCHANGE})
 * with routing key {@code trend.<dimension>} (a count trend) or {@code trend.<dimension>.rising} (a
 * rising trend), persistent delivery, {@code content-type: application/json} and {@code message-id}
 * {@code <dimension>/<windowEnd millis>/<timing>/<pane index>} (with {@code /rising} appended for a
 * rising trend, {@link io.clicktrends.schema.TrendJson#messageId}). A bundle finishes only when the
 * broker confirmed all its messages; it retries for {@link Write#withRetryFor} (a broker restart),
 * then fails and the runner retries it (at-least-once; consumers drop duplicates by message id).
 */
public final class RabbitMqTrendIO {
  public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RETRY_FOR = Duration.ofMinutes(2);

  private RabbitMqTrendIO() {}

  public static Write write() {
    return new Write(
        new SinkConfig(
            AmqpDefaults.DEFAULT_URI,
            AmqpDefaults.DEFAULT_EXCHANGE,
            true,
            false,
            DEFAULT_CONFIRM_TIMEOUT,
            DEFAULT_RETRY_FOR));
  }

  /** The sink. Immutable: every {@code with*} returns a new instance. */
  public static final class Write extends PTransform<PCollection<Trend>, PDone> {
    private static final long serialVersionUID = 1L;
    private final SinkConfig config;

    private Write(SinkConfig config) {
      this.config = config;
    }

    /** The broker, e.g. {@code amqp://user:password@host:5672/vhost}. Never logged unmasked. */
    public Write withUri(String uri) {
      return new Write(
          new SinkConfig(
              uri,
              config.exchange,
              config.declareExchange,
              config.failOnUnroutable,
              config.confirmTimeout,
              config.retryFor));
    }

    public Write withExchange(String exchange) {
      return new Write(
          new SinkConfig(
              config.uri,
              exchange,
              config.declareExchange,
              config.failOnUnroutable,
              config.confirmTimeout,
              config.retryFor));
    }

    /**
     * Whether the sink declares the exchange (durable, topic) before publishing; default true. Set
     * false when the exchange is managed elsewhere: publishing to a missing exchange then fails.
     */
    public Write withDeclareExchange(boolean declare) {
      return new Write(
          new SinkConfig(
              config.uri,
              config.exchange,
              declare,
              config.failOnUnroutable,
              config.confirmTimeout,
              config.retryFor));
    }

    /**
     * Publish with the {@code mandatory} flag and fail the bundle when a trend routes to no queue.
     * Default false: trends are live state, and an exchange nobody listens to yet (no fan-out
     * running) must not stop the pipeline. Turn it on when a bound durable queue must receive every
     * trend.
     */
    public Write withFailOnUnroutable(boolean fail) {
      return new Write(
          new SinkConfig(
              config.uri,
              config.exchange,
              config.declareExchange,
              fail,
              config.confirmTimeout,
              config.retryFor));
    }

    /** How long a bundle waits for the broker's confirms before it fails. Default 30 s. */
    public Write withConfirmTimeout(Duration timeout) {
      return new Write(
          new SinkConfig(
              config.uri,
              config.exchange,
              config.declareExchange,
              config.failOnUnroutable,
              timeout,
              config.retryFor));
    }

    /**
     * How long a bundle retries (every 1 to 5 s, publishing all its trends again on a fresh
     * channel) after a failed publish, e.g. while the broker restarts, before it fails. Default 2
     * min; zero fails at once. Runners retry a failed bundle, but the DirectRunner fails the
     * pipeline, and Spark gives up after 4 task attempts.
     */
    public Write withRetryFor(Duration retryFor) {
      return new Write(
          new SinkConfig(
              config.uri,
              config.exchange,
              config.declareExchange,
              config.failOnUnroutable,
              config.confirmTimeout,
              retryFor));
    }

    @Override
    public PDone expand(PCollection<Trend> input) {
      validate();
      input.apply("PublishTrends", ParDo.of(new PublishFn(config)));
      return PDone.in(input.getPipeline());
    }

    void validate() {
      if (config.uri == null || config.uri.isBlank()) {
        throw new IllegalArgumentException("RabbitMqTrendIO.write(): withUri is required");
      }
      SharedConnections.factory(config.uri); // throws with the masked URI if it does not parse
      if (config.exchange == null || config.exchange.isBlank()) {
        throw new IllegalArgumentException(
            "RabbitMqTrendIO.write(): withExchange must name an exchange");
      }
      if (config.exchange.startsWith("amq.")) {
        throw new IllegalArgumentException(
            "RabbitMqTrendIO.write(): exchange "
                + config.exchange
                + " is reserved by the broker (amq.*)");
      }
      if (config.confirmTimeout == null
          || config.confirmTimeout.isNegative()
          || config.confirmTimeout.isZero()) {
        throw new IllegalArgumentException(
            "RabbitMqTrendIO.write(): withConfirmTimeout must be positive, got "
                + config.confirmTimeout);
      }
      if (config.retryFor == null || config.retryFor.isNegative()) {
        throw new IllegalArgumentException(
            "RabbitMqTrendIO.write(): withRetryFor must be zero or positive, got "
                + config.retryFor);
      }
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("uri", AmqpDefaults.mask(config.uri)))
          .add(DisplayData.item("exchange", config.exchange))
          .add(DisplayData.item("failOnUnroutable", config.failOnUnroutable))
          .add(DisplayData.item("confirmTimeout", config.confirmTimeout.toString()))
          .add(DisplayData.item("retryFor", config.retryFor.toString()));
    }
  }

  /**
   * Publishes a bundle and waits for its confirms (retrying, see {@link TrendPublisher}) in
   * {@code @FinishBundle}.
   */
  static final class PublishFn extends DoFn<Trend, Void> {
    private static final long serialVersionUID = 1L;
    private final SinkConfig config;
    private transient TrendPublisher publisher;

    PublishFn(SinkConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      publisher = new TrendPublisher(config);
    }

    @StartBundle
    public void startBundle() {
      publisher.startBatch();
    }

    @ProcessElement
    public void processElement(@Element Trend trend) {
      publisher.publish(trend);
    }

    @FinishBundle
    public void finishBundle() throws Exception {
      publisher.finishBatch();
    }

    @Teardown
    public void teardown() {
      if (publisher != null) {
        publisher.close();
      }
    }
  }
}
