package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.logged.LoggedModel;
import dev.slipway.core.logged.LoggedModelOutput;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The run page in a real browser against a real server: overview, charts, artifacts, models, errors, phone size. */
class RunPageTest {
    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static String runId;
    private static String bigRunId;
    private static String emptyRunId;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        String experimentId = server.tracking.createExperiment("vision", Optional.empty(), List.of());
        Run parent = server.tracking.createRun(Optional.of(experimentId), Optional.of("alice"),
                Optional.of("sweep"), Optional.empty(), List.of());
        Run run = server.tracking.createRun(Optional.of(experimentId), Optional.of("alice"),
                Optional.of("baseline"), Optional.of(1_700_000_000_000L), List.of(
                        new Tag("mlflow.source.git.commit", "3f9c2ab0d1e4"), new Tag("mlflow.source.name", "train.py"),
                        new Tag("mlflow.parentRunId", parent.info().runId()), new Tag("team", "vision <core>")));
        runId = run.info().runId();
        server.registry.createRegisteredModel("vision-net", Optional.empty(), List.of());
        server.registry.createModelVersion(new dev.slipway.core.registry.NewModelVersion("vision-net",
                "runs:/" + runId + "/model", Optional.of(runId), Optional.empty(), Optional.empty(),
                Optional.of("alice"), List.of(), Optional.empty()));
        server.registry.setAlias("vision-net", "champion", "1");
        List<Metric> metrics = new ArrayList<>();
        for (int step = 0; step < 60; step++) {
            metrics.add(new Metric("loss", 1.0 / (step + 1) + (step % 2 == 0 ? 0.2 : -0.2), 1_700_000_000_000L + step * 1000L,
                    step));
            metrics.add(new Metric("accuracy", 0.5 + step / 200.0, 1_700_000_000_000L + step * 1000L, step));
        }
        server.tracking.logBatch(runId, metrics, List.of(new Param("lr", "0.01"), new Param("epochs", "60")), List.of());
        server.tracking.logInputs(runId, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("imagenet-mini", "d1g3st42", "local", "/data/imagenet-mini", Optional.empty(),
                        Optional.empty()))));

        ArtifactRepository artifacts = server.artifacts.resolve(run.info().artifactUri());
        put(artifacts, "metrics.json", "{\"accuracy\": 0.93, \"classes\": [\"cat\", \"dog\"]}");
        put(artifacts, "broken.json", "{\"accuracy\": ");
        put(artifacts, "data/sample.csv", "city,population\nParis,2102650\n\"Lyon, FR\",522250\n");
        put(artifacts, "notes.txt", "trained on <b>mini</b> set\n");
        put(artifacts, "report.html", "<html><body><h1>Report</h1><p>All good.</p></body></html>");
        put(artifacts, "model/MLmodel", """
                artifact_path: model
                flavors:
                  python_function:
                    loader_module: mlflow.sklearn
                  sklearn:
                    pickled_model: model.pkl
                model_uuid: 0a1b2c
                signature:
                  inputs: '[{"type": "double", "name": "age"}, {"type": "string", "name": "city"}]'
                  outputs: '[{"type": "long"}]'
                """);
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 30; y++) {
                image.setRGB(x, y, (x < 20 ? Color.BLUE : Color.ORANGE).getRGB());
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        artifacts.put("plots/confusion.png", new ByteArrayInputStream(png.toByteArray()));

        LoggedModel logged = server.loggedModels.createLoggedModel(experimentId, Optional.of("resnet-tiny"),
                Optional.empty(), Optional.of(runId), List.of(), List.of());
        server.loggedModels.logRunOutputs(runId, List.of(new LoggedModelOutput(logged.modelId(), 59)));
        put(server.artifacts.resolve(logged.info().artifactUri()), "MLmodel", """
                flavors:
                  pytorch:
                    pytorch_version: 2.3.0
                signature:
                  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3, 32, 32]}}]'
                  outputs: null
                """);

        bigRunId = server.tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.of("long-training"),
                Optional.empty(), List.of()).info().runId();
        for (int batch = 0; batch < 100; batch++) {
            List<Metric> points = new ArrayList<>(1000);
            for (int step = batch * 1000; step < (batch + 1) * 1000; step++) {
                double value = step == 54_321 ? 1_000 : step == 777 ? -1_000 : Math.sin(step / 500.0);
                points.add(new Metric("loss", value, 1_700_000_000_000L + step, step));
            }
            server.tracking.logBatch(bigRunId, points, List.of(), List.of());
        }
        emptyRunId = server.tracking.createRun(Optional.of(experimentId), Optional.empty(), Optional.of("empty"),
                Optional.empty(), List.of()).info().runId();
        browser = Browser.open(1280, 900);
    }

    private static void put(ArtifactRepository artifacts, String path, String content) throws IOException {
        artifacts.put(path, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
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

    private static void waitForCharts(Browser on) {
        new WebDriverWait(on.driver, Duration.ofSeconds(15)).withMessage(() -> "charts: " + on.script(
                "return Array.prototype.map.call(document.querySelectorAll('.metric-chart'), function (c) {"
                        + " return c.dataset.key + '=' + c.dataset.state; }).join(', ') + ' uPlot ' + typeof uPlot;")
                + " console: " + on.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll())
                .until(d -> Boolean.TRUE.equals(on.script(
                "var charts = document.querySelectorAll('.metric-chart');"
                        + "return charts.length > 0 && Array.prototype.every.call(charts, function (c) {"
                        + " return c.dataset.state === 'ready' || c.dataset.state === 'error' || c.dataset.state === 'empty'; });")));
    }

    private static String text(String css) {
        return browser.find(css).getText();
    }

    @Test
    void showsOverviewParamsMetricsTagsAndInputs() {
        browser.get(server.url() + "/runs/" + runId);
        assertThat(browser.driver.getTitle()).isEqualTo("baseline \u00b7 Slipway");
        String overview = text("#overview");
        assertThat(overview).contains("RUNNING", "alice",
                "train.py", "3f9c2ab0d1e4", "vision", "2023-11-14 22:13:20", "Duration");
        assertThat(browser.find("#parent-run").getText()).isEqualTo("sweep");
        assertThat(browser.find("#overview a[href^='/experiments/']").getText()).isEqualTo("vision");
        assertThat(text("#params")).contains("lr", "0.01", "epochs", "60");
        assertThat(text("#metrics")).contains("loss", "accuracy", "0.795");
        assertThat(text("#tags")).contains("team", "vision <core>");
        WebElement dataset = browser.find("#inputs a");
        assertThat(dataset.getText()).isEqualTo("imagenet-mini");
        assertThat(dataset.getAttribute("href")).endsWith("/datasets?digest=d1g3st42");
        assertThat(text("#inputs")).contains("d1g3st42", "training", "/data/imagenet-mini");
        assertThat(text("#logged-models")).contains("Model in model/", "python_function, sklearn", "age", "double",
                "city", "string", "long", "Logged model resnet-tiny", "pytorch", "float32 [-1,3,32,32]");
        assertThat(text("#produced")).contains("vision-net version 1", "@champion");
        assertThat(browser.find("#produced a").getAttribute("href")).endsWith("/models/vision-net/versions/1");
        assertThat(browser.find("a[href^='/lineage?run=']").getAttribute("href")).endsWith("/lineage?run=" + runId);
        waitForCharts(browser);
        browser.screenshot("run");
        browser.script("document.getElementById('metrics-h').scrollIntoView();");
        browser.screenshot("run-charts");
        browser.assertNoConsoleErrors();
    }

    @Test
    void metricChartRendersACanvasAndSmoothingRedrawsIt() {
        browser.get(server.url() + "/runs/" + runId);
        waitForCharts(browser);
        assertThat(browser.findAll(".metric-chart canvas")).hasSize(2);
        assertThat(browser.findAll(".metric-chart[data-state='ready']")).hasSize(2);
        String lossChart = ".metric-chart[data-key='loss']";
        String raw = browser.find(lossChart).getAttribute("data-last-drawn");
        assertThat(browser.findAll(".chart-card figcaption").get(1).getText()).contains("loss", "latest");
        browser.script("var s = document.getElementById('smoothing'); s.value = '0.8';"
                + "s.dispatchEvent(new Event('input', {bubbles: true}));");
        assertThat(browser.find(lossChart).getAttribute("data-smoothing")).isEqualTo("0.8");
        assertThat(browser.find(lossChart).getAttribute("data-last-drawn")).isNotEqualTo(raw);
        assertThat(browser.find("#smoothing-value").getText()).isEqualTo("0.8");
        assertThat(browser.findAll(lossChart + " canvas")).hasSize(1);
        assertThat(browser.findAll(lossChart + " .u-legend .u-series")).hasSize(3);

        browser.script("var s = document.getElementById('x-axis'); s.value = 'time';"
                + "s.dispatchEvent(new Event('change', {bubbles: true}));");
        waitForCharts(browser);
        assertThat(browser.findAll(".metric-chart canvas")).hasSize(2);
        browser.assertNoConsoleErrors();
    }

    private static void openArtifact(String path) {
        browser.findAll(".artifact-link").stream().filter(link -> path.equals(link.getAttribute("data-path")))
                .findFirst().orElseThrow().click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(browser.script(
                "var title = document.querySelector('#artifact-preview h3');"
                        + "return !!title && title.textContent === arguments[0];", path)));
        browser.waitForIdle();
    }

    @Test
    void artifactBrowserPreviewsJsonCsvImageHtmlAndText() {
        browser.get(server.url() + "/runs/" + runId);
        assertThat(text("#artifact-tree")).contains("metrics.json", "data/", "sample.csv", "plots/", "notes.txt");

        openArtifact("metrics.json");
        assertThat(text("#artifact-preview pre.artifact-json")).contains("\"accuracy\" : 0.93", "\"classes\"");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/runs/" + runId + "?artifact=metrics.json");

        openArtifact("data/sample.csv");
        List<String> headers = browser.findAll("#artifact-preview table.artifact-csv th").stream()
                .map(WebElement::getText).toList();
        assertThat(headers).containsExactly("city", "population");
        assertThat(browser.findAll("#artifact-preview table.artifact-csv tbody tr")).hasSize(2);
        assertThat(text("#artifact-preview table.artifact-csv tbody")).contains("Lyon, FR", "522250");

        openArtifact("plots/confusion.png");
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(browser.script(
                "var img = document.querySelector('#artifact-preview img'); return img && img.complete && img.naturalWidth === 40;")));

        openArtifact("notes.txt");
        assertThat(text("#artifact-preview pre.artifact-text")).isEqualTo("trained on <b>mini</b> set");

        openArtifact("report.html");
        WebElement frame = browser.find("#artifact-preview iframe");
        assertThat(frame.getAttribute("sandbox")).isEmpty();
        browser.driver.switchTo().frame(frame);
        assertThat(browser.find("h1").getText()).isEqualTo("Report");
        browser.driver.switchTo().defaultContent();

        openArtifact("broken.json");
        assertThat(text("#artifact-preview .error")).contains("not valid JSON");
        browser.screenshot("run-artifacts");
        browser.assertNoConsoleErrors();

        browser.get(server.url() + "/runs/" + runId + "?artifact=missing.txt");
        assertThat(text("#artifact-preview .error")).contains("Artifact 'missing.txt' not found");
        browser.assertNoConsoleErrors();
    }

    @Test
    void metricWithAHundredThousandPointsLoadsDownsampledWithItsExtremes() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/ui/data/metric?run_id=" + bigRunId + "&key=loss")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("total").asInt()).isEqualTo(100_000);
        assertThat(body.get("downsampled").asBoolean()).isTrue();
        List<Double> values = new ArrayList<>();
        body.get("values").forEach(value -> values.add(value.asDouble()));
        List<Long> steps = new ArrayList<>();
        body.get("steps").forEach(step -> steps.add(step.asLong()));
        assertThat(values).hasSizeLessThanOrEqualTo(2000).contains(1_000.0, -1_000.0);
        assertThat(steps.get(0)).isZero();
        assertThat(steps.get(steps.size() - 1)).isEqualTo(99_999L);

        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/ui/data/metric?run_id=" + bigRunId + "&key=loss&max_points=lots")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("max_points");

        browser.get(server.url() + "/runs/" + bigRunId);
        waitForCharts(browser);
        assertThat(browser.find(".metric-chart").getAttribute("data-state")).isEqualTo("ready");
        assertThat(Integer.parseInt(browser.find(".metric-chart").getAttribute("data-points"))).isLessThanOrEqualTo(2000);
        assertThat(browser.find(".metric-chart").getAttribute("data-downsampled")).isEqualTo("true");

        // a narrow drag-zoom refetches that range, at full resolution
        browser.script("var plot = Slipway.charts[0].plot; plot.setSelect({left: 100, width: 3, top: 0, "
                + "height: plot.bbox.height / devicePixelRatio});");
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> "false".equals(
                browser.find(".metric-chart").getAttribute("data-downsampled")));
        assertThat(browser.find(".metric-chart").getAttribute("data-zoomed")).isEqualTo("true");
        Number scaleMin = (Number) browser.script("return Slipway.charts[0].plot.scales.x.min;");
        Number scaleMax = (Number) browser.script("return Slipway.charts[0].plot.scales.x.max;");
        assertThat(scaleMax.doubleValue() - scaleMin.doubleValue()).isBetween(10.0, 5_000.0);

        new org.openqa.selenium.interactions.Actions(browser.driver)
                .doubleClick(browser.find(".metric-chart .u-over")).perform();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(d -> "true".equals(
                browser.find(".metric-chart").getAttribute("data-downsampled")));
        assertThat(browser.find(".metric-chart").getAttribute("data-zoomed")).isEqualTo("false");
        browser.assertNoConsoleErrors();
    }

    @Test
    void aRunWithoutDataSaysSo() {
        browser.get(server.url() + "/runs/" + emptyRunId);
        assertThat(text("main")).contains("This run has no parameters.", "This run has no metrics.",
                "This run has no artifacts.", "This run logged no dataset inputs.", "This run logged no model.",
                "No model version was registered from this run.");
        browser.assertNoConsoleErrors();
    }

    @Test
    void unknownRunGivesTheNotFoundPage() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/runs/0123456789abcdef0123456789abcdef")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Not found");
        browser.get(server.url() + "/runs/no-such-run");
        assertThat(browser.driver.getTitle()).isEqualTo("Not found \u00b7 Slipway");
        assertThat(text(".error")).contains("Run with id=no-such-run not found");
        assertNoConsoleErrorsBut404(browser);
    }

    /** A 404 page is the expected answer here; Chromium logs its status, which is not a page error. */
    static void assertNoConsoleErrorsBut404(Browser on) {
        var severe = on.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .filter(entry -> !entry.getMessage().contains("status of 404")).toList();
        assertThat(severe).as("browser console errors").isEmpty();
    }

    @Test
    void fitsAPhoneScreen() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(server.url() + "/runs/" + runId);
            waitForCharts(phone);
            // once the charts have followed the scroll bar's appearance, nothing is wider than the screen
            new WebDriverWait(phone.driver, Duration.ofSeconds(5)).withMessage(() -> "too wide: " + phone.script(
                    "var w = document.documentElement.clientWidth; return document.documentElement.scrollWidth + '/' + w + ' '"
                            + " + Array.prototype.filter.call(document.querySelectorAll('body *'), function (e) {"
                            + " var r = e.getBoundingClientRect(); return r.right > w + 0.5 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0; })"
                            + ".slice(0, 12).map(function (e) { return e.tagName + '#' + e.id + '.' + e.className + ' ' + e.getBoundingClientRect().right + ' sw ' + e.scrollWidth + ' cw ' + e.clientWidth; }).join('; ');"))
                    .until(d -> Boolean.TRUE.equals(phone.script(
                    "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;")));
            Number viewport = (Number) phone.script("return document.documentElement.clientWidth;");
            Number canvas = (Number) phone.script(
                    "return document.querySelector('.metric-chart .uplot').getBoundingClientRect().width;");
            assertThat(canvas.intValue()).isLessThanOrEqualTo(viewport.intValue()).isGreaterThan(200);
            phone.script("document.getElementById('metrics-h').scrollIntoView();");
            phone.screenshot("run-phone");

            phone.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
            new WebDriverWait(phone.driver, Duration.ofSeconds(10)).until(d -> ((Number) phone.script(
                    "return document.querySelector('.metric-chart .uplot').getBoundingClientRect().width;"))
                    .intValue() > canvas.intValue());
            phone.assertNoConsoleErrors();
        }
    }
}
