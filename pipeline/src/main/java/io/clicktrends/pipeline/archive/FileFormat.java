package io.clicktrends.pipeline.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * How records of type {@code T} are laid out in one rolling file, and how the readable part of a
 * file a crashed writer left behind is recovered. Implementations are serializable (they travel
 * inside the DoFn) and stateless.
 */
public interface FileFormat<T> extends Serializable {
  /** The file name extension, with its dot: {@code .avro}. */
  String extension();

  /**
   * Starts a file on {@code out} (writes its header, if any). The appender owns {@code out} from
   * here on.
   */
  Appender<T> open(OutputStream out) throws IOException;

  /**
   * Copies every complete record of a possibly truncated file {@code in} (what a crashed writer
   * left: complete blocks or lines, then perhaps a torn tail) to a new file on {@code out}, which
   * it closes.
   *
   * @return the number of records copied; 0 when nothing readable was there
   */
  long recover(InputStream in, OutputStream out) throws IOException;

  /** Writes records to one open file. Not thread-safe: {@link RollingFile} serializes the calls. */
  interface Appender<T> {
    void append(T record) throws IOException;

    /**
     * Ends the current block so that everything appended so far is complete and readable in the
     * bytes written, and pushes those bytes to the stream given to {@link FileFormat#open} (which
     * the caller then syncs).
     */
    void flush() throws IOException;

    /** Flushes and closes the stream. */
    void close() throws IOException;
  }
}
