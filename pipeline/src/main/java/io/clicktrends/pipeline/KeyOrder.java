package io.clicktrends.pipeline;

import java.util.Comparator;
import java.util.Map;

/**
 * The one ranking order of trend items: count descending, then key ascending in UTF-8 byte order.
 */
public final class KeyOrder {
  private KeyOrder() {}

  /**
   * Code-point order equals UTF-8 byte order; {@link String#compareTo} (UTF-16 units) differs for
   * characters above U+FFFF against U+E000..U+FFFF, so it is not used.
   */
  public static final Comparator<String> UTF8 = KeyOrder::compareUtf8;

  public static int compareUtf8(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        boolean sa = Character.isSurrogate(ca);
        boolean sb = Character.isSurrogate(cb);
        // Same kind (two BMP chars, or two surrogates after an equal prefix): char order is
        // code-point order.
        // Otherwise the surrogate starts a supplementary character, which sorts after every BMP
        // character.
        return sa == sb ? Character.compare(ca, cb) : (sa ? 1 : -1);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** Compares (key, count) entries: the higher count first, ties by key. */
  public static int compareRanked(String keyA, long countA, String keyB, long countB) {
    int c = Long.compare(countB, countA);
    return c != 0 ? c : compareUtf8(keyA, keyB);
  }

  public static final Comparator<Map.Entry<String, Long>> RANKED =
      (a, b) -> compareRanked(a.getKey(), a.getValue(), b.getKey(), b.getValue());
}
