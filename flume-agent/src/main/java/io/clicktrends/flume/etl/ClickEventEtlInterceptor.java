package io.clicktrends.flume.etl;

import io.clicktrends.schema.ClickEventAvro;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.ClickEventRules;
import io.clicktrends.schema.EventHeaders;
import io.clicktrends.schema.ParseResult;
import io.clicktrends.schema.RejectReason;
import io.clicktrends.schema.Rejection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ETL step of the agent (the role Kite Morphlines had in the original design): each raw event,
 * a JSON click or an access-log line, becomes one binary Avro {@code ClickEvent} with the schema in
 * the headers, an {@code eventId} if the client gave none, and {@code ingestTime} stamped now.
 *
 * <p>What cannot be parsed is never dropped and never fails the batch: it keeps its raw body
 * (truncated past {@code maxBodyBytes}) and gets {@code clicktrends.status=dead} plus the reason
 * and detail, and the source's multiplexing selector routes it to the dead-letter channel. Good
 * events in the same batch go on unaffected.
 *
 * <p>Configuration (under {@code sources.<name>.interceptors.<name>.}):
 *
 * <ul>
 *   <li>{@code type = io.clicktrends.flume.etl.ClickEventEtlInterceptor$Builder}
 *   <li>{@code format = json | accesslog} (default json; an event header {@code clicktrends.format}
 *       overrides)
 *   <li>{@code maxBodyBytes} (default 65536): larger bodies are dead-lettered as BODY_TOO_LARGE
 *   <li>{@code maxClockSkewSeconds} (default 120): an event time more than this ahead of the
 *       agent's clock is dead-lettered as TIMESTAMP_IN_FUTURE (a client clock that far ahead would
 *       move the watermark past every real click)
 *   <li>{@code schema = fingerprint | literal} (default fingerprint): valid events carry the writer
 *       schema's fingerprint ({@code clicktrends.schema.fingerprint}, 16 hex digits) or the whole
 *       schema ({@code flume.avro.schema.literal}, about 2.5 KB per event through the channel and
 *       the SparkSink, which at 20,000 events/s was most of what the file channel wrote). The
 *       pipeline decodes its own schema by fingerprint; use {@code literal} while agents run a
 *       newer ClickEvent schema than the pipeline (a rolling upgrade)
 *   <li>{@code schemaUrl}: if set, events carry {@code flume.avro.schema.url} instead
 *   <li>{@code urlPattern.<label> = <event type> <template>}, e.g. {@code urlPattern.p =
 *       product_view /p/{productId}}; when none is given the defaults of {@link
 *       AccessLogParser#DEFAULT_PATTERNS} apply
 *   <li>{@code accesslog.ignoreNonClicks} (default false): drop well-formed log lines that are not
 *       clicks (assets, 4xx/5xx, a request field that is no HTTP request line, as scanners leave)
 *       instead of dead-lettering them; they are counted and the count logged at close
 *   <li>{@code counterGroup} (default etl): the name of this interceptor's Flume counter group
 *       ({@link EtlCounters}: valid, dead-lettered per reason, ignored), {@code INTERCEPTOR.<name>}
 *       in Flume's monitoring; give each source's interceptor its own
 * </ul>
 *
 * Dead letters are logged at most once a minute per reason, with their count ({@link
 * DeadLetterLog}). An event that reaches it already marked dead with a reason (the HTTP handler's
 * stand-in for a click too large to send) goes to the dead letters with that reason, unparsed.
 */
public final class ClickEventEtlInterceptor implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ClickEventEtlInterceptor.class);

  private final String format;
  private final int maxBodyBytes;
  private final String schemaHeader;
  private final String schemaValue;
  // set by the TAILDIR source with fileHeader = true and byteOffsetHeader = true (the agent's
  // configuration)
  static final String TAILDIR_FILE_HEADER = "file";
  static final String TAILDIR_OFFSET_HEADER = "byteoffset";
  private final AccessLogParser logParser;
  private final long maxClockSkewMillis;
  private final EtlCounters counters;
  private final DeadLetterLog deadLetterLog;

  ClickEventEtlInterceptor(
      String format,
      int maxBodyBytes,
      String schemaUrl,
      boolean schemaLiteral,
      AccessLogParser logParser,
      long maxClockSkewMillis) {
    this(
        format,
        maxBodyBytes,
        schemaUrl,
        schemaLiteral,
        logParser,
        maxClockSkewMillis,
        "etl",
        new DeadLetterLog(LOG, System::currentTimeMillis));
  }

  ClickEventEtlInterceptor(
      String format,
      int maxBodyBytes,
      String schemaUrl,
      boolean schemaLiteral,
      AccessLogParser logParser,
      long maxClockSkewMillis,
      String counterGroup,
      DeadLetterLog deadLetterLog) {
    this.format = format;
    this.counters = new EtlCounters(counterGroup);
    this.deadLetterLog = deadLetterLog;
    this.maxClockSkewMillis = maxClockSkewMillis;
    this.maxBodyBytes = maxBodyBytes;
    if (schemaUrl != null) {
      this.schemaHeader = EventHeaders.SCHEMA_URL;
      this.schemaValue = schemaUrl;
    } else if (schemaLiteral) {
      this.schemaHeader = EventHeaders.SCHEMA_LITERAL;
      this.schemaValue = ClickEventAvro.SCHEMA_JSON;
    } else {
      this.schemaHeader = EventHeaders.SCHEMA_FINGERPRINT;
      this.schemaValue = ClickEventAvro.FINGERPRINT;
    }
    this.logParser = logParser;
  }

  /** Registers and starts the counter group (Flume calls this when the source starts). */
  @Override
  public void initialize() {
    counters.start();
  }

  /**
   * One event in, the same event out as a ClickEvent or a dead letter (null: an ignored non-click
   * line). Never throws: an exception here would fail the whole batch (HTTP 500, Avro appendBatch
   * FAILED) and lose its good events too, so an unforeseen one dead-letters this event as
   * INTERNAL_ERROR.
   */
  @Override
  public Event intercept(Event event) {
    try {
      return convert(event);
    } catch (RuntimeException e) {
      markDead(event, Rejection.internalError("ETL interceptor", e));
      return event;
    }
  }

  private Event convert(Event event) {
    long now = System.currentTimeMillis();
    Map<String, String> headers = event.getHeaders();
    if (EventHeaders.DEAD.equals(headers.get(EventHeaders.STATUS))
        && headers.containsKey(EventHeaders.REASON)) {
      // already judged by the source (the HTTP handler's stand-in for a click too large to send):
      // keep its reason
      markDead(
          event,
          new Rejection(
              RejectReason.valueOf(headers.get(EventHeaders.REASON)),
              headers.getOrDefault(EventHeaders.DETAIL, "")));
      return event;
    }
    byte[] body = event.getBody();
    ParseResult result;
    if (body.length > maxBodyBytes) {
      result =
          ParseResult.rejected(
              RejectReason.BODY_TOO_LARGE,
              "body is " + body.length + " bytes, over the " + maxBodyBytes + "-byte limit");
    } else if ("accesslog".equals(headers.getOrDefault(EventHeaders.FORMAT, format))) {
      String file = headers.get(TAILDIR_FILE_HEADER);
      String offset = headers.get(TAILDIR_OFFSET_HEADER);
      result =
          logParser.parse(
              body,
              file == null || offset == null ? null : file + ":" + offset,
              now,
              maxClockSkewMillis);
      if (result == null) {
        counters.ignored();
        return null; // a non-click line, and the agent is configured to ignore those
      }
    } else {
      result = ClickEventJson.parse(body, now, maxClockSkewMillis);
    }
    if (result.isValid()) {
      event.setBody(ClickEventAvro.encode(result.event()));
      headers.put(EventHeaders.STATUS, EventHeaders.VALID);
      headers.put(schemaHeader, schemaValue);
      counters.valid();
    } else {
      markDead(event, result.rejection());
    }
    return event;
  }

  private void markDead(Event event, Rejection rejection) {
    Map<String, String> headers = event.getHeaders();
    headers.put(EventHeaders.STATUS, EventHeaders.DEAD);
    headers.put(EventHeaders.REASON, rejection.reason().name());
    headers.put(EventHeaders.DETAIL, rejection.detail());
    if (event.getBody().length > maxBodyBytes) {
      // Keep the start of a huge body for diagnosis; carrying 10 MiB through the channel helps
      // nobody.
      headers.put(EventHeaders.ORIGINAL_SIZE, Integer.toString(event.getBody().length));
      event.setBody(Arrays.copyOf(event.getBody(), maxBodyBytes));
    }
    counters.dead(rejection.reason());
    deadLetterLog.record(rejection);
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      Event r = intercept(e);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  /** Events that became ClickEvents so far. */
  long validCount() {
    return counters.count(EtlCounters.VALID);
  }

  /** Events marked dead so far. */
  long deadCount() {
    return counters.count(EtlCounters.DEAD);
  }

  /** Access-log lines dropped as non-clicks so far ({@code accesslog.ignoreNonClicks = true}). */
  long ignoredCount() {
    return counters.count(EtlCounters.IGNORED);
  }

  @Override
  public void close() {
    deadLetterLog.flush();
    counters.stop();
    LOG.info(
        "ETL interceptor closing: {} valid, {} dead-lettered, {} ignored non-click lines",
        validCount(),
        deadCount(),
        ignoredCount());
  }

  /** Flume instantiates interceptors through a Builder named in the configuration. */
  public static final class Builder implements Interceptor.Builder {
    private String format = "json";
    private int maxBodyBytes = 64 * 1024;
    private String schemaUrl;
    private boolean schemaLiteral;
    private boolean ignoreNonClicks;
    private long maxClockSkewMillis = ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toMillis();
    private List<UrlPattern> patterns = AccessLogParser.DEFAULT_PATTERNS;
    private String counterGroup = "etl";

    @Override
    public void configure(Context context) {
      format = context.getString("format", "json");
      if (!format.equals("json") && !format.equals("accesslog")) {
        throw new IllegalArgumentException("format must be json or accesslog, not " + format);
      }
      maxBodyBytes = context.getInteger("maxBodyBytes", 64 * 1024);
      long skewSeconds =
          context.getLong(
              "maxClockSkewSeconds", ClickEventRules.DEFAULT_MAX_CLOCK_SKEW.toSeconds());
      if (skewSeconds < 0) {
        throw new IllegalArgumentException(
            "maxClockSkewSeconds must be at least 0, not " + skewSeconds);
      }
      maxClockSkewMillis = skewSeconds * 1000;
      schemaUrl = context.getString("schemaUrl");
      String schema = context.getString("schema", "fingerprint");
      if (!schema.equals("fingerprint") && !schema.equals("literal")) {
        throw new IllegalArgumentException("schema must be fingerprint or literal, not " + schema);
      }
      schemaLiteral = schema.equals("literal");
      ignoreNonClicks = context.getBoolean("accesslog.ignoreNonClicks", false);
      counterGroup = context.getString("counterGroup", "etl");
      Map<String, String> configured = context.getSubProperties("urlPattern.");
      if (!configured.isEmpty()) {
        List<UrlPattern> list = new ArrayList<>();
        configured.forEach(
            (label, spec) -> {
              String[] parts = spec.trim().split("\\s+", 2);
              if (parts.length != 2) {
                throw new IllegalArgumentException(
                    "urlPattern." + label + " must be '<event type> <template>'");
              }
              list.add(new UrlPattern(parts[0], parts[1]));
            });
        patterns = list;
      }
    }

    @Override
    public Interceptor build() {
      return new ClickEventEtlInterceptor(
          format,
          maxBodyBytes,
          schemaUrl,
          schemaLiteral,
          new AccessLogParser(patterns, ignoreNonClicks),
          maxClockSkewMillis,
          counterGroup,
          new DeadLetterLog(LOG, System::currentTimeMillis));
    }
  }
}
