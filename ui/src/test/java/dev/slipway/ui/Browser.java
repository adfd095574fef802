package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its ChromeDriver (paths given, so Selenium Manager never downloads
 * anything). {@link #assertNoConsoleErrors} fails a test on any JavaScript error or failed resource the page logged;
 * {@link #screenshot} saves a PNG under {@code target/screenshots}.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Whether Chromium and its driver are installed; tests skip (with this reason) when not. */
    static boolean available() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    static Browser open(int width, int height) {
        try {
            Path profile = Files.createTempDirectory("slipway-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                    "--window-size=" + width + "," + height);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(width, height));
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Browser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void get(String url) {
        driver.get(url);
        waitForIdle();
    }

    /** Waits until the document is loaded and htmx has no request in flight. */
    void waitForIdle() {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> {
            Object done = ((JavascriptExecutor) d).executeScript(
                    "return document.readyState === 'complete' && !document.querySelector('.htmx-request');");
            return Boolean.TRUE.equals(done);
        });
    }

    /**
     * Waits until the page's URL contains {@code fragment}, then until it is idle: after a click that navigates (a
     * link, a plain form), the old page can still look complete and idle for a moment.
     */
    void waitForUrl(String fragment) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().contains(fragment));
        waitForIdle();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Fails when the browser logged a SEVERE entry (a JavaScript error, a failed script or style, a 5xx). */
    void assertNoConsoleErrors() {
        List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(severe).as("browser console errors").isEmpty();
    }

    /**
     * Fails on the basic accessibility faults a page can show without a screen reader: a visible form control
     * without a label (a {@code label for}, a wrapping label, {@code aria-label} or {@code aria-labelledby}), an image
     * without {@code alt}, a button or link without an accessible name, a page without exactly one {@code h1} or
     * without {@code lang}.
     */
    void assertBasicAccessibility() {
        @SuppressWarnings("unchecked")
        List<String> faults = (List<String>) script(String.join("\n",
                "var faults = [];",
                "function visible(el) { return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length); }",
                "function named(el) { return (el.getAttribute('aria-label') || '').trim()"
                        + " || el.getAttribute('aria-labelledby') || (el.title || '').trim(); }",
                "document.querySelectorAll('input, select, textarea').forEach(function (el) {",
                "  if (el.type === 'hidden' || el.type === 'submit' || el.type === 'button' || !visible(el)) { return; }",
                "  var labelled = (el.id && document.querySelector('label[for=\"' + CSS.escape(el.id) + '\"]'))",
                "      || el.closest('label') || named(el);",
                "  if (!labelled) { faults.push('unlabelled ' + el.tagName.toLowerCase() + ' ' + (el.name || el.id)); }",
                "});",
                "document.querySelectorAll('img').forEach(function (el) {",
                "  if (!el.hasAttribute('alt')) { faults.push('image without alt: ' + el.src); }",
                "});",
                "document.querySelectorAll('button, a[href]').forEach(function (el) {",
                "  if (visible(el) && !(el.textContent || '').trim() && !named(el) && !el.querySelector('img[alt]')) {",
                "    faults.push('unnamed ' + el.tagName.toLowerCase() + ' ' + (el.outerHTML || '').slice(0, 80));",
                "  }",
                "});",
                "if (document.querySelectorAll('h1').length !== 1) {",
                "  faults.push(document.querySelectorAll('h1').length + ' h1 elements');",
                "}",
                "if (!document.documentElement.lang) { faults.push('no lang on html'); }",
                "return faults;"));
        assertThat(faults).as("accessibility faults on " + driver.getCurrentUrl()).isEmpty();
    }

    /** Saves the page as {@code target/screenshots/NAME.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temp profile left behind is harmless
            }
        }
    }
}
