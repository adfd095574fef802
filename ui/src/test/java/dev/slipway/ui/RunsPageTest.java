package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * The runs table of an experiment in a real browser against a real server: 250 runs, 10 parents with 5 children
 * each, seeded through the tracking service.
 */
class RunsPageTest {
    private static final long START = 1_700_000_000_000L;
    private static final int TOP_LEVEL = 200;

    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static String experimentId;
    private static String parentRunId;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        experimentId = server.tracking.createExperiment("runs-table", Optional.empty(), List.of());
        for (int index = 0; index < TOP_LEVEL; index++) {
            long startTime = START + index * 1000L;
            String runId = run(experimentId, String.format("run-%03d", index), startTime, List.of());
            server.tracking.logBatch(runId, List.of(new Metric("accuracy", index / (double) TOP_LEVEL, startTime, 0),
                    new Metric("loss", 1 - index / (double) TOP_LEVEL, startTime, 0)),
                    List.of(new Param("lr", String.valueOf(index % 7)), new Param("model", index % 2 == 0 ? "xgb" : "rf")),
                    List.of(new Tag("team", "team-" + index % 3)));
            if (index % 20 == 19) {
                // the parent's children start right after it, so they sort next to it
                for (int child = 0; child < 5; child++) {
                    String childId = run(experimentId, String.format("run-%03d-child-%d", index, child),
                            startTime + child + 1, List.of(new Tag(ExperimentRunsPage.PARENT_TAG, runId)));
                    server.tracking.logBatch(childId, List.of(new Metric("accuracy", 0.5 + child / 100.0, startTime, 0)),
                            List.of(new Param("lr", "0.1")), List.of());
                }
                if (index == 199) {
                    parentRunId = runId;
                }
            }
        }
        browser = Browser.open(1280, 900);
    }

    private static String run(String experiment, String name, long startTime, List<Tag> tags) {
        Run run = server.tracking.createRun(Optional.of(experiment), Optional.of("tester"), Optional.of(name),
                Optional.of(startTime), tags);
        server.tracking.updateRun(run.info().runId(), Optional.of(RunStatus.FINISHED),
                Optional.of(startTime + 65_000), Optional.empty());
        return run.info().runId();
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

    private static String page() {
        return server.url() + "/experiments/" + experimentId;
    }

    @Test
    void showsTheFirstPageWithDefaultColumnsAndNestedChildren() {
        browser.get(page());
        assertThat(browser.driver.getTitle()).isEqualTo("runs-table \u00b7 Slipway");
        assertThat(browser.find("#page-status").getText()).isEqualTo("Runs 1\u2013100 of 250");
        assertThat(browser.findAll("#runs-table tbody tr")).hasSize(100);
        assertThat(headers()).contains("accuracy", "loss", "lr", "model");
        assertThat(browser.findAll("#runs-table thead th[scope=col]")).isNotEmpty();

        String parentRow = "#runs-table tr[data-run-id='" + parentRunId + "']";
        assertThat(browser.find(parentRow).getAttribute("data-depth")).isEqualTo("0");
        List<WebElement> children = browser.findAll("#runs-table tr[data-parent='" + parentRunId + "']");
        assertThat(children).hasSize(5).allSatisfy(row -> assertThat(row.getAttribute("data-depth")).isEqualTo("1"));
        browser.screenshot("runs-table");

        WebElement toggle = browser.find(parentRow + " button.toggle");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
        toggle.click();
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
        assertThat(browser.findAll("#runs-table tr[data-parent='" + parentRunId + "']"))
                .noneMatch(WebElement::isDisplayed);
        toggle.click();
        assertThat(browser.findAll("#runs-table tr[data-parent='" + parentRunId + "']"))
                .allMatch(WebElement::isDisplayed);
        browser.assertNoConsoleErrors();
    }

    @Test
    void filtersWithTheSearchGrammarAndShowsTheApiErrorInline() {
        browser.get(page());
        WebElement filter = browser.find("#filter");
        filter.sendKeys("metrics.accuracy >= 0.9 and params.model = 'xgb'");
        browser.find("form.runs-filter button[type=submit]").click();
        waitUntil(() -> browser.driver.getCurrentUrl().contains("filter=") && rowCount() == 10);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("selected=").doesNotContain("view=");
        assertThat(browser.findAll("#runs-table tbody tr td.run-name a")).extracting(WebElement::getText)
                .allMatch(name -> name.startsWith("run-1"));

        filter = browser.find("#filter");
        filter.clear();
        filter.sendKeys("metrics.accuracy >> 1");
        browser.find("form.runs-filter button[type=submit]").click();
        waitUntil(() -> !browser.findAll("#filter-error").isEmpty());
        assertThat(browser.find("#filter-error").getText()).isNotBlank();
        assertThat(browser.find("#filter").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findAll("#runs-table")).isEmpty();

        filter = browser.find("#filter");
        filter.clear();
        filter.sendKeys("params.model = 'nothing'");
        browser.find("form.runs-filter button[type=submit]").click();
        waitUntil(() -> !browser.findAll(".empty").isEmpty());
        assertThat(browser.find(".empty").getText()).contains("No runs match this filter.");
        browser.assertNoConsoleErrors();
    }

    @Test
    void sortsByAMetricAndPagesForwardAndBackWithTheBrowser() {
        browser.get(page());
        browser.find("#runs-table th[data-column='metrics.accuracy'] a.sort").click();
        waitUntil(() -> "ascending".equals(sortState("metrics.accuracy")));
        assertThat(browser.driver.getCurrentUrl()).contains("order=metrics.accuracy+ASC");
        assertThat(firstRunName()).isEqualTo("run-000");

        browser.find("#runs-table th[data-column='metrics.accuracy'] a.sort").click();
        waitUntil(() -> "descending".equals(sortState("metrics.accuracy")));
        assertThat(firstRunName()).isEqualTo("run-199");
        assertThat(sortState("attributes.start_time")).isEqualTo("none");

        browser.find("#next-page").click();
        waitUntil(() -> browser.find("#page-status").getText().equals("Runs 101\u2013200 of 250"));
        assertThat(browser.driver.getCurrentUrl()).contains("page=2");
        assertThat(sortState("metrics.accuracy")).isEqualTo("descending");

        browser.driver.navigate().back();
        waitUntil(() -> browser.find("#page-status").getText().equals("Runs 1\u2013100 of 250"));
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("page=2");
        browser.driver.navigate().forward();
        waitUntil(() -> browser.find("#page-status").getText().equals("Runs 101\u2013200 of 250"));

        // a shared link reproduces the view
        browser.get(page() + "?order=metrics.accuracy+DESC&page=3");
        assertThat(browser.find("#page-status").getText()).isEqualTo("Runs 201\u2013250 of 250");
        assertThat(browser.findAll("#next-page")).isEmpty();
        browser.assertNoConsoleErrors();
    }

    @Test
    void choosesColumns() {
        browser.get(page());
        browser.find("details.column-chooser summary").click();
        uncheck("metrics.loss");
        uncheck("params.lr");
        check("tags.team");
        browser.find("details.column-chooser button[type=submit]").click();
        waitUntil(() -> headers().contains("team"));
        assertThat(headers()).contains("accuracy", "model", "team").doesNotContain("loss", "lr");
        assertThat(browser.driver.getCurrentUrl()).contains("col=tags.team").doesNotContain("col=metrics.loss");

        browser.get(browser.driver.getCurrentUrl());
        assertThat(headers()).contains("team").doesNotContain("loss");
        browser.assertNoConsoleErrors();
    }

    @Test
    void selectsTwoRunsAndLinksToTheComparePage() {
        browser.get(page());
        List<WebElement> boxes = browser.findAll("#runs-table input.run-select");
        String first = boxes.get(0).getAttribute("value");
        String second = boxes.get(1).getAttribute("value");
        assertThat(browser.find("#compare-link").getAttribute("aria-disabled")).isEqualTo("true");
        boxes.get(0).click();
        boxes.get(1).click();
        assertThat(browser.find("#selection-count").getText()).isEqualTo("2 selected");
        assertThat(browser.driver.getCurrentUrl()).contains("selected=" + first + "," + second);
        assertThat(browser.find("#next-page").getAttribute("href")).contains("selected=" + first + "," + second);
        assertThat(browser.find("#compare-link").getAttribute("aria-disabled")).isNull();

        // the selection survives a reload from the URL
        browser.get(browser.driver.getCurrentUrl());
        assertThat(browser.findAll("#runs-table input.run-select:checked")).hasSize(2);
        browser.assertNoConsoleErrors();

        browser.find("#compare-link").click();
        waitUntil(() -> browser.driver.getCurrentUrl().contains("/compare"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("/compare?runs=" + first + "," + second);
        // the compare page is not this test's subject: forget what it logged
        browser.driver.manage().logs().get(LogType.BROWSER);
    }

    @Test
    void deletesAndRestoresSelectedRuns() {
        String other = server.tracking.createExperiment("runs-to-delete", Optional.empty(), List.of());
        List<String> runIds = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            runIds.add(run(other, "doomed-" + index, START + index, List.of()));
        }
        String url = server.url() + "/experiments/" + other;
        browser.get(url);
        browser.find("#runs-table tr[data-run-id='" + runIds.get(0) + "'] input.run-select").click();
        browser.find("#delete-runs").click();
        waitUntil(() -> browser.findAll("#runs-table tbody tr").size() == 2);
        assertThat(server.tracking.getRunInfo(runIds.get(0)).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("selected=");

        browser.get(url + "?view=deleted");
        assertThat(browser.findAll("#runs-table tbody tr")).hasSize(1);
        browser.find("#runs-table input.run-select").click();
        browser.find("#restore-runs").click();
        waitUntil(() -> !browser.findAll(".empty").isEmpty());
        assertThat(server.tracking.runStats(List.of(other), ViewType.ACTIVE_ONLY).get(other).count()).isEqualTo(3);
        browser.assertNoConsoleErrors();
    }

    @Test
    void fitsAPhoneWithTheTableScrollingSideways() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(page());
            Object pageOverflows = phone.script(
                    "return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;");
            assertThat(pageOverflows).isEqualTo(false);
            Object tableScrolls = phone.script("var box = document.querySelector('.table-scroll');"
                    + "return box.scrollWidth > box.clientWidth;");
            assertThat(tableScrolls).isEqualTo(true);
            phone.screenshot("runs-table-phone");
            phone.get(server.url() + "/");
            phone.screenshot("experiments-phone");
            phone.assertNoConsoleErrors();
        }
    }

    private static int rowCount() {
        return browser.findAll("#runs-table tbody tr").size();
    }

    private static List<String> headers() {
        return browser.findAll("#runs-table thead th a.sort").stream()
                .map(link -> link.getText().replaceAll("^[mpt]\\s+", "").replaceAll("[\\s\u25b2\u25bc\u21c5]+$", ""))
                .toList();
    }

    private static String sortState(String column) {
        return browser.find("#runs-table th[data-column='" + column + "']").getAttribute("aria-sort");
    }

    private static String firstRunName() {
        return browser.find("#runs-table tbody tr td.run-name a").getText();
    }

    private static void uncheck(String column) {
        WebElement box = browser.find("details.column-chooser input[value='" + column + "']");
        if (box.isSelected()) {
            box.click();
        }
    }

    private static void check(String column) {
        WebElement box = browser.find("details.column-chooser input[value='" + column + "']");
        if (!box.isSelected()) {
            box.click();
        }
    }

    private static void waitUntil(BooleanSupplier condition) {
        new WebDriverWait(browser.driver, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
                .until(driver -> condition.getAsBoolean());
        browser.waitForIdle();
    }
}
