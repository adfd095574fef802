package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Comparing three runs in a real browser: highlighted differences, overlaid charts, scatter, parallel coordinates. */
class ComparePageTest {
    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static final List<String> RUN_IDS = new ArrayList<>();

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        String experimentId = server.tracking.createExperiment("sweep", Optional.empty(), List.of());
        String[] learningRates = {"0.1", "0.01", "0.001"};
        String[] optimizers = {"adam", "sgd", "adam"};
        for (int index = 0; index < 3; index++) {
            String runId = server.tracking.createRun(Optional.of(experimentId), Optional.of("bob"),
                    Optional.of("trial-" + index), Optional.empty(), List.of(new Tag("team", "x"))).info().runId();
            List<Metric> metrics = new ArrayList<>();
            for (int step = 0; step < 40; step++) {
                metrics.add(new Metric("loss", (index + 1) / (step + 1.0), 1_700_000_000_000L + step * 1000L, step));
                metrics.add(new Metric("accuracy", 0.5 + index * 0.1 + step / 400.0, 1_700_000_000_000L + step * 1000L,
                        step));
            }
            server.tracking.logBatch(runId, metrics, List.of(new Param("lr", learningRates[index]),
                    new Param("epochs", "40"), new Param("optimizer", optimizers[index])), List.of());
            RUN_IDS.add(runId);
        }
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

    private static void waitForCharts() {
        new WebDriverWait(browser.driver, Duration.ofSeconds(15)).until(d -> Boolean.TRUE.equals(browser.script(
                "var charts = document.querySelectorAll('.metric-chart');"
                        + "return charts.length > 0 && Array.prototype.every.call(charts, function (c) {"
                        + " return c.dataset.state === 'ready' || c.dataset.state === 'error'; });")));
    }

    private static String compareUrl() {
        return server.url() + "/compare?runs=" + String.join(",", RUN_IDS);
    }

    @Test
    void highlightsDifferingParamsAndOverlaysOneChartPerMetric() {
        browser.get(compareUrl());
        assertThat(browser.driver.getTitle()).isEqualTo("Compare runs \u00b7 Slipway");
        assertThat(browser.find("h1").getText()).isEqualTo("Comparing 3 runs");
        List<String> differing = browser.findAll("#compare-params tr.diff").stream()
                .map(row -> row.getAttribute("data-key")).toList();
        assertThat(differing).containsExactly("lr", "optimizer");
        assertThat(browser.find("#compare-params tr[data-key='epochs']").getAttribute("class")).doesNotContain("diff");
        assertThat(browser.find("#compare-params thead").getText()).contains("trial-0", "trial-1", "trial-2");
        browser.find("#only-differences").click();
        assertThat(browser.find("#compare-params tr[data-key='epochs']").isDisplayed()).isFalse();
        assertThat(browser.find("#compare-params tr[data-key='lr']").isDisplayed()).isTrue();
        browser.find("#only-differences").click();
        assertThat(browser.find("#compare-params tr[data-key='epochs']").isDisplayed()).isTrue();

        waitForCharts();
        List<WebElement> charts = browser.findAll(".compare-chart");
        assertThat(charts).extracting(chart -> chart.getAttribute("data-key")).containsExactly("accuracy", "loss");
        for (WebElement chart : charts) {
            assertThat(chart.findElements(org.openqa.selenium.By.cssSelector("canvas"))).hasSize(1);
            // the x series plus one per run
            assertThat(chart.findElements(org.openqa.selenium.By.cssSelector(".u-legend .u-series"))).hasSize(4);
        }
        browser.script("var s = document.getElementById('smoothing'); s.value = '0.5';"
                + "s.dispatchEvent(new Event('input', {bubbles: true}));");
        assertThat(browser.findAll(".compare-chart .u-legend .u-series")).hasSize(2 * 7);
        browser.script("document.getElementById('cmetrics-h').scrollIntoView();");
        browser.screenshot("compare-charts");
        browser.assertNoConsoleErrors();
    }

    @Test
    void scatterAndParallelCoordinatesFollowTheChosenAxesAndKeepThemInTheUrl() {
        browser.get(compareUrl() + "&x=param:lr&y=metric:loss");
        assertThat(new Select(browser.find("#scatter-x")).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("param:lr");
        assertThat(browser.findAll("#scatter circle.scatter-point")).hasSize(3);
        assertThat(browser.find("#scatter").getAttribute("aria-label"))
                .isEqualTo("Scatter of loss (metric) against lr (param) for 3 of 3 runs");
        // the default axes: the params that differ, then the metrics
        assertThat(browser.find("#parallel").getAttribute("data-axes")).isEqualTo("4");
        assertThat(browser.findAll("#parallel polyline.parallel-line")).hasSize(3);
        assertThat(browser.findAll("#parallel line.parallel-axis")).hasSize(4);

        new Select(browser.find("#scatter-y")).selectByValue("metric:accuracy");
        assertThat(browser.driver.getCurrentUrl()).contains("y=metric:accuracy", "x=param:lr");
        assertThat(browser.find("#scatter").getAttribute("aria-label")).startsWith("Scatter of accuracy (metric)");

        browser.findAll("#parallel-controls input[name=axis]").stream()
                .filter(box -> box.getAttribute("value").equals("param:epochs")).findFirst().orElseThrow().click();
        assertThat(browser.find("#parallel").getAttribute("data-axes")).isEqualTo("5");
        assertThat(browser.driver.getCurrentUrl()).contains("axes=").contains("param:epochs");

        String shared = browser.driver.getCurrentUrl();
        browser.get(shared);
        assertThat(new Select(browser.find("#scatter-y")).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("metric:accuracy");
        assertThat(browser.find("#parallel").getAttribute("data-axes")).isEqualTo("5");
        waitForCharts();
        browser.script("document.getElementById('scatter-h').scrollIntoView();");
        browser.screenshot("compare");
        browser.assertNoConsoleErrors();
    }

    @Test
    void fitsAPhoneScreen() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(compareUrl());
            new WebDriverWait(phone.driver, Duration.ofSeconds(15)).until(d -> phone.findAll(
                    ".metric-chart[data-state='ready']").size() == 2);
            Number pageWidth = (Number) phone.script("return document.documentElement.scrollWidth;");
            Number viewport = (Number) phone.script("return document.documentElement.clientWidth;");
            assertThat(pageWidth.intValue()).isLessThanOrEqualTo(viewport.intValue());
            Number parallel = (Number) phone.script(
                    "return document.querySelector('#parallel svg').getBoundingClientRect().width;");
            assertThat(parallel.intValue()).isLessThanOrEqualTo(viewport.intValue());
            phone.script("document.getElementById('parallel-h').scrollIntoView();");
            phone.screenshot("compare-phone");
            phone.assertNoConsoleErrors();
        }
    }

    @Test
    void comparingNothingOrAnUnknownRunSaysSo() {
        browser.get(server.url() + "/compare");
        assertThat(browser.find(".empty").getText()).contains("No runs selected.");
        browser.assertNoConsoleErrors();
        browser.get(server.url() + "/compare?runs=" + RUN_IDS.get(0) + ",0123456789abcdef0123456789abcdef");
        assertThat(browser.driver.getTitle()).isEqualTo("Not found \u00b7 Slipway");
        RunPageTest.assertNoConsoleErrorsBut404(browser);
    }
}
