package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Every main page at desktop and phone width: labelled controls, named buttons and links, one heading, the keyboard
 * focus reaching the content, and no console errors.
 */
class AccessibilityTest {
    @TempDir
    static Path folder;
    private static UiServer server;
    private static List<String> pages;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        String experimentId = server.tracking.createExperiment("churn", Optional.empty(), List.of());
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Run run = server.tracking.createRun(Optional.of(experimentId), Optional.of("ana"),
                    Optional.of("run-" + i), Optional.of(1_700_000_000_000L + i), List.of());
            List<Metric> metrics = new ArrayList<>();
            for (int step = 0; step < 20; step++) {
                metrics.add(new Metric("accuracy", 0.5 + i * 0.1 + step * 0.01, 1_700_000_000_000L + step, step));
            }
            server.tracking.logBatch(run.info().runId(), metrics, List.of(new Param("depth", Integer.toString(i + 3))),
                    List.of(new Tag("team", "growth")));
            runIds.add(run.info().runId());
        }
        server.registry.createRegisteredModel("churn", Optional.of("Who leaves"), List.of());
        server.registry.createModelVersion(new NewModelVersion("churn", "runs:/" + runIds.get(0) + "/model",
                Optional.of(runIds.get(0)), Optional.empty(), Optional.empty(), Optional.of("ana"), List.of(),
                Optional.empty()));
        server.registry.setAlias("churn", "champion", "1");
        DeploymentService deployments = new DeploymentService(server.predictionLog.deploymentStore().orElseThrow(),
                Clock.systemUTC());
        deployments.report(new DeploymentStatus("prod", "churn", Optional.of("4e1d2c3b4a5f"), "models:/churn/1",
                Optional.of("models:/churn/1"), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED,
                HealthStatus.HEALTHY, "Serving models:/churn/1", Optional.of("http://127.0.0.1:5001"), "agent@host-1",
                0));
        deployments.appendEvent(new DeploymentService.NewEvent("prod", "churn", "canary_check", Optional.empty(),
                "Canary step 1: pass", "{\"requests\":120,\"errors\":0,\"error_rate\":0.0,\"p99_ms\":25.0,"
                        + "\"max_p99_ms\":500,\"verdict\":\"pass\"}"));
        pages = List.of("/", "/experiments/" + experimentId, "/runs/" + runIds.get(0),
                "/compare?runs=" + String.join(",", runIds), "/models", "/models/churn", "/models/churn/versions/1",
                "/datasets", "/lineage?run=" + runIds.get(0), "/deployments", "/deployments?env=prod",
                "/deployments/prod/churn", "/monitoring");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyMainPageIsLabelledAndKeyboardReachableAtDesktopWidth() {
        check(1280, 900);
    }

    @Test
    void everyMainPageIsLabelledAtPhoneWidth() {
        check(390, 844);
    }

    @Test
    void theCheckFindsAnUnlabelledControlAndAMissingHeading() {
        try (Browser browser = Browser.open(1280, 900)) {
            browser.get(server.url() + "/");
            browser.script("document.querySelector('main').appendChild(document.createElement('input'));");
            assertThatThrownBy(browser::assertBasicAccessibility).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("unlabelled input");
            browser.get(server.url() + "/");
            browser.script("document.querySelector('h1').remove();");
            assertThatThrownBy(browser::assertBasicAccessibility).hasMessageContaining("0 h1 elements");
        }
    }

    private static void check(int width, int height) {
        try (Browser browser = Browser.open(width, height)) {
            for (String page : pages) {
                browser.get(server.url() + page);
                browser.assertBasicAccessibility();
                // the skip link is the first stop of the keyboard and takes the focus to the content
                browser.find("body").sendKeys(Keys.TAB);
                WebElement focused = browser.driver.switchTo().activeElement();
                assertThat(focused.getAttribute("class")).as("first tab stop on " + page).contains("skip");
                focused.sendKeys(Keys.ENTER);
                assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).as(page).isEqualTo("main");
                browser.assertNoConsoleErrors();
            }
        }
    }
}
