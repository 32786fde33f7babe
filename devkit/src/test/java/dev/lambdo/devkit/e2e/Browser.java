package dev.lambdo.devkit.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, started the way this machine
 * allows (no sandbox as root, no background networking). Both binaries are given explicitly, so
 * Selenium never tries to download a browser or a driver.
 */
final class Browser implements AutoCloseable {
  private final ChromeDriver driver;
  private final WebDriverWait wait;

  Browser(Path profile) {
    File chromium = existing("/usr/bin/chromium", "Chromium is not installed: apt-get install chromium");
    File chromedriver = existing("/usr/bin/chromedriver", "chromedriver is not installed: apt-get install chromium-driver");
    ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments(List.of(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
        "--window-size=1600,2400", "--user-data-dir=" + profile));
    driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver).build(), options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(45));
  }

  private static File existing(String path, String missing) {
    File file = new File(path);
    if (!file.canExecute()) {
      throw new IllegalStateException(missing);
    }
    return file;
  }

  void open(String url) {
    driver.get(url);
  }

  /** Clicks the first link whose text contains {@code text}, once it is there. */
  void clickLink(String text) {
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.partialLinkText(text)));
    link.click();
  }

  /**
   * Clicks the element {@code css} selects, once it is there, as a script does: the Web UI's
   * toggles and radios are inputs drawn over by styled labels, which a pointer click would hit.
   */
  void click(String css) {
    WebElement element = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    driver.executeScript("arguments[0].click();", element);
  }

  /** Types {@code text} into the field {@code css} selects, once it is visible. */
  void type(String css, String text) {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css))).sendKeys(text);
  }

  /** Clicks the button that reads {@code text}, once it can be clicked. */
  void clickButton(String text) {
    wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space(.) = " + xpathLiteral(text) + "]")))
        .click();
  }

  /** Types {@code text} into the form field named {@code name} and submits its form. */
  void submitField(String name, String text) {
    WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.name(name)));
    field.sendKeys(text);
    field.submit();
  }

  /** Waits until the page shows {@code text}; false when it never does. */
  boolean shows(String text) {
    try {
      wait.until(d -> d.findElement(By.tagName("body")).getText().contains(text));
      return true;
    } catch (org.openqa.selenium.TimeoutException e) {
      return false;
    }
  }

  /**
   * Sets {@code key} in the open page's localStorage (where the Web UI keeps a person's table
   * settings) and loads the page again, so it reads them.
   */
  void setLocalStorageAndReload(String key, String value) {
    driver.executeScript("window.localStorage.setItem(arguments[0], arguments[1]);", key, value);
    driver.navigate().refresh();
  }

  /** Scrolls the innermost element that shows {@code text} (and any box it is in) into view. */
  void scrollTo(String text) {
    WebElement element = driver.findElement(By.xpath("//*[contains(text(), " + xpathLiteral(text) + ")]"));
    driver.executeScript("arguments[0].scrollIntoView({block: 'nearest'});", element);
  }

  private static String xpathLiteral(String text) {
    if (text.contains("'")) {
      throw new IllegalArgumentException("no single quotes: " + text);
    }
    return "'" + text + "'";
  }

  String pageText() {
    return driver.findElement(By.tagName("body")).getText();
  }

  String currentUrl() {
    return driver.getCurrentUrl();
  }

  /** Resizes the window first: a list of a few rows needs no 2,400 pixels of empty page. */
  void screenshot(Path file, int width, int height) throws IOException {
    resize(width, height);
    screenshot(file);
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
  }

  void screenshot(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
