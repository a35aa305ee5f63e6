package io.clicktrends.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.clicktrends.schema.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class DimensionTest {
  @Test
  public void searchQueriesAreNormalised() {
    assertEquals("red shoes", Dimension.normalizeQuery("  Red \t\u00A0 SHOES\n"));
    assertEquals(
        "red shoes", Dimension.normalizeQuery("\uFF32\uFF45\uFF44 shoes")); // full-width, NFKC
    assertEquals("caf\u00E9", Dimension.normalizeQuery("CAFE\u0301")); // combining accent composed
    assertNull(Dimension.search.keyOf(TestEvents.click(EventType.search, "   ", 0)));
  }

  @Test
  public void eachDimensionRanksByItsKey() {
    assertEquals(
        "p1", Dimension.add_to_cart.keyOf(TestEvents.click(EventType.add_to_cart, "p1", 0)));
    assertEquals(
        "shoes",
        Dimension.category_view.keyOf(TestEvents.click(EventType.category_view, "shoes", 0)));
    assertNull(Dimension.forType(EventType.page_view));
    assertEquals(Dimension.remove_from_cart, Dimension.forType(EventType.remove_from_cart));
  }

  @Test
  public void keysOrderByUtf8BytesNotUtf16Units() {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in
    // UTF-16
    String fullwidthTilde = "\uFF5E";
    String emoji = new String(Character.toChars(0x1F600));
    assertTrue(KeyOrder.compareUtf8(fullwidthTilde, emoji) < 0);
    assertTrue(fullwidthTilde.compareTo(emoji) > 0);
    List<String> keys = new ArrayList<>(List.of("b", "ab", "a", emoji, fullwidthTilde));
    keys.sort(KeyOrder.UTF8);
    assertEquals(List.of("a", "ab", "b", fullwidthTilde, emoji), keys);
  }

  @Test
  public void keyOrderEqualsUtf8ByteOrderOnRandomStrings() {
    java.util.Random r = new java.util.Random(11);
    int[] alphabet = {'a', 'b', 0xE9, 0x4E2D, 0xFF5E, 0xE000, 0x1F600, 0x1F601, 0x10000};
    for (int i = 0; i < 20_000; i++) {
      String a = randomString(r, alphabet);
      String b = randomString(r, alphabet);
      int expected =
          Integer.signum(
              java.util.Arrays.compareUnsigned(
                  a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertEquals(a + " vs " + b, expected, Integer.signum(KeyOrder.compareUtf8(a, b)));
    }
  }

  private static String randomString(java.util.Random r, int[] alphabet) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
    }
    return sb.toString();
  }

  /**
   * Unicode White_Space, from the Unicode Character Database's PropList.txt (Unicode 15),
   * independent of the JDK.
   */
  static final int[] WHITE_SPACE = {
    0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x0020, 0x0085, 0x00A0, 0x1680, 0x2000, 0x2001, 0x2002,
    0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
    0x3000
  };

  /** Eight spellings of one search are one key, not "red shoes"=4 and four one-count keys. */
  @Test
  public void theEightSpellingsOfRedShoesAreOneKey() {
    List<String> typed =
        List.of(
            "red shoes",
            " RED\u00a0\u00a0SHOES ",
            "\uff32\uff45\uff44\u3000\uff33\uff28\uff2f\uff25\uff33",
            "red\tshoes\n",
            "red\u2028shoes",
            "red\u0085shoes",
            "red\u1680shoes",
            "red shoes\u2028");
    for (String q : typed) {
      assertEquals(q, "red shoes", Dimension.normalizeQuery(q));
    }
  }

  @Test
  public void everyWhiteSpaceCharacterIsWhitespaceAndNothingElseIs() {
    java.util.Set<Integer> ws = new java.util.HashSet<>();
    for (int cp : WHITE_SPACE) {
      ws.add(cp);
      String s = new String(Character.toChars(cp));
      assertEquals(
          Integer.toHexString(cp), "a b", Dimension.normalizeQuery(s + "a" + s + s + "b" + s));
      assertEquals(Integer.toHexString(cp), "", Dimension.normalizeQuery(s));
    }
    // No other code point is treated as whitespace (zero-width space, BOM, control characters
    // stay).
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (ws.contains(cp) || Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        continue;
      }
      String s = "a" + new String(Character.toChars(cp)) + "b";
      String n = Dimension.normalizeQuery(s);
      // NFKC may turn a compatibility space into U+0020 (e.g. U+FF00 is unassigned, U+3000 is
      // listed above): only a
      // code point that NFKC maps to something with a space in it may yield one.
      String nfkc =
          java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)
              .toLowerCase(java.util.Locale.ROOT);
      if (!nfkc.codePoints().anyMatch(ws::contains)) {
        assertEquals(Integer.toHexString(cp), nfkc, n);
      }
    }
  }
}
