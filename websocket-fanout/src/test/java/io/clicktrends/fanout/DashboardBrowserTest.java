package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.fail;

import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.schema.Trend;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in headless Chromium, fed through the real broker and the fan-out service. */
public class DashboardBrowserTest {
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final String XSS = "<img src=x onerror=alert(1)>";

  private static AmqpBrokerResolver.ResolvedBroker broker;
  private static FanoutServer server;
  private static TrendFixtures publisher;
  private static ChromeDriver driver;
  private static Path profile;
  private static Path labels;

  /** The browser's time zone: the page shows local time with its UTC offset. */
  private static final String TZ = "Asia/Kolkata";

  @BeforeClass
  public static void start() throws Exception {
    boolean present = CHROMEDRIVER.canExecute() && CHROMIUM.canExecute();
    if (!present) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(
            "CI=true but "
                + CHROMIUM
                + " or "
                + CHROMEDRIVER
                + " is missing: apt-get install chromium chromium-driver");
      }
      System.out.println(
          "SKIPPED DashboardBrowserTest: "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing (apt-get install chromium chromium-driver)");
      Assume.assumeTrue("chromium and chromium-driver are not installed", false);
    }
    broker = AmqpBrokerResolver.resolve();
    String exchange = "clicktrends.test.dashboard." + UUID.randomUUID();
    labels = Files.createTempFile("clicktrends-labels-", ".csv");
    Files.writeString(
        labels,
        "dimension,key,label\n"
            + "label_view,214000001,\"Trail runner X2, blue\"\n"
            + "label_view,214000002,"
            + XSS
            + "\n"
            + "product_view,214000001,Trail runner X2\n"
            + "product_view,214000002,Canvas tote\n"
            + "product_view,214000003,Wool beanie\n"
            + "product_view,214000004,Rain jacket\n"
            + "product_view,214000005,Thermal mug\n");
    server =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri(broker.uri())
                .setExchange(exchange)
                .setLabelsFile(labels)
                .setPingIntervalSeconds(1)
                .build());
    assertThat(server.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
    publisher = new TrendFixtures(broker.uri(), exchange);

    profile = Files.createTempDirectory("clicktrends-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=en-US",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .withEnvironment(java.util.Map.of("TZ", TZ))
            .build();
    driver = new ChromeDriver(service, options);
  }

  @AfterClass
  public static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (publisher != null) {
      publisher.deleteExchange();
      publisher.close();
    }
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static WebDriverWait waitUpTo(Duration d) {
    WebDriverWait w = new WebDriverWait(driver, d);
    w.pollingEvery(Duration.ofMillis(20));
    w.ignoring(
        StaleElementReferenceException
            .class); // a list re-rendered while it was being read: read it again
    return w;
  }

  /** The names shown under Top (the label where there is one, else the key). */
  private static List<String> keys(String dimension) {
    return texts("section[data-dimension='" + dimension + "'] .col.top .key");
  }

  private static List<String> rising(String dimension) {
    return texts("section[data-dimension='" + dimension + "'] .col.rising .key");
  }

  private static List<String> texts(String css) {
    return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
  }

  private static String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  @Test
  public void showsTrendsLiveAndRendersKeysAsText() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10))
        .until(d -> d.findElement(By.id("connection")).getText().equals("live"));

    Trend first = TrendFixtures.trend("search", 1_396_437_600L, 0, "red shoes", XSS, "blue hat");
    long t0 = System.nanoTime();
    publisher.publish(first);
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("search").size() == 3);
    long shownMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "published trend shown by the dashboard " + shownMs + " ms after publishing");
    assertThat(shownMs, lessThan(1000L));
    assertThat(keys("search"), equalTo(List.of("red shoes", XSS, "blue hat")));
    // rendered as characters: no element was created from the key, and no alert fired
    assertThat(driver.findElements(By.cssSelector("main img")).size(), equalTo(0));
    assertNoAlert();

    Trend next =
        TrendFixtures.trend(
            "search", 1_396_437_610L, 0, "blue hat", "red shoes", "green scarf", XSS);
    t0 = System.nanoTime();
    publisher.publish(next);
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> keys("search").equals(List.of("blue hat", "red shoes", "green scarf", XSS)));
    long updatedMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("next window shown " + updatedMs + " ms after publishing");
    assertThat(updatedMs, lessThan(1000L));
    List<String> moves = texts("section[data-dimension='search'] .col.top .move");
    assertThat(moves, equalTo(List.of("▲2", "▼1", "new", "▼2")));
    // rank arrows have a text alternative
    List<String> alts =
        driver
            .findElements(By.cssSelector("section[data-dimension='search'] .col.top .move"))
            .stream()
            .map(e -> e.getAttribute("aria-label"))
            .toList();
    assertThat(
        alts, equalTo(List.of("up 2 places", "down 1 place", "new in the list", "down 2 places")));
    // local time (the browser runs in Asia/Kolkata) with the UTC offset shown
    String window = text("section[data-dimension='search'] .window");
    assertThat(window, window.startsWith("16:40:10–16:50:10 UTC+05:30"), equalTo(true));
    assertThat(text("#timezone"), equalTo("Times in local time, UTC+05:30"));
    // a real list, named by its heading
    assertThat(
        driver
            .findElement(By.cssSelector("section[data-dimension='search'] .col.top ol"))
            .getAttribute("role"),
        equalTo("list"));
    assertThat(driver.findElements(By.cssSelector("main img")).size(), equalTo(0));
    assertNoAlert();
  }

  @Test
  public void aPageForSomeDimensionsShowsOnlyThose() throws Exception {
    // in the snapshot the page gets on connect, before its subscription reaches the service
    publisher.publish(
        TrendFixtures.trend("search", 1_396_500_000L, 0, "in the snapshot"),
        TrendFixtures.trend("purchase", 1_396_500_000L, 0, "p1"));
    driver.get(server.uri() + "?dimensions=purchase");
    waitUpTo(Duration.ofSeconds(10)).until(d -> keys("purchase").equals(List.of("p1")));
    publisher.publish(
        TrendFixtures.trend("search", 1_396_500_010L, 0, "after"),
        TrendFixtures.trend("purchase", 1_396_500_010L, 0, "p2"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("purchase").equals(List.of("p2")));
    assertThat(
        driver.findElements(By.cssSelector("section[data-dimension='search']")).size(), equalTo(0));
  }

  @Test
  public void reconnectsByItselfWhenTheServiceRestarts() throws Exception {
    String exchange = "clicktrends.test.dashboard.restart." + UUID.randomUUID();
    FanoutConfig config =
        FanoutConfig.builder()
            .setPort(0)
            .setBindHost("127.0.0.1")
            .setRabbitmqUri(broker.uri())
            .setExchange(exchange)
            .build();
    FanoutServer running = FanoutServer.start(config);
    TrendFixtures restartPublisher = new TrendFixtures(broker.uri(), exchange);
    try {
      driver.get(running.uri().toString());
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));

      int port = running.port();
      running.close();
      running = null;
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().startsWith("disconnected"));
      long down = System.nanoTime();
      running = FanoutServer.start(config.toBuilder().setPort(port).build());
      assertThat(running.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
      // the page retries with a capped backoff (at most 10 s between attempts); no reload
      waitUpTo(Duration.ofSeconds(20)).until(d -> connection().equals("live"));
      System.out.println(
          "dashboard live again "
              + (System.nanoTime() - down) / 1_000_000
              + " ms after the service went down");

      restartPublisher.publish(
          TrendFixtures.trend("category_view", 1_396_437_600L, 0, "shoes", "hats"));
      waitUpTo(Duration.ofSeconds(5))
          .until(d -> keys("category_view").equals(List.of("shoes", "hats")));
    } finally {
      restartPublisher.deleteExchange();
      restartPublisher.close();
      if (running != null) {
        running.close();
      }
    }
  }

  /**
   * With a sub-second slide, "…:00.500Z" must count as later than "…:00Z" (as an instant, not as a
   * string).
   */
  @Test
  public void subSecondWindowsAreComparedAsInstants() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
    Instant end = Instant.parse("2014-04-02T11:20:00Z");
    publisher.publish(TrendFixtures.trend("subsecond", end, 0, "first"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("subsecond").equals(List.of("first")));
    publisher.publish(
        TrendFixtures.trend("subsecond", end.plusMillis(500), 0, "half a second later"));
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> keys("subsecond").equals(List.of("half a second later")));
    assertThat(
        text("section[data-dimension='subsecond'] .window"),
        containsString("16:50:00.5 UTC+05:30"));
    // and the snapshot of a page opened now agrees
    driver.navigate().refresh();
    waitUpTo(Duration.ofSeconds(10))
        .until(d -> keys("subsecond").equals(List.of("half a second later")));
  }

  @Test
  public void aRisingItemAppearsUnderRisingBesideTheTopItems() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
    Instant end = Instant.parse("2014-04-02T12:00:00Z");
    publisher.publish(TrendFixtures.trend("rising_search", end, 0, "shoes", "hats"));
    publisher.publishRising("rising_search", end, "trail boots", 12_345L, 3L, "hats", 10L, 4L);
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> rising("rising_search").equals(List.of("trail boots", "hats")));
    assertThat(
        "the rising trend did not replace the top trend",
        keys("rising_search"),
        equalTo(List.of("shoes", "hats")));
    String row = "section[data-dimension='rising_search'] .col.rising li:first-child ";
    assertThat(text(row + ".count"), equalTo("12,345")); // thousands separators
    assertThat(text(row + ".change"), equalTo("from 3")); // the count in the window before
    assertThat(text("section[data-dimension='rising_search'] .total"), equalTo("30 events"));
    assertThat(
        driver
            .findElement(By.cssSelector("section[data-dimension='rising_search'] .col.rising h3"))
            .getText(),
        equalTo("Rising"));
    // a later top trend leaves the rising list alone
    publisher.publish(TrendFixtures.trend("rising_search", end, 1, "hats", "shoes"));
    waitUpTo(Duration.ofSeconds(5))
        .until(d -> keys("rising_search").equals(List.of("hats", "shoes")));
    assertThat(rising("rising_search"), equalTo(List.of("trail boots", "hats")));
  }

  @Test
  public void aCardTurnsStaleWhenTrendsStop() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
    // two windows one second apart: the page learns a slide of 1 s, so three silent slides are 3 s
    Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() - 1);
    publisher.publish(
        TrendFixtures.trend("stale_d", end.minusSeconds(1), 0, "a"),
        TrendFixtures.trend("stale_d", end, 0, "a", "b"));
    String card = "section[data-dimension='stale_d']";
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("stale_d").equals(List.of("a", "b")));
    assertThat(text(card + " .freshness"), startsWith("updated "));
    assertThat(text(card + " .delay"), startsWith("delay "));
    waitUpTo(Duration.ofSeconds(15))
        .until(d -> text(card + " .freshness").startsWith("stale · updated "));
    assertThat(
        driver.findElement(By.cssSelector(card)).getAttribute("class"), containsString("stale"));
    // a trend again: fresh again
    publisher.publish(TrendFixtures.trend("stale_d", end.plusSeconds(1), 0, "b"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> text(card + " .freshness").startsWith("updated "));
  }

  @Test
  public void labelsReplaceKeysAsTextAndAnXssLabelStaysInert() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
    publisher.publish(
        TrendFixtures.trend("label_view", 1_396_437_600L, 0, "214000001", "214000002", "999"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("label_view").size() == 3);
    assertThat(keys("label_view"), equalTo(List.of("Trail runner X2, blue", XSS, "999")));
    // the key beside its label (may be cut off by a long label: read the text, not the rendering)
    assertThat(
        driver.findElements(By.cssSelector("section[data-dimension='label_view'] .rawkey")).stream()
            .map(e -> e.getAttribute("textContent"))
            .toList(),
        equalTo(List.of("214000001", "214000002")));
    assertThat(driver.findElements(By.cssSelector("main img")).size(), equalTo(0));
    assertNoAlert();
  }

  /**
   * A server that stops sending without closing the socket: the page's watchdog leaves "live" and
   * reconnects.
   */
  @Test
  public void theBadgeLeavesLiveWhenTheSocketFallsSilent() throws Exception {
    try (FreezingProxy proxy = new FreezingProxy(server.port())) {
      driver.get("http://127.0.0.1:" + proxy.port() + "/");
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
      proxy.freeze(); // bytes stop flowing both ways; no connection is closed
      waitUpTo(Duration.ofSeconds(15)).until(d -> connection().startsWith("no data for"));
      proxy.thaw();
      waitUpTo(Duration.ofSeconds(20)).until(d -> connection().equals("live"));
    }
  }

  /**
   * On `online` and when the page becomes visible, a page waiting out its backoff connects at once;
   * a live page keeps its socket. Counted by wrapping the page's WebSocket constructor: the
   * dispatch is synchronous.
   */
  @Test
  public void reconnectsAtOnceOnOnlineAndVisibilityChange() throws Exception {
    String exchange = "clicktrends.test.dashboard.online." + UUID.randomUUID();
    FanoutServer running =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri(broker.uri())
                .setExchange(exchange)
                .build());
    try {
      driver.get(running.uri().toString());
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
      String wrap =
          "window.__sockets = 0; var W = window.WebSocket;"
              + "window.WebSocket = function (u) { window.__sockets++; return new W(u); };"
              + "window.WebSocket.OPEN = W.OPEN;";
      driver.executeScript(wrap);
      Object whileLive =
          driver.executeScript(
              "window.dispatchEvent(new Event('online'));"
                  + "document.dispatchEvent(new Event('visibilitychange')); return window.__sockets;");
      assertThat("a live page keeps its socket", ((Number) whileLive).intValue(), equalTo(0));

      running.close();
      running = null;
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().startsWith("disconnected"));
      // the page's own retries run from timers, never inside this synchronous script: count only
      // the dispatch's
      assertThat(
          ((Number)
                  driver.executeScript(
                      "var n = window.__sockets; window.dispatchEvent(new Event('online'));"
                          + " return window.__sockets - n;"))
              .intValue(),
          equalTo(1));
      assertThat(
          ((Number)
                  driver.executeScript(
                      "var n = window.__sockets;"
                          + " document.dispatchEvent(new Event('visibilitychange')); return window.__sockets - n;"))
              .intValue(),
          equalTo(1));
    } finally {
      if (running != null) {
        running.close();
      }
    }
  }

  /** Badges and muted text meet WCAG AA: a contrast of 4.5:1 against what lies behind them. */
  @Test
  public void badgesAndMutedTextHaveAaContrast() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
    publisher.publish(TrendFixtures.trend("contrast", 1_396_437_600L, 0, "x", "y"));
    publisher.publish(TrendFixtures.trend("contrast", 1_396_437_610L, 0, "y", "z", "x"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("contrast").equals(List.of("y", "z", "x")));
    String js =
        "function rgb(c){var m=c.match(/[\\d.]+/g).map(Number);return m.length>3&&m[3]===0?null:m;}"
            + "function lum(c){var a=c.slice(0,3).map(function(v){v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4);});"
            + "return 0.2126*a[0]+0.7152*a[1]+0.0722*a[2];}"
            + "function bg(e){for(;e;e=e.parentElement){var c=rgb(getComputedStyle(e).backgroundColor);if(c)return c;}return [255,255,255];}"
            + "var out=[];document.querySelectorAll(arguments[0]).forEach(function(e){"
            + "var a=lum(rgb(getComputedStyle(e).color)),b=lum(bg(e));"
            + "out.push(e.className+' '+((Math.max(a,b)+0.05)/(Math.min(a,b)+0.05)).toFixed(2));});return out;";
    for (String css :
        List.of(
            "#connection",
            "#timezone",
            ".meta span",
            ".rank",
            ".move",
            ".change",
            ".muted",
            "footer",
            "footer a")) {
      @SuppressWarnings("unchecked")
      List<String> ratios = (List<String>) driver.executeScript(js, css);
      assertThat(css + " present", ratios.isEmpty(), equalTo(false));
      for (String r : ratios) {
        double ratio = Double.parseDouble(r.substring(r.lastIndexOf(' ') + 1));
        assertThat(css + " (" + r + ")", ratio >= 4.5, equalTo(true));
      }
    }
  }

  /**
   * A populated dashboard for people to look at: target/dashboard.png (docs/dashboard.png is a
   * copy). Twelve windows of history for three dimensions, with top and rising lists and labels.
   */
  @Test
  public void screenshotForHumans() throws Exception {
    // a service of its own: these windows end now, and would hide the other tests' older windows of
    // "search"
    String exchange = "clicktrends.test.dashboard.screenshot." + UUID.randomUUID();
    FanoutServer own =
        FanoutServer.start(
            FanoutConfig.builder()
                .setPort(0)
                .setBindHost("127.0.0.1")
                .setRabbitmqUri(broker.uri())
                .setExchange(exchange)
                .setLabelsFile(labels)
                .build());
    TrendFixtures publisher = new TrendFixtures(broker.uri(), exchange);
    try {
      assertThat(own.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1200));
      driver.get(own.uri() + "?dimensions=product_view,search,category_view");
      waitUpTo(Duration.ofSeconds(10)).until(d -> connection().equals("live"));
      long now = Instant.now().getEpochSecond() / 10 * 10;
      java.util.Random random = new java.util.Random(7);
      String[][] keys = {
        {"214000001", "214000002", "214000003", "214000004", "214000005"},
        {"running shoes", "rain jacket", "yoga mat", "headphones", "backpack"},
        {"shoes", "outdoor", "kitchen", "electronics", "books"}
      };
      String[] dims = {"product_view", "search", "category_view"};
      for (int w = 11; w >= 0; w--) {
        Instant end = Instant.ofEpochSecond(now - 10L * w);
        for (int d = 0; d < dims.length; d++) {
          List<io.clicktrends.schema.TrendItem> items = new java.util.ArrayList<>();
          for (int k = 0; k < keys[d].length; k++) {
            long base = (long) (4_000 / (k + 1.0) * (1 + 0.25 * Math.sin((w + 3 * k) / 2.0)));
            items.add(new io.clicktrends.schema.TrendItem(keys[d][k], base + random.nextInt(200)));
          }
          items.sort((a, b) -> Long.compare(b.getCount(), a.getCount()));
          long total =
              items.stream().mapToLong(io.clicktrends.schema.TrendItem::getCount).sum() * 3;
          publisher.publish(
              Trend.newBuilder()
                  .setDimension(dims[d])
                  .setWindowStart(end.minusSeconds(600))
                  .setWindowEnd(end)
                  .setTotal(total)
                  .setItems(items)
                  .setTiming("ON_TIME")
                  .setPaneIndex(0)
                  .setEmittedAt(Instant.now())
                  .build());
          publisher.publishRising(
              dims[d], end, keys[d][4], 900L + 40 * (11 - w), 120L, keys[d][3], 1_400L, 700L);
        }
      }
      waitUpTo(Duration.ofSeconds(10))
          .until(d -> rising("search").equals(List.of("backpack", "headphones")));
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path target = Path.of("target", "dashboard.png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      System.out.println("screenshot: " + target.toAbsolutePath());
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    } finally {
      publisher.deleteExchange();
      publisher.close();
      own.close();
    }
  }

  private static String connection() {
    return driver.findElement(By.id("connection")).getText();
  }

  private static void assertNoAlert() {
    try {
      String text = driver.switchTo().alert().getText();
      fail("an alert fired: " + text);
    } catch (NoAlertPresentException expected) {
      // nothing executed
    }
  }
}
