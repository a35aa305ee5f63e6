package io.clicktrends.pipeline;

import java.io.Serializable;

/**
 * How the incremental engine partitions its ranking state: one ring per (dimension, shard), the
 * shard a hash of the item key, so each key lives in exactly one ring. Ring keys read {@code
 * dimension/shard}, e.g. {@code search/3}.
 *
 * <p>Why: a runner keeps and re-encodes state per key; under one key every dimension's ring sat on
 * one core and its whole state was decoded and encoded each micro-batch. Per (dimension, shard),
 * rings spread over the workers, and a micro-batch touches only the rings it has data for.
 */
final class RankingShards implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int shards;

  RankingShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("--rankingShards=" + shards + " must be at least 1");
    }
    this.shards = shards;
  }

  int count() {
    return shards;
  }

  /** The ring key of an item: its dimension and the shard its key hashes to. */
  String ringOf(String dimension, String itemKey) {
    return ring(dimension, shards == 1 ? 0 : Math.floorMod(mix(itemKey.hashCode()), shards));
  }

  static String ring(String dimension, int shard) {
    return dimension + "/" + shard;
  }

  static String dimensionOf(String ring) {
    return ring.substring(0, ring.lastIndexOf('/'));
  }

  static int shardOf(String ring) {
    return Integer.parseInt(ring.substring(ring.lastIndexOf('/') + 1));
  }

  /**
   * String.hashCode is fixed by the Java spec (stable across JVMs); the mix spreads its low bits.
   */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
