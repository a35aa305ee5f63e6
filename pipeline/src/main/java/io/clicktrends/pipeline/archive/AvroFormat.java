package io.clicktrends.pipeline.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro container files of one specific record class, deflate-compressed. Each {@link
 * Appender#flush()} ends an Avro block (block + sync marker), so a file cut anywhere after a flush
 * still reads back up to that flush: that is what makes a bundle durable without closing the file,
 * and what {@link #recover} relies on.
 */
public final class AvroFormat<T extends SpecificRecord> implements FileFormat<T> {
  private static final long serialVersionUID = 1L;
  private static final int DEFLATE_LEVEL = 6;
  private final Class<T> type;

  private AvroFormat(Class<T> type) {
    this.type = type;
  }

  public static <T extends SpecificRecord> AvroFormat<T> of(Class<T> type) {
    return new AvroFormat<>(type);
  }

  @Override
  public String extension() {
    return ".avro";
  }

  @Override
  public Appender<T> open(OutputStream out) throws IOException {
    DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
    writer.setCodec(CodecFactory.deflateCodec(DEFLATE_LEVEL));
    writer.create(schema(), out);
    return new Appender<>() {
      @Override
      public void append(T record) throws IOException {
        writer.append(record);
      }

      @Override
      public void flush() throws IOException {
        writer.flush(); // writes the pending block and its sync marker, then flushes the stream
      }

      @Override
      public void close() throws IOException {
        writer.close();
      }
    };
  }

  @Override
  public long recover(InputStream in, OutputStream out) throws IOException {
    DataFileStream<GenericRecord> reader;
    try {
      reader = new DataFileStream<>(in, new GenericDatumReader<>());
    } catch (IOException | AvroRuntimeException torn) {
      in.close();
      out.close();
      return 0; // not even the header made it to disk
    }
    long records = 0;
    try (reader;
        DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>())) {
      writer.setCodec(CodecFactory.deflateCodec(DEFLATE_LEVEL));
      writer.create(reader.getSchema(), out);
      GenericRecord reuse = null;
      try {
        // DataFileStream reads a whole block and checks its sync marker before it hands out the
        // block's records,
        // so a torn last block ends the loop (EOF or a bad sync marker) without yielding any of its
        // records.
        while (reader.hasNext()) {
          reuse = reader.next(reuse);
          writer.append(reuse);
          records++;
        }
      } catch (IOException | AvroRuntimeException tornTail) {
        // keep what was complete
      }
    }
    return records;
  }

  private org.apache.avro.Schema schema() {
    try {
      return (org.apache.avro.Schema) type.getMethod("getClassSchema").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(type + " is not a generated Avro specific record", e);
    }
  }
}
