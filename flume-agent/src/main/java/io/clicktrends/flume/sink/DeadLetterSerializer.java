package io.clicktrends.flume.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clicktrends.schema.EventHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.serialization.EventSerializer;

/**
 * Writes dead-lettered events as JSON lines, one per event, for the file_roll sink of the
 * dead-letter channel: {@code
 * {"reason","detail","stage":"ingest","rejectedAt","originalSize","raw","rawBase64"}}. {@code raw}
 * is the body as text when it is valid UTF-8 (readable with grep), {@code rawBase64} always holds
 * the exact bytes. Field names follow the {@code DeadLetter} Avro record so the pipeline's dead
 * letters and these read alike.
 */
public final class DeadLetterSerializer implements EventSerializer {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final OutputStream out;

  private DeadLetterSerializer(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(Event event) throws IOException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("reason", event.getHeaders().getOrDefault(EventHeaders.REASON, "UNROUTED"));
    n.put(
        "detail",
        event
            .getHeaders()
            .getOrDefault(
                EventHeaders.DETAIL,
                "event reached the dead-letter channel without a reason (no ETL interceptor on its source?)"));
    n.put("stage", "ingest");
    n.put("rejectedAt", System.currentTimeMillis());
    String original = event.getHeaders().get(EventHeaders.ORIGINAL_SIZE);
    n.put("originalSize", original == null ? event.getBody().length : Long.parseLong(original));
    String text = utf8OrNull(event.getBody());
    if (text != null) {
      n.put("raw", text);
    }
    n.put("rawBase64", Base64.getEncoder().encodeToString(event.getBody()));
    out.write(MAPPER.writeValueAsBytes(n));
    out.write('\n');
  }

  private static String utf8OrNull(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  @Override
  public void afterCreate() {}

  @Override
  public void afterReopen() {}

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void beforeClose() {}

  @Override
  public boolean supportsReopen() {
    return true;
  }

  /**
   * {@code sinks.<name>.sink.serializer = io.clicktrends.flume.sink.DeadLetterSerializer$Builder}
   */
  public static final class Builder implements EventSerializer.Builder {
    @Override
    public EventSerializer build(Context context, OutputStream out) {
      return new DeadLetterSerializer(out);
    }
  }
}
