package io.clicktrends.flume;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clicktrends.flume.agent.FlumeAgent;
import io.clicktrends.schema.ClickEvent;
import io.clicktrends.schema.EventType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser path end to end with real parts: the shipped {@code tracker/example.html} and {@code
 * clicktrends.js}, served over http from a loopback page server, clicked through in headless
 * Chromium, POSTed cross-origin to a real in-process Flume agent whose {@code allowedOrigins} is
 * that page's origin, and read back with {@code FlumeIO} on the DirectRunner. The same page loaded
 * from another origin ({@code localhost} instead of {@code 127.0.0.1}) is refused.
 */
public class TrackerBrowserTest {
  private static final Logger LOG = LoggerFactory.getLogger(TrackerBrowserTest.class);
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final String XSS = "<img src=x onerror=alert(1)>";

  /** The endpoint written in example.html; the page server swaps in the test agent's. */
  private static final String EXAMPLE_ENDPOINT = "\"http://localhost:41415/\"";

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static HttpServer pages;
  private static FlumeAgent agent;
  private static ChromeDriver driver;
  private static String allowedOrigin;
  private static String forbiddenOrigin;
  private static long t0;

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
          "SKIPPED TrackerBrowserTest: "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing (apt-get install chromium chromium-driver)");
      Assume.assumeTrue("chromium and chromium-driver are not installed", false);
    }
    t0 = System.nanoTime();
    // The page server first: its origin is what the agent allows.
    pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    int pagePort = pages.getAddress().getPort();
    allowedOrigin = "http://127.0.0.1:" + pagePort;
    forbiddenOrigin = "http://localhost:" + pagePort; // same server, another origin
    agent =
        FlumeAgent.builder()
            .dataDir(TMP.newFolder("flume").toPath())
            .bind("127.0.0.1")
            .freePorts()
            .allowedOrigins(allowedOrigin)
            .build()
            .start(Duration.ofSeconds(60));
    String page = resource("/tracker/example.html");
    if (!page.contains(EXAMPLE_ENDPOINT)) {
      throw new AssertionError(
          "example.html no longer configures " + EXAMPLE_ENDPOINT + "; update this test");
    }
    byte[] html =
        page.replace(EXAMPLE_ENDPOINT, "\"" + agent.httpEndpoint() + "\"")
            .getBytes(StandardCharsets.UTF_8);
    byte[] js = resource("/tracker/clicktrends.js").getBytes(StandardCharsets.UTF_8);
    pages.createContext(
        "/",
        ex -> {
          switch (ex.getRequestURI().getPath()) {
            case "/example.html" -> respond(ex, 200, "text/html; charset=utf-8", html);
            case "/clicktrends.js" -> respond(ex, 200, "text/javascript; charset=utf-8", js);
            default -> respond(ex, 404, "text/plain", new byte[0]);
          }
        });
    pages.start();

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
        "--user-data-dir=" + TMP.newFolder("chromium"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    LOG.info(
        "page server {}, agent {} and Chromium up in {} ms",
        allowedOrigin,
        agent.httpEndpoint(),
        ms(t0));
  }

  @AfterClass
  public static void stop() {
    long s0 = System.nanoTime();
    if (driver != null) {
      driver.quit();
    }
    if (pages != null) {
      pages.stop(0);
    }
    long a0 = System.nanoTime();
    if (agent != null) {
      agent.stop();
    }
    LOG.info("teardown {} ms (agent stop {} ms)", ms(s0), ms(a0));
  }

  @Test
  public void trackedClicksReachThePipelineOnceAndOtherOriginsAreRefused() throws Exception {
    // 1. The same page from a disallowed origin: its clicks are refused by the agent.
    driver.get(forbiddenOrigin + "/example.html");
    observeTrackerRequests();
    driver.findElement(By.cssSelector(".product")).click();
    js("Clicktrends.flush();");
    List<String> outcomes = awaitTrackerRequests(1);
    assertThat(
        outcomes, equalTo(List.of("opaque"))); // a no-cors request: the page cannot see the 400
    // A CORS-mode request from this origin shows what the browser gets: no
    // Access-Control-Allow-Origin, an error.
    assertThat(corsPost(), startsWith("error TypeError"));
    // What the agent answered, seen from outside the browser.
    HttpResponse<String> refused =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(agent.httpEndpoint()))
                    .header("Origin", forbiddenOrigin)
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("[]"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode(), equalTo(400));
    assertThat(refused.body(), containsString("FORBIDDEN_ORIGIN"));

    // 2. The allowed origin: a product view, a hostile search, an add to cart, a category view,
    // then flush.
    long clicks0 = System.nanoTime();
    driver.get(allowedOrigin + "/example.html");
    observeTrackerRequests();
    driver.findElement(By.cssSelector(".product")).click();
    driver.findElement(By.name("q")).sendKeys(XSS);
    driver.findElement(By.cssSelector("#search button")).click();
    driver.findElement(By.cssSelector(".cart")).click();
    driver.findElement(By.cssSelector(".category")).click();
    js("Clicktrends.flush();");
    outcomes = awaitTrackerRequests(1);
    assertThat(outcomes, everyItem(equalTo("opaque")));
    // From the allowed origin the agent adds Access-Control-Allow-Origin, so a CORS request may
    // read the status.
    assertThat(corsPost(), equalTo("200"));
    assertNoAlert();
    LOG.info("4 clicks tracked and sent in {} request(s), {} ms", outcomes.size(), ms(clicks0));

    // 3. Read back: at most 5 within a short window, so a duplicate or a leaked refused click would
    // show.
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(5)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(3)));
    PAssert.that(events).satisfies(TrackerBrowserTest::checkEvents);
    long read0 = System.nanoTime();
    p.run().waitUntilFinish();
    LOG.info(
        "FlumeIO bounded read on the DirectRunner {} ms; test {} ms since setup began",
        ms(read0),
        ms(t0));
  }

  @Test
  public void clicksStillQueuedWhenThePageIsLeftGoOutByBeacon() throws Exception {
    freshPage();
    // Record sendBeacon calls where they survive the navigation (this origin's localStorage), and
    // keep
    // the tracker's timer from flushing first: only leaving the page may send this click.
    js(
        "localStorage.removeItem('beacons'); var b = navigator.sendBeacon.bind(navigator);"
            + "navigator.sendBeacon = function (u, d) { var ok = b(u, d);"
            + "  localStorage.setItem('beacons', (localStorage.getItem('beacons') || '') + ok + ' '); return ok; };"
            + "Clicktrends.init({ flushMs: 600000 });");
    driver.findElement(By.cssSelector(".cart")).click();
    driver.get("about:blank"); // pagehide: the tracker flushes with sendBeacon

    driver.get(allowedOrigin + "/example.html");
    assertThat(js("return localStorage.getItem('beacons');"), equalTo("true "));

    // Read back with room for a duplicate: exactly the one click arrives.
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(2)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(3)));
    PAssert.that(events)
        .satisfies(
            read -> {
              List<ClickEvent> all = new ArrayList<>();
              read.forEach(all::add);
              assertThat("events read: " + all, all.size(), equalTo(1));
              assertThat(all.get(0).getType(), equalTo(EventType.add_to_cart));
              assertThat(all.get(0).getProductId(), equalTo("sku-42"));
              assertThat(all.get(0).getUrl(), startsWith(allowedOrigin + "/example.html"));
              return null;
            });
    p.run().waitUntilFinish();
  }

  // ---- batches under the browsers' 64 KiB, retries, and a click too large to send ----

  /**
   * 20 clicks of about 3.6 KB (long landing URLs): one request would be ~73 KB, which browsers
   * refuse.
   */
  @Test
  public void twentyLargeClicksFlushedOnPageHideAllArriveOnce() throws Exception {
    freshPage();
    js(
        "Clicktrends.init({ flushMs: 600000, maxBatch: 100 });" // only leaving the page may send
            // them
            + "for (var i = 0; i < 20; i++) Clicktrends.track('product_view', { productId: 'big-' + i,"
            + "  url: location.origin + '/landing?utm_content=' + 'x'.repeat(3500) + '&n=' + i });");
    assertThat(
        ((Number)
                js(
                    "return JSON.stringify(JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                        + ".filter(function (k) { return k.indexOf('clicktrends.unsent.') === 0; })[0])).events).length;"))
            .longValue(),
        greaterThan(72_000L));
    driver.get("about:blank"); // pagehide: sendBeacon, within what the browser accepts
    driver.get(
        allowedOrigin
            + "/example.html"); // the next page sends what the browser refused, if anything
    awaitNothingUnsent();

    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(21)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(5)));
    PAssert.that(events)
        .satisfies(
            read -> {
              List<String> products = new ArrayList<>();
              Set<String> ids = new HashSet<>();
              read.forEach(
                  e -> {
                    products.add(e.getProductId());
                    ids.add(e.getEventId());
                    assertThat(e.getUrl().length(), greaterThan(3500));
                  });
              List<String> expected = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                expected.add("big-" + i);
              }
              assertThat(products, containsInAnyOrder(expected.toArray()));
              assertThat(ids.size(), equalTo(20));
              return null;
            });
    p.run().waitUntilFinish();
  }

  /**
   * The collector is down (connection refused): the clicks wait in localStorage, are retried, and
   * arrive once.
   */
  @Test
  public void aFailedSendIsRetriedUntilAccepted() throws Exception {
    freshPage();
    observeTrackerRequests();
    int port = FlumeAgent.freePort(); // nothing listens there yet
    js(
        "Clicktrends.init({ endpoint: 'http://127.0.0.1:' + arguments[0] + '/', flushMs: 600000, retryMs: 200 });"
            + "for (var i = 0; i < 3; i++) Clicktrends.track('add_to_cart', { productId: 'retry-' + i });"
            + "Clicktrends.flush();",
        port);
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .pollingEvery(Duration.ofMillis(20))
        .until(d -> ((Number) js("return Clicktrends.stats().failures;")).intValue() >= 2);
    assertThat(
        "kept while failing",
        ((Number)
                js(
                    "return JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                        + ".filter(function (k) { return k.indexOf('clicktrends.unsent.') === 0; })[0])).events.length;"))
            .intValue(),
        equalTo(3));
    HttpServer collector =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    collector.createContext("/", TrackerBrowserTest::forwardToAgent);
    collector.start();
    try {
      awaitNothingUnsent();
      @SuppressWarnings("unchecked")
      List<String> outcomes = (List<String>) js("return window.__sent.slice();");
      assertThat(outcomes.size(), greaterThan(2));
      assertThat(
          outcomes.subList(0, outcomes.size() - 1), everyItem(startsWith("error TypeError")));
      assertThat(outcomes.get(outcomes.size() - 1), equalTo("opaque"));
    } finally {
      collector.stop(0);
      endpointBackToTheAgent();
    }
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(4)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(3)));
    PAssert.that(
            events.apply(MapElements.into(TypeDescriptors.strings()).via(e -> e.getProductId())))
        .containsInAnyOrder("retry-0", "retry-1", "retry-2");
    p.run().waitUntilFinish();
  }

  /**
   * One click of ~100 KB cannot be sent: the agent gets a stand-in and dead-letters it; its
   * batch-mates arrive.
   */
  @Test
  public void aClickTooLargeToSendIsADeadLetterAndTheOthersArrive() throws Exception {
    freshPage();
    long deadBefore = deadLetters().size();
    js(
        "Clicktrends.init({ flushMs: 600000 });"
            + "Clicktrends.track('product_view', { productId: 'small-1' });"
            + "Clicktrends.track('product_view', { productId: 'huge', eventId: 'huge-1',"
            + "  url: location.origin + '/landing?q=' + 'y'.repeat(100000) });"
            + "Clicktrends.track('product_view', { productId: 'small-2' });"
            + "Clicktrends.flush();");
    awaitNothingUnsent();

    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(3)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(3)));
    PAssert.that(
            events.apply(MapElements.into(TypeDescriptors.strings()).via(e -> e.getProductId())))
        .containsInAnyOrder("small-1", "small-2");
    p.run().waitUntilFinish();
    new WebDriverWait(driver, Duration.ofSeconds(20))
        .pollingEvery(Duration.ofMillis(100))
        .until(d -> deadLetters().size() > deadBefore);
    List<JsonNode> dead = deadLetters();
    assertThat(dead.size(), equalTo((int) deadBefore + 1));
    JsonNode letter = dead.get(dead.size() - 1);
    assertThat(letter.get("reason").asText(), equalTo("BODY_TOO_LARGE"));
    assertThat(letter.get("detail").asText(), containsString("huge-1"));
    assertThat(letter.get("detail").asText(), containsString("over its 60000-byte limit"));
    assertThat(letter.get("originalSize").asLong(), greaterThan(100_000L));
  }

  /** The budget counts UTF-8 bytes: 500 euro signs are 500 UTF-16 units but 1,500 bytes. */
  @Test
  public void requestBodiesStayUnderTheByteBudgetMeasuredInUtf8() throws Exception {
    freshPage();
    observeTrackerRequests();
    js(
        "Clicktrends.init({ flushMs: 600000, maxBatchBytes: 4096 });"
            + "for (var i = 0; i < 10; i++) Clicktrends.track('category_view', { category: 'euro-' + i,"
            + "  url: location.origin + '/c?' + '\u20ac'.repeat(500) });"
            + "Clicktrends.flush();");
    awaitNothingUnsent();
    @SuppressWarnings("unchecked")
    List<Number> sizes = (List<Number>) js("return window.__sizes.slice();");
    assertThat(sizes.size(), greaterThan(3)); // ~1.7 KB each: 2 per request
    for (Number n : sizes) {
      assertThat(n.longValue(), lessThanOrEqualTo(4096L));
    }
    PCollection<ClickEvent> events =
        p.apply(
            FlumeIO.read()
                .withSinkAddresses(agent.sparkSinkAddress())
                .withMaxNumRecords(11)
                .withMaxReadTime(org.joda.time.Duration.standardSeconds(3)));
    PAssert.that(
            events.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(e -> e.getCategory() + " " + e.getUrl().length())))
        .satisfies(
            read -> {
              List<String> got = new ArrayList<>();
              read.forEach(got::add);
              List<String> expected = new ArrayList<>();
              for (int i = 0; i < 10; i++) {
                expected.add("euro-" + i + " " + (allowedOrigin.length() + 3 + 500));
              }
              assertThat(got, containsInAnyOrder(expected.toArray()));
              return null;
            });
    p.run().waitUntilFinish();
  }

  /** The allowed origin's page with no tracker state left by an earlier test. */
  private static void freshPage() {
    driver.get(allowedOrigin + "/example.html");
    js("localStorage.clear();");
    driver.get(allowedOrigin + "/example.html");
  }

  /** Polls until the tracker has nothing queued, in flight or stored. */
  private static void awaitNothingUnsent() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.pollingEvery(Duration.ofMillis(50));
    wait.withMessage(
        () ->
            "tracker still holds clicks: "
                + js(
                    "var s = Clicktrends.stats(); return JSON.stringify(s)"
                        + " + ' stored: ' + Object.keys(localStorage).filter(function (k) {"
                        + "  return k.indexOf('clicktrends.unsent.') === 0; }).map(function (k) {"
                        + "  var v = JSON.parse(localStorage.getItem(k)); return k + ' left=' + v.left + ' n=' + v.events.length; })"
                        + "  + ' requests: ' + JSON.stringify(window.__sent || []);"));
    wait.until(
        d ->
            (Boolean)
                js(
                    "var s = Clicktrends.stats();"
                        + "return s.queued === 0 && s.inflight === 0 && Object.keys(localStorage).filter(function (k) {"
                        + "  return k.indexOf('clicktrends.unsent.') === 0; }).length === 0;"));
  }

  private static void endpointBackToTheAgent() {
    js("Clicktrends.init({ endpoint: arguments[0] });", agent.httpEndpoint());
  }

  /**
   * The collector that comes up late: forwards a tracker request to the agent, answering with the
   * agent's status.
   */
  private static void forwardToAgent(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(agent.httpEndpoint()))
                      .header("Content-Type", "text/plain")
                      .header(
                          "User-Agent",
                          String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")))
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      respond(ex, r.statusCode(), "text/plain", r.body().getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.close();
    }
  }

  private static List<JsonNode> deadLetters() {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(agent.deadLetterDir())) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            out.add(TestAgent.JSON.readTree(line));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Void checkEvents(Iterable<ClickEvent> read) {
    List<ClickEvent> all = new ArrayList<>();
    read.forEach(all::add);
    assertThat("events read: " + all, all.size(), equalTo(4));
    Map<EventType, ClickEvent> byType = new EnumMap<>(EventType.class);
    Set<String> ids = new HashSet<>();
    Set<String> sessions = new HashSet<>();
    for (ClickEvent e : all) {
      assertThat("one event per type: " + all, byType.put(e.getType(), e), equalTo(null));
      ids.add(e.getEventId());
      sessions.add(e.getSessionId());
      assertThat(e.getUrl(), startsWith(allowedOrigin + "/example.html"));
      assertThat(e.getUserAgent(), containsString("Chrome"));
      assertThat(e.getSessionId(), not(equalTo("")));
    }
    assertThat(
        byType.keySet(),
        equalTo(
            Set.of(
                EventType.product_view,
                EventType.search,
                EventType.add_to_cart,
                EventType.category_view)));
    assertThat(ids.size(), equalTo(4));
    assertThat("one browser session", sessions.size(), equalTo(1));
    assertThat(byType.get(EventType.product_view).getProductId(), equalTo("sku-42"));
    assertThat(byType.get(EventType.search).getQuery(), equalTo(XSS));
    assertThat(byType.get(EventType.add_to_cart).getProductId(), equalTo("sku-42"));
    assertThat(byType.get(EventType.category_view).getCategory(), equalTo("shoes"));
    return null;
  }

  /**
   * Wraps the page's fetch so the test can wait for the tracker's requests to complete (it ignores
   * them).
   */
  private static void observeTrackerRequests() {
    js(
        "window.__sent = []; window.__sizes = []; var f = window.fetch;"
            + "window.fetch = function () {"
            + "  window.__sizes.push(new Blob([arguments[1].body]).size);"
            + "  var i = window.__sent.push('pending') - 1; var r = f.apply(this, arguments);"
            + "  r.then(function (res) { window.__sent[i] = res.type; },"
            + "         function (e) { window.__sent[i] = 'error ' + e; });"
            + "  return r; };");
  }

  /**
   * Polls until at least {@code n} tracker requests were made and none is pending; returns their
   * outcomes.
   */
  @SuppressWarnings("unchecked")
  private static List<String> awaitTrackerRequests(int n) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    wait.pollingEvery(Duration.ofMillis(20));
    return wait.until(
        d -> {
          List<String> sent = (List<String>) js("return window.__sent.slice();");
          return sent.size() >= n && !sent.contains("pending") ? sent : null;
        });
  }

  /**
   * A CORS-mode simple request from the page (empty batch): the status if readable, else the error.
   */
  private static String corsPost() {
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return (String)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', mode: 'cors', body: '[]', headers: {'Content-Type': 'text/plain'}})"
                    + "  .then(function (r) { done(String(r.status)); }, function (e) { done('error ' + e); });",
                agent.httpEndpoint());
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static void assertNoAlert() {
    try {
      fail("an alert fired: " + driver.switchTo().alert().getText());
    } catch (NoAlertPresentException expected) {
      // the query stayed text
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TrackerBrowserTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void respond(HttpExchange ex, int status, String type, byte[] body) {
    try {
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ex.close();
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
