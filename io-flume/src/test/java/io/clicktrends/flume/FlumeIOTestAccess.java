package io.clicktrends.flume;

import java.util.List;

/** Builds a source the way FlumeIO.read() does, for reader-level tests. */
final class FlumeIOTestAccess {
  private FlumeIOTestAccess() {}

  static FlumeSource source(String address, int batchSize) {
    return new FlumeSource(List.of(address),
        new FlumeSource.Settings(batchSize, 2_000, 120_000, 5_000, 30_000, Long.MAX_VALUE, true));
  }
}
