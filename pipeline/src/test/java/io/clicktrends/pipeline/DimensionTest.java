package io.clicktrends.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.clicktrends.schema.EventType;
import java.util.List;
import java.util.ArrayList;
import org.junit.Test;

public class DimensionTest {
  @Test
  public void searchQueriesAreNormalised() {
    assertEquals("red shoes", Dimension.normalizeQuery("  Red \t\u00A0 SHOES\n"));
    assertEquals("red shoes", Dimension.normalizeQuery("\uFF32\uFF45\uFF44 shoes")); // full-width, NFKC
    assertEquals("caf\u00E9", Dimension.normalizeQuery("CAFE\u0301")); // combining accent composed
    assertNull(Dimension.search.keyOf(TestEvents.click(EventType.search, "   ", 0)));
  }

  @Test
  public void eachDimensionRanksByItsKey() {
    assertEquals("p1", Dimension.add_to_cart.keyOf(TestEvents.click(EventType.add_to_cart, "p1", 0)));
    assertEquals("shoes", Dimension.category_view.keyOf(TestEvents.click(EventType.category_view, "shoes", 0)));
    assertNull(Dimension.forType(EventType.page_view));
    assertEquals(Dimension.remove_from_cart, Dimension.forType(EventType.remove_from_cart));
  }

  @Test
  public void keysOrderByUtf8BytesNotUtf16Units() {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16
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
      int expected = Integer.signum(java.util.Arrays.compareUnsigned(
          a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
}
