package io.clicktrends.fanout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.fail;

import io.clicktrends.broker.AmqpBrokerResolver;
import io.clicktrends.schema.Trend;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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

  @BeforeClass
  public static void start() throws Exception {
    boolean present = CHROMEDRIVER.canExecute() && CHROMIUM.canExecute();
    if (!present) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: apt-get install chromium chromium-driver");
      }
      System.out.println("SKIPPED DashboardBrowserTest: " + CHROMIUM + " or " + CHROMEDRIVER
          + " is missing (apt-get install chromium chromium-driver)");
      Assume.assumeTrue("chromium and chromium-driver are not installed", false);
    }
    broker = AmqpBrokerResolver.resolve();
    String exchange = "clicktrends.test.dashboard." + UUID.randomUUID();
    server = FanoutServer.start(FanoutConfig.defaults().withPort(0).withBindHost("127.0.0.1")
        .withRabbitmqUri(broker.uri()).withExchange(exchange));
    assertThat(server.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
    publisher = new TrendFixtures(broker.uri(), exchange);

    profile = Files.createTempDirectory("clicktrends-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
        .usingAnyFreePort().build();
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
    w.ignoring(StaleElementReferenceException.class); // a list re-rendered while it was being read: read it again
    return w;
  }

  private static List<String> keys(String dimension) {
    return driver.findElements(By.cssSelector("section[data-dimension='" + dimension + "'] .key"))
        .stream().map(WebElement::getText).toList();
  }

  @Test
  public void showsTrendsLiveAndRendersKeysAsText() throws Exception {
    driver.get(server.uri().toString());
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("connection")).getText().equals("live"));

    Trend first = TrendFixtures.trend("search", 1_396_437_600L, 0, "red shoes", XSS, "blue hat");
    long t0 = System.nanoTime();
    publisher.publish(first);
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("search").size() == 3);
    long shownMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("published trend shown by the dashboard " + shownMs + " ms after publishing");
    assertThat(shownMs, lessThan(1000L));
    assertThat(keys("search"), equalTo(List.of("red shoes", XSS, "blue hat")));
    // rendered as characters: no element was created from the key, and no alert fired
    assertThat(driver.findElements(By.cssSelector("main img")).size(), equalTo(0));
    assertNoAlert();

    Trend next = TrendFixtures.trend("search", 1_396_437_610L, 0, "blue hat", "red shoes", "green scarf", XSS);
    t0 = System.nanoTime();
    publisher.publish(next);
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("search").equals(
        List.of("blue hat", "red shoes", "green scarf", XSS)));
    long updatedMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("next window shown " + updatedMs + " ms after publishing");
    assertThat(updatedMs, lessThan(1000L));
    List<String> moves = driver.findElements(By.cssSelector("section[data-dimension='search'] .move"))
        .stream().map(WebElement::getText).toList();
    assertThat(moves, equalTo(List.of("▲2", "▼1", "new", "▼2")));
    String window = driver.findElement(By.cssSelector("section[data-dimension='search'] .window")).getText();
    assertThat(window.startsWith("11:10:10–11:20:10 UTC"), equalTo(true));
    assertThat(driver.findElements(By.cssSelector("main img")).size(), equalTo(0));
    assertNoAlert();

    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "dashboard.png");
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("screenshot: " + target.toAbsolutePath());
  }

  @Test
  public void aPageForSomeDimensionsShowsOnlyThose() throws Exception {
    // in the snapshot the page gets on connect, before its subscription reaches the service
    publisher.publish(TrendFixtures.trend("search", 1_396_500_000L, 0, "in the snapshot"),
        TrendFixtures.trend("purchase", 1_396_500_000L, 0, "p1"));
    driver.get(server.uri() + "?dimensions=purchase");
    waitUpTo(Duration.ofSeconds(10)).until(d -> keys("purchase").equals(List.of("p1")));
    publisher.publish(TrendFixtures.trend("search", 1_396_500_010L, 0, "after"),
        TrendFixtures.trend("purchase", 1_396_500_010L, 0, "p2"));
    waitUpTo(Duration.ofSeconds(5)).until(d -> keys("purchase").equals(List.of("p2")));
    assertThat(driver.findElements(By.cssSelector("section[data-dimension='search']")).size(), equalTo(0));
  }

  @Test
  public void reconnectsByItselfWhenTheServiceRestarts() throws Exception {
    String exchange = "clicktrends.test.dashboard.restart." + UUID.randomUUID();
    FanoutConfig config = FanoutConfig.defaults().withPort(0).withBindHost("127.0.0.1")
        .withRabbitmqUri(broker.uri()).withExchange(exchange);
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
      running = FanoutServer.start(config.withPort(port));
      assertThat(running.awaitBrokerReady(Duration.ofSeconds(10)), equalTo(true));
      // the page retries with a capped backoff (at most 10 s between attempts); no reload
      waitUpTo(Duration.ofSeconds(20)).until(d -> connection().equals("live"));
      System.out.println("dashboard live again " + (System.nanoTime() - down) / 1_000_000
          + " ms after the service went down");

      restartPublisher.publish(TrendFixtures.trend("category_view", 1_396_437_600L, 0, "shoes", "hats"));
      waitUpTo(Duration.ofSeconds(5)).until(d -> keys("category_view").equals(List.of("shoes", "hats")));
    } finally {
      restartPublisher.deleteExchange();
      restartPublisher.close();
      if (running != null) {
        running.close();
      }
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
