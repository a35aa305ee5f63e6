package io.clicktrends.io.rabbitmq;

import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import com.google.auto.value.AutoValue;
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
    return new AutoValue_RabbitMqTrendIO_Write.Builder()
        .setUri(AmqpDefaults.DEFAULT_URI)
        .setExchange(AmqpDefaults.DEFAULT_EXCHANGE)
        .setDeclareExchange(true)
        .setFailOnUnroutable(false)
        .setConfirmTimeout(DEFAULT_CONFIRM_TIMEOUT)
        .setRetryFor(DEFAULT_RETRY_FOR)
        .build();
  }

  /** The sink. Immutable: every {@code with*} returns a new instance. */
  @AutoValue
  public abstract static class Write extends PTransform<PCollection<Trend>, PDone> {
    private static final long serialVersionUID = 1L;

    abstract String getUri();

    abstract String getExchange();

    abstract boolean getDeclareExchange();

    abstract boolean getFailOnUnroutable();

    abstract Duration getConfirmTimeout();

    abstract Duration getRetryFor();

    abstract Builder toBuilder();

    @AutoValue.Builder
    abstract static class Builder {
      abstract Builder setUri(String uri);

      abstract Builder setExchange(String exchange);

      abstract Builder setDeclareExchange(boolean declare);

      abstract Builder setFailOnUnroutable(boolean fail);

      abstract Builder setConfirmTimeout(Duration timeout);

      abstract Builder setRetryFor(Duration retryFor);

      abstract Write build();
    }

    /** The broker, e.g. {@code amqp://user:password@host:5672/vhost}. Never logged unmasked. */
    public Write withUri(String uri) {
      return toBuilder().setUri(uri).build();
    }

    /**
     * The durable topic exchange to publish to (default {@value AmqpDefaults#DEFAULT_EXCHANGE}).
     */
    public Write withExchange(String exchange) {
      return toBuilder().setExchange(exchange).build();
    }

    /**
     * Whether the sink declares the exchange (durable, topic) before publishing; default true. Set
     * false when the exchange is managed elsewhere: publishing to a missing exchange then fails.
     */
    public Write withDeclareExchange(boolean declare) {
      return toBuilder().setDeclareExchange(declare).build();
    }

    /**
     * Publish with the {@code mandatory} flag and fail the bundle when a trend routes to no queue.
     * Default false: trends are live state, and an exchange nobody listens to yet (no fan-out
     * running) must not stop the pipeline. Turn it on when a bound durable queue must receive every
     * trend.
     */
    public Write withFailOnUnroutable(boolean fail) {
      return toBuilder().setFailOnUnroutable(fail).build();
    }

    /** How long a bundle waits for the broker's confirms before it fails. Default 30 s. */
    public Write withConfirmTimeout(Duration timeout) {
      return toBuilder().setConfirmTimeout(timeout).build();
    }

    /**
     * How long a bundle retries (every 1 to 5 s, publishing all its trends again on a fresh
     * channel) after a failed publish, e.g. while the broker restarts, before it fails. Default 2
     * min; zero fails at once. Runners retry a failed bundle, but the DirectRunner fails the
     * pipeline, and Spark gives up after 4 task attempts.
     */
    public Write withRetryFor(Duration retryFor) {
      return toBuilder().setRetryFor(retryFor).build();
    }

    @Override
    public PDone expand(PCollection<Trend> input) {
      validate();
      SinkConfig config =
          new SinkConfig(
              getUri(),
              getExchange(),
              getDeclareExchange(),
              getFailOnUnroutable(),
              getConfirmTimeout(),
              getRetryFor());
      input.apply("PublishTrends", ParDo.of(new PublishFn(config)));
      return PDone.in(input.getPipeline());
    }

    /** One rule a check, each refusal naming the setting (and the value, credentials masked). */
    void validate() {
      checkArgument(!getUri().isBlank(), "RabbitMqTrendIO.write(): withUri is required");
      SharedConnections.factory(getUri()); // throws with the masked URI if it does not parse
      checkArgument(
          !getExchange().isBlank(), "RabbitMqTrendIO.write(): withExchange must name an exchange");
      checkArgument(
          !getExchange().startsWith("amq."),
          "RabbitMqTrendIO.write(): exchange %s is reserved by the broker (amq.*)",
          getExchange());
      checkArgument(
          !getConfirmTimeout().isNegative() && !getConfirmTimeout().isZero(),
          "RabbitMqTrendIO.write(): withConfirmTimeout must be positive, got %s",
          getConfirmTimeout());
      checkArgument(
          !getRetryFor().isNegative(),
          "RabbitMqTrendIO.write(): withRetryFor must be zero or positive, got %s",
          getRetryFor());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("uri", AmqpDefaults.mask(getUri())).withLabel("Broker"))
          .add(DisplayData.item("exchange", getExchange()).withLabel("Topic exchange"))
          .add(DisplayData.item("declareExchange", getDeclareExchange()))
          .add(DisplayData.item("failOnUnroutable", getFailOnUnroutable()))
          .add(DisplayData.item("confirmTimeout", getConfirmTimeout().toString()))
          .add(DisplayData.item("retryFor", getRetryFor().toString()));
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
