package io.clicktrends.testdata;

import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.ClickEventJson;
import io.clicktrends.schema.EventType;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a JSON-lines demo clickstream with every dimension (the YOOCHOOSE sample has product views
 * only): the seeded Zipf generator's events, with readable search terms and category names for the
 * hot ranks, and one search term a visitor might type to attack the dashboard.
 *
 * <pre>java -cp ... io.clicktrends.testdata.DemoClicks OUT.jsonl [events] [hours] [seed]</pre>
 */
public final class DemoClicks {
  private static final String[] QUERIES = {
    "running shoes",
    "iphone case",
    "rain jacket",
    "coffee grinder",
    "yoga mat",
    "usb-c cable",
    "desk lamp",
    "<img src=x onerror=alert(1)>",
    "wireless earbuds",
    "backpack",
    "water bottle",
    "sunglasses"
  };
  private static final String[] CATEGORIES = {
    "shoes",
    "phones",
    "outdoor",
    "kitchen",
    "sports",
    "electronics",
    "home",
    "bags",
    "accessories",
    "garden"
  };

  private DemoClicks() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: DemoClicks OUT.jsonl [events=20000] [hours=3] [seed=7]");
      System.exit(2);
    }
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    long hours = args.length > 2 ? Long.parseLong(args[2]) : 3;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 7;
    List<ClickEvent> clicks =
        new ClickstreamGenerator()
            .seed(seed)
            .events(events)
            .items(500)
            .skew(1.1)
            .span(hours * 3600_000L)
            .types(
                List.of(
                    EventType.product_view,
                    EventType.product_view,
                    EventType.add_to_cart,
                    EventType.search,
                    EventType.category_view,
                    EventType.purchase,
                    EventType.remove_from_cart,
                    EventType.page_view))
            .generate();
    try (Writer w = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
      for (ClickEvent e : clicks) {
        w.write(ClickEventJson.toJson(readable(e)));
        w.write('\n');
      }
    }
  }

  /**
   * Swaps the generator's "query 3" / "category-3" for names, keeping the rank (and so the skew).
   */
  static ClickEvent readable(ClickEvent e) {
    ClickEvent.Builder b = ClickEvent.newBuilder(e);
    if (e.getQuery() != null) {
      int rank = Integer.parseInt(e.getQuery().substring("query ".length()));
      b.setQuery(rank < QUERIES.length ? QUERIES[rank] : e.getQuery());
    }
    if (e.getCategory() != null) {
      int rank = Integer.parseInt(e.getCategory().substring("category-".length()));
      b.setCategory(rank < CATEGORIES.length ? CATEGORIES[rank] : e.getCategory());
    }
    return b.build();
  }
}
