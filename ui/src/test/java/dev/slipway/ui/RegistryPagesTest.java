package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The registry pages and their actions in a real browser against a real server. */
class RegistryPagesTest {
    static final String CI_REPORT = """
            ## Slipway CI: `churn` PASS

            **PASS: candidate roc_auc 0.912 beats champion 0.897 by 0.015 (min delta 0.005)**

            | | |
            |:--|:--|
            | Candidate | `model`: roc_auc 0.912 |
            | Champion | `models:/churn@champion` = version 1: roc_auc 0.897 |
            """;

    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static String runId;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        String experimentId = server.tracking.createExperiment("churn-training", Optional.empty(), List.of());
        Run run = server.tracking.createRun(Optional.of(experimentId), Optional.of("ci"), Optional.of("release-7"),
                Optional.empty(), List.of());
        runId = run.info().runId();
        server.artifacts.resolve(run.info().artifactUri()).put("ci-report.md",
                new ByteArrayInputStream(CI_REPORT.getBytes(StandardCharsets.UTF_8)));

        for (String name : List.of("churn", "fraud", "pricing <b>v2</b>", "retention")) {
            server.registry.createRegisteredModel(name, Optional.of("Predicts " + name), List.of());
            for (int i = 0; i < 2; i++) {
                server.registry.createModelVersion(new NewModelVersion(name, "runs:/" + runId + "/model",
                        Optional.of(runId), Optional.empty(), Optional.empty(), Optional.of("ci"),
                        List.of(new Tag("slipway.quality_gate", "passed")), Optional.empty()));
            }
        }
        server.registry.setAlias("churn", "champion", "1");
        server.registry.setAlias("retention", "candidate", "1");
        Run evaluation = server.tracking.createRun(Optional.of(experimentId), Optional.of("ci"),
                Optional.of("slipway models evaluate"), Optional.empty(), List.of());
        server.tracking.logBatch(evaluation.info().runId(), List.of(),
                List.of(new dev.slipway.core.tracking.Param("candidate", "models:/pricing <b>v2</b>/1")), List.of());
        server.artifacts.resolve(evaluation.info().artifactUri()).put("evaluation.md", new ByteArrayInputStream(
                "### Evaluation of `models:/pricing <b>v2</b>/1`\n\n| metric | value |\n|---|---|\n| rmse | 12.400000 |\n"
                        .getBytes(StandardCharsets.UTF_8)));
        server.registry.transitionModelVersionStage("fraud", "1", "Production", false);
        server.registry.transitionModelVersionStage("retention", "1", "Production", false);
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
    void modelsListShowsEachModelWithItsLatestVersionAliasesAndStages() {
        browser.get(server.url() + "/models");
        assertThat(browser.driver.getTitle()).isEqualTo("Models \u00b7 Slipway");
        List<String> names = browser.findAll("#models tbody tr td:first-child").stream().map(WebElement::getText)
                .toList();
        assertThat(names).containsExactly("churn", "fraud", "pricing <b>v2</b>", "retention");
        assertThat(browser.find("#models tbody tr:nth-child(1)").getText()).contains("@champion");
        assertThat(browser.find("#models tbody tr:nth-child(2)").getText()).contains("Production: v1");
        browser.screenshot("models");
        browser.assertNoConsoleErrors();
    }

    @Test
    void modelPageListsVersionsWithTheirSourceRunAndGate() {
        browser.get(server.url() + "/models/fraud");
        assertThat(browser.find("h1").getText()).isEqualTo("fraud");
        assertThat(browser.findAll("#versions tbody tr")).hasSize(2);
        WebElement first = browser.find("#versions tr[data-version=\"1\"]");
        assertThat(first.getText()).contains("Production", "passed");
        assertThat(first.findElement(org.openqa.selenium.By.cssSelector("a[href^=\"/runs/\"]")).getAttribute("href"))
                .endsWith("/runs/" + runId);
        browser.assertNoConsoleErrors();
    }

    @Test
    void movesAnAliasFromVersionOneToTwoThroughTheUi() {
        browser.get(server.url() + "/models/churn");
        assertThat(browser.find("#versions tr[data-version=\"1\"] .aliases").getText()).contains("@champion");
        browser.find("#alias-name").sendKeys("champion");
        browser.find("#alias-version").sendKeys("2");
        browser.find("#set-alias button[type=submit]").click();
        waitForText("#set-alias .outcome", "now points at version 2");

        assertThat(browser.find("#versions tr[data-version=\"2\"] .aliases").getText()).contains("@champion");
        assertThat(browser.find("#versions tr[data-version=\"1\"] .aliases").getText()).doesNotContain("@champion");
        assertThat(browser.find("#action-result").getAttribute("textContent")).contains("now points at version 2");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/models/churn");
        assertThat(server.registry.getModelVersionByAlias("churn", "champion").version()).isEqualTo(2);
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("set-alias-submit");
        browser.screenshot("model");
        browser.assertNoConsoleErrors();
    }

    @Test
    void transitionsAStageArchivingTheVersionsInIt() {
        browser.get(server.url() + "/models/retention/versions/2");
        new Select(browser.find("#stage-select")).selectByValue("Production");
        browser.find("#archive-existing").click();
        browser.find("#transition button[type=submit]").click();
        waitForText("#transition .outcome", "now in stage Production");

        assertThat(browser.find("#stage").getText()).isEqualTo("Production");
        assertThat(server.registry.getModelVersion("retention", "2").currentStage())
                .isEqualTo(ModelVersionStage.PRODUCTION);
        assertThat(server.registry.getModelVersion("retention", "1").currentStage())
                .isEqualTo(ModelVersionStage.ARCHIVED);
        browser.assertNoConsoleErrors();
    }

    @Test
    void versionPageShowsTheGateReportAndEditsTags() {
        browser.get(server.url() + "/models/pricing%20%3Cb%3Ev2%3C%2Fb%3E/versions/1");
        assertThat(browser.find("h1").getText()).isEqualTo("pricing <b>v2</b> version 1");
        assertThat(browser.find("#gate-reports").getText()).contains("Slipway CI: churn PASS",
                "models:/churn@champion = version 1");
        List<WebElement> reports = browser.findAll("#gate-reports article");
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).findElements(org.openqa.selenium.By.cssSelector("tr"))).hasSize(2);
        assertThat(reports.get(1).getText()).contains("slipway models evaluate",
                "Evaluation of models:/pricing <b>v2</b>/1", "rmse", "12.400000");

        browser.find("#tag-key").sendKeys("reviewed_by");
        browser.find("#tag-value").sendKeys("ana");
        browser.find("#add-tag button[type=submit]").click();
        waitForText("#add-tag .outcome", "Tag 'reviewed_by' set.");
        assertThat(browser.find("#tags").getText()).contains("reviewed_by", "ana");
        assertThat(server.registry.getModelVersion("pricing <b>v2</b>", "1").tags())
                .contains(new Tag("reviewed_by", "ana"));
        browser.find("#delete-tag-reviewed_by button[type=submit]").click();
        waitForText("#action-result", "Tag 'reviewed_by' removed.");
        assertThat(browser.find("#tags").getText()).doesNotContain("reviewed_by");
        assertThat(server.registry.getModelVersion("pricing <b>v2</b>", "1").tags())
                .doesNotContain(new Tag("reviewed_by", "ana"));

        browser.find("#description").clear();
        browser.find("#description").sendKeys("Reviewed; ready for staging.");
        browser.find("#edit-description button[type=submit]").click();
        waitForText("#edit-description .outcome", "Description saved.");
        assertThat(server.registry.getModelVersion("pricing <b>v2</b>", "1").description())
                .contains("Reviewed; ready for staging.");
        browser.script("window.scrollTo(0, 0);");
        browser.screenshot("model-version");
        browser.assertNoConsoleErrors();
    }

    @Test
    void deletesAnAliasFromTheVersionPage() {
        browser.get(server.url() + "/models/retention/versions/1");
        assertThat(browser.find("#version-aliases").getText()).contains("models:/retention@candidate");
        browser.find("#delete-alias-candidate button[type=submit]").click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(driver -> browser.findAll("#version-aliases").isEmpty());
        browser.waitForIdle();
        assertThat(browser.find("#action-result").getAttribute("textContent")).contains("Alias 'candidate' deleted.");
        assertThat(server.registry.getRegisteredModel("retention").aliases()).isEmpty();
        browser.assertNoConsoleErrors();
    }

    @Test
    void settingAnAliasToAnUnknownVersionShowsTheServiceMessageInline() {
        browser.get(server.url() + "/models/fraud");
        browser.find("#alias-name").sendKeys("candidate");
        browser.find("#alias-version").sendKeys("99");
        browser.find("#set-alias button[type=submit]").click();
        waitForText("#set-alias .error", "not found");

        WebElement error = browser.find("#set-alias .error");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
        assertThat(error.getText()).contains("version=99");
        assertThat(browser.find("#action-result").getAttribute("textContent")).startsWith("Error: ");
        assertThat(server.registry.getRegisteredModel("fraud").aliases()).isEmpty();
        browser.assertNoConsoleErrors();
    }

    @Test
    void unknownModelIsANotFoundPage() {
        browser.get(server.url() + "/models/nope");
        assertThat(browser.find("h1").getText()).isEqualTo("Not found");
        assertThat(browser.find(".error").getText()).contains("nope");
        // the 404 itself is logged by the browser: drained here, so later tests see only their own errors
        browser.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER);
    }

    @Test
    void versionPageFitsAPhone() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(server.url() + "/models/churn/versions/1");
            assertThat(phone.find("h1").getText()).isEqualTo("churn version 1");
            Object overflow = phone.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            phone.screenshot("model-version-phone");
            phone.assertNoConsoleErrors();
        }
    }

    private static void waitForText(String css, String text) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(driver -> {
            List<WebElement> found = browser.findAll(css);
            return !found.isEmpty() && found.get(0).getText().contains(text);
        });
        browser.waitForIdle();
    }
}
