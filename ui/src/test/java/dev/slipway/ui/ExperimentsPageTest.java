package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The experiments list in a real browser against a real server. */
class ExperimentsPageTest {
    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        server.tracking.createExperiment("churn-baseline", Optional.empty(), List.of());
        server.tracking.createExperiment("fraud <script>alert(1)</script>", Optional.empty(), List.of());
        browser = Browser.open(1280, 900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listsExperimentsAndSearchesThemByName() {
        browser.get(server.url() + "/");
        assertThat(browser.driver.getTitle()).isEqualTo("Experiments \u00b7 Slipway");
        List<String> names = browser.findAll("#experiments tbody tr td:first-child").stream()
                .map(WebElement::getText).toList();
        assertThat(names).contains("churn-baseline", "Default", "fraud <script>alert(1)</script>");
        browser.screenshot("experiments");

        browser.find("#q").sendKeys("churn");
        browser.find("form.search button").click();
        browser.waitForUrl("q=churn");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/?q=churn");
        assertThat(browser.findAll("#experiments tbody tr")).hasSize(1);
        browser.assertNoConsoleErrors();
    }

    @Test
    void showsRunCountsOfEachExperiment() {
        String experimentId = server.tracking.createExperiment("counted", Optional.empty(), List.of());
        for (int index = 0; index < 3; index++) {
            server.tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.of("r" + index),
                    Optional.empty(), List.of());
        }
        browser.get(server.url() + "/?q=counted");
        assertThat(browser.find("#experiments tbody tr[data-experiment-id='" + experimentId + "'] td.num").getText())
                .isEqualTo("3");
        browser.assertNoConsoleErrors();
    }

    @Test
    void createsRenamesDeletesAndRestoresAnExperiment() {
        browser.get(server.url() + "/");
        browser.find("#new-experiment").sendKeys("made-in-ui");
        browser.find("form.create-experiment button").click();
        waitUntil(() -> browser.driver.getCurrentUrl().matches(".*/experiments/\\d+$"));
        browser.waitForIdle();
        assertThat(browser.find("h1").getText()).isEqualTo("made-in-ui");
        String experimentId = browser.driver.getCurrentUrl().replaceAll(".*/experiments/", "");

        // a taken name is refused inline, with the API's message
        browser.get(server.url() + "/");
        browser.find("#new-experiment").sendKeys("made-in-ui");
        browser.find("form.create-experiment button").click();
        waitUntil(() -> !browser.findAll("#create-message .error").isEmpty());
        assertThat(browser.find("#create-message .error").getText()).contains("already exists");

        String row = "#experiments tr[data-experiment-id='" + experimentId + "']";
        browser.find(row + " details.rename summary").click();
        WebElement name = browser.find(row + " details.rename input[name=name]");
        name.clear();
        name.sendKeys("renamed-in-ui");
        browser.find(row + " details.rename button[type=submit]").click();
        waitUntil(() -> !browser.findAll(row).isEmpty()
                && browser.find(row + " td:first-child a").getText().equals("renamed-in-ui"));
        browser.screenshot("experiments-list");

        browser.find(row + " button.delete").click();
        waitUntil(() -> browser.findAll(row).isEmpty());
        assertThat(server.tracking.getExperiment(experimentId).lifecycleStage().wireName()).isEqualTo("deleted");

        browser.find("#deleted").click();
        browser.find("form.search button").click();
        waitUntil(() -> browser.driver.getCurrentUrl().contains("deleted=1") && !browser.findAll(row).isEmpty());
        assertThat(browser.find(row).getText()).contains("deleted");
        browser.find(row + " button.restore").click();
        waitUntil(() -> !browser.findAll(row).isEmpty() && browser.findAll(row + " button.restore").isEmpty());
        assertThat(server.tracking.getExperiment(experimentId).lifecycleStage().wireName()).isEqualTo("active");
        browser.assertNoConsoleErrors();
    }

    private static void waitUntil(BooleanSupplier condition) {
        try {
            new WebDriverWait(browser.driver, Duration.ofSeconds(15)).ignoring(
                    StaleElementReferenceException.class).until(driver -> condition.getAsBoolean());
        } catch (RuntimeException e) {
            System.err.println("page at failure: " + browser.driver.getCurrentUrl() + "\n" + browser.driver.getPageSource());
            browser.driver.manage().logs().get(LogType.BROWSER).getAll()
                    .forEach(entry -> System.err.println("browser log: " + entry));
            throw e;
        }
        browser.waitForIdle();
    }
}
