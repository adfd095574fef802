package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

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
        browser.waitForIdle();
        assertThat(browser.driver.getCurrentUrl()).endsWith("/?q=churn");
        assertThat(browser.findAll("#experiments tbody tr")).hasSize(1);
        browser.assertNoConsoleErrors();
    }
}
