package io.clicktrends.flume.sink;

import io.clicktrends.flume.etl.ClickEventAvro;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.serialization.EventSerializer;

/**
 * Writes event bodies (already binary Avro ClickEvents from the ETL interceptor) into an Avro container file with the
 * ClickEvent schema, without decoding them: a stand-in archive for the file_roll sink until the archive issue lands.
 */
public final class ClickEventArchiveSerializer implements EventSerializer {
  private final OutputStream out;
  private final DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(ClickEventAvro.SCHEMA));

  private ClickEventArchiveSerializer(OutputStream out) {
    this.out = out;
    writer.setCodec(CodecFactory.deflateCodec(1));
  }

  @Override
  public void afterCreate() throws IOException {
    writer.create(ClickEventAvro.SCHEMA, out);
  }

  @Override
  public void afterReopen() {
    throw new UnsupportedOperationException("Avro container files cannot be reopened for append");
  }

  @Override
  public void write(Event event) throws IOException {
    writer.appendEncoded(ByteBuffer.wrap(event.getBody()));
  }

  @Override
  public void flush() throws IOException {
    writer.flush();
  }

  @Override
  public void beforeClose() throws IOException {
    writer.flush();
  }

  @Override
  public boolean supportsReopen() {
    return false;
  }

  /** {@code sinks.<name>.sink.serializer = io.clicktrends.flume.sink.ClickEventArchiveSerializer$Builder} */
  public static final class Builder implements EventSerializer.Builder {
    @Override
    public EventSerializer build(Context context, OutputStream out) {
      return new ClickEventArchiveSerializer(out);
    }
  }
}
