package io.clicktrends.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The event body on the wire between the agent and the pipeline: one plain binary Avro datum of
 * {@link ClickEvent} (no container header, no single-object marker), which is what Flume's Avro
 * tooling expects together with the schema in a {@code flume.avro.schema.*} header.
 */
public final class ClickEventAvro {
  public static final Schema SCHEMA = ClickEvent.getClassSchema();

  /**
   * {@link #SCHEMA} as JSON, computed once: Schema.toString() serializes the whole schema on every
   * call.
   */
  public static final String SCHEMA_JSON = SCHEMA.toString();

  /**
   * {@link #SCHEMA}'s CRC-64-AVRO fingerprint (Avro spec, "Schema Fingerprints") as 16 hex digits.
   */
  public static final String FINGERPRINT =
      String.format("%016x", SchemaNormalization.parsingFingerprint64(SCHEMA));

  // Writers and readers are not thread-safe to share across threads while in use; they are cheap,
  // so make them per call
  // site via ThreadLocal.
  private static final ThreadLocal<DatumWriter<ClickEvent>> WRITER =
      ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(ClickEvent.class));
  private static final ThreadLocal<DatumReader<ClickEvent>> READER =
      ThreadLocal.withInitial(() -> new SpecificDatumReader<>(ClickEvent.class));

  private ClickEventAvro() {}

  public static byte[] encode(ClickEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      WRITER.get().write(event, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Decodes a body written with our schema. */
  public static ClickEvent decode(byte[] body) throws IOException {
    return decode(body, READER.get());
  }

  /**
   * Decodes a body written with {@code writerSchema} (schema evolution: an older or newer agent).
   */
  public static ClickEvent decode(byte[] body, Schema writerSchema) throws IOException {
    return decode(body, new SpecificDatumReader<>(writerSchema, SCHEMA));
  }

  private static ClickEvent decode(byte[] body, DatumReader<ClickEvent> reader) throws IOException {
    BinaryDecoder dec = DecoderFactory.get().binaryDecoder(body, null);
    ClickEvent event = reader.read(null, dec);
    if (!dec.isEnd()) {
      throw new IOException("trailing bytes after a ClickEvent datum");
    }
    return event;
  }
}
