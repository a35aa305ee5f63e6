package io.clicktrends.pipeline.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * One JSON object per line (UTF-8, {@code \n}). A flush writes whole lines only, so a torn file is
 * readable up to its last newline, which is what {@link #recover} keeps.
 */
public final class JsonLinesFormat<T> implements FileFormat<T> {
  private static final long serialVersionUID = 1L;
  private final SerializableFunction<T, String> toJson;

  private JsonLinesFormat(SerializableFunction<T, String> toJson) {
    this.toJson = toJson;
  }

  /**
   * @param toJson one record as a single-line JSON object (no newline inside)
   */
  public static <T> JsonLinesFormat<T> of(SerializableFunction<T, String> toJson) {
    return new JsonLinesFormat<>(toJson);
  }

  @Override
  public String extension() {
    return ".json";
  }

  @Override
  public Appender<T> open(OutputStream out) {
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    return new Appender<>() {
      @Override
      public void append(T record) throws IOException {
        pending.write(toJson.apply(record).getBytes(StandardCharsets.UTF_8));
        pending.write('\n');
      }

      @Override
      public void flush() throws IOException {
        pending.writeTo(out);
        pending.reset();
        out.flush();
      }

      @Override
      public void close() throws IOException {
        try (out) {
          flush();
        }
      }
    };
  }

  @Override
  public long recover(InputStream in, OutputStream out) throws IOException {
    byte[] bytes;
    try (in) {
      bytes = in.readAllBytes();
    }
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--; // drop a torn last line
    }
    long lines = 0;
    for (int i = 0; i < end; i++) {
      if (bytes[i] == '\n') {
        lines++;
      }
    }
    try (out) {
      out.write(bytes, 0, end);
    }
    return lines;
  }
}
