package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Page;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The monitoring pages against monitors, results and actions stored through {@link MonitorService}, with reports
 * shaped as the monitor evaluator writes them (drift per feature, data quality, live model quality, alerts).
 */
class MonitoringPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final String[][] FEATURES = {{"tenure", "ks", "p_value", "0.05"},
            {"monthly_charges", "wasserstein", "distance", "0.1"}, {"contract", "chisquare", "p_value", "0.05"},
            {"payment_method", "jensenshannon", "distance", "0.1"}};

    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.registry.createRegisteredModel("churn", Optional.empty(), List.of());
        server.registry.createModelVersion(new NewModelVersion("churn", "s3://models/churn/1", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty()));
        server.registry.setAlias("churn", "champion", "1");

        MonitorService monitors = new MonitorService(server.predictionLog.monitorStore().orElseThrow(),
                Clock.systemUTC());
        monitors.createMonitor("churn-drift", """
                {"name": "churn-drift", "model": "models:/churn@champion", "window": "1h", "schedule": "10m",
                 "drift_share": 0.5, "alerts": [{"when": "dataset_drift",
                 "webhook": "https://hooks.example.org/slipway", "retrain": {"project": "/srv/churn"}}]}""", false);
        monitors.createMonitor("fraud-quality", """
                {"name": "fraud-quality", "model": "models:/fraud/3", "rows": 10000}""", false);

        long now = System.currentTimeMillis();
        int evaluations = 8;
        long lastResultId = 0;
        for (int i = 0; i < evaluations; i++) {
            boolean drifted = i >= evaluations - 2;
            long end = now - (evaluations - 1 - i) * HOUR;
            ObjectNode report = report(i, drifted, end - HOUR, end);
            MonitorResult stored = monitors.addResult(new MonitorService.NewResult("churn-drift", Optional.of(end),
                    end - HOUR, end, 1200 + 10L * i, drifted ? MonitorStatus.ALERT : MonitorStatus.OK,
                    Optional.of(drifted), Optional.of(report.get("drift_share").asDouble()), report.toString()));
            lastResultId = stored.id();
        }
        String cause = "dataset drift: 3 of 4 features drifted (share 0.75 >= 0.5)";
        monitors.addAction(new MonitorService.NewAction("churn-drift", lastResultId, Optional.of(now - HOUR),
                "dataset_drift", cause, "webhook", "https://hooks.example.org/slipway", true, "HTTP 200"));
        monitors.addAction(new MonitorService.NewAction("churn-drift", lastResultId, Optional.of(now - HOUR + 1000),
                "dataset_drift", cause, "retrain", "/srv/churn", false,
                "slipway ci exited with 1\nQuality gate failed: candidate roc_auc 0.884 is not better than champion "
                        + "0.897 by at least 0.005\n(see ci-report.md)"));
        browser = Browser.open(1280, 900);
    }

    /** A report as the evaluator writes it; the last evaluations drift on three features. */
    private static ObjectNode report(int index, boolean drifted, long windowStart, long windowEnd) {
        ObjectNode report = JSON.createObjectNode().put("monitor", "churn-drift").put("model", "models:/churn@champion")
                .put("model_name", "churn").put("model_version", "1")
                .put("reference", "training data of run 0c9e (5000 rows)").put("window", "the last 1 h")
                .put("window_start", windowStart).put("window_end", windowEnd);
        report.putObject("model_quality").put("rows", 300 + index).put("accuracy", 0.86 - (drifted ? 0.07 : 0.004 * index))
                .put("f1", 0.71 - (drifted ? 0.09 : 0.003 * index)).putNull("roc_auc");
        report.put("rows", 1200 + 10 * index).put("reference_rows", 5000);
        ArrayNode features = JSON.createArrayNode();
        int driftedCount = 0;
        for (int f = 0; f < FEATURES.length; f++) {
            String[] spec = FEATURES[f];
            boolean pValue = spec[2].equals("p_value");
            double threshold = Double.parseDouble(spec[3]);
            boolean featureDrifts = drifted && f < 3;
            double score = pValue ? (featureDrifts ? 0.001 + 0.002 * f : 0.4 - 0.03 * index + 0.05 * f)
                    : (featureDrifts ? 0.18 + 0.02 * f : 0.02 + 0.005 * index);
            driftedCount += featureDrifts ? 1 : 0;
            features.addObject().put("name", spec[0]).put("method", spec[1]).put("stattest_kind", spec[2])
                    .put("score", score).put("threshold", threshold).put("drifted", featureDrifts);
        }
        double share = driftedCount / (double) FEATURES.length;
        report.put("dataset_drift", share >= 0.5).put("drift_share", share).put("drift_share_threshold", 0.5)
                .put("drifted_columns", driftedCount).put("columns", FEATURES.length);
        report.set("features", features);
        ObjectNode quality = report.putObject("data_quality").put("rows", 1200 + 10 * index);
        ArrayNode columns = quality.putArray("columns");
        columns.addObject().put("name", "tenure").put("type", "numeric").put("rows", 1200).put("missing_share",
                drifted ? 0.08 : 0.01).put("reference_missing_share", 0.0).put("type_violations", 0)
                .put("type_violation_share", 0.0).put("reference_type_violation_share", 0.0).put("reference_min", 0)
                .put("reference_max", 72).put("out_of_range_share", drifted ? 0.04 : 0.0);
        columns.addObject().put("name", "contract").put("type", "categorical").put("rows", 1200)
                .put("missing_share", 0.0).put("reference_missing_share", 0.0).put("type_violations", 0)
                .put("type_violation_share", 0.0).put("reference_type_violation_share", 0.0)
                .put("unseen_share", drifted ? 0.02 : 0.0).put("reference_capped", false).putArray("unseen_examples");
        quality.putArray("missing_from_current");
        quality.putArray("not_in_reference");
        quality.putObject("unknown_columns");
        ObjectNode alert = report.putArray("alerts").addObject().put("rule", "dataset_drift").put("holds", drifted);
        if (drifted) {
            alert.put("cause", "3 of 4 features drifted (share 0.75 >= 0.5)").put("fired", index == 6);
        }
        return report;
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
    void monitoringListShowsEachMonitorWithItsModelAndLatestStatus() {
        browser.get(server.url() + "/monitoring");
        assertThat(browser.driver.getTitle()).isEqualTo("Monitoring \u00b7 Slipway");
        List<String> rows = browser.findAll("#monitors tbody tr").stream().map(WebElement::getText).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).contains("churn-drift", "models:/churn@champion", "the last 1 h", "alert", "0.75");
        assertThat(rows.get(1)).contains("fraud-quality", "models:/fraud/3", "not evaluated");
        assertThat(browser.findAll("#actions tbody tr")).hasSize(2);
        browser.assertNoConsoleErrors();
    }

    @Test
    void monitorPageChartsDriftAndQualityAndListsTheActions() {
        browser.get(server.url() + "/monitoring/churn-drift");
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(driver -> !browser.findAll("#drift-chart canvas").isEmpty());
        assertThat(browser.findAll("#data-quality-chart canvas")).isNotEmpty();
        assertThat(browser.findAll("#model-quality-chart canvas")).isNotEmpty();
        assertThat(browser.find("#drift-chart").getText()).contains("drift_share", "tenure (ks)",
                "payment_method (jensenshannon)");
        assertThat(browser.find("#model-quality-chart").getText()).contains("accuracy", "f1");

        assertThat(browser.find("#monitor-facts").getText()).contains("models:/churn@champion",
                "last evaluated version 1", "every 10 min");
        List<String> features = browser.findAll("#features tbody tr").stream().map(WebElement::getText).toList();
        assertThat(features).hasSize(4);
        assertThat(features.get(0)).contains("tenure", "ks", "0.001", "0.05", "yes");
        assertThat(features.get(3)).contains("payment_method", "jensenshannon", "no");

        List<String> actions = browser.findAll("#actions tbody tr").stream().map(WebElement::getText).toList();
        assertThat(actions).hasSize(2);
        assertThat(actions.get(0)).contains("dataset_drift", "retrain", "/srv/churn", "failed", "slipway ci exited");
        assertThat(actions.get(1)).contains("webhook", "https://hooks.example.org/slipway", "ok", "HTTP 200");
        assertThat(browser.find("#report-alerts").getText()).contains("holds", "3 of 4 features drifted");
        browser.screenshot("monitoring");
        browser.script("document.getElementById('actions').scrollIntoView();");
        browser.screenshot("monitoring-actions");
        browser.assertNoConsoleErrors();
    }

    @Test
    void monitorNotEvaluatedYetShowsAnEmptyState() {
        browser.get(server.url() + "/monitoring/fraud-quality");
        assertThat(browser.find(".empty").getText()).contains("has not been evaluated yet");
        assertThat(browser.find("#no-actions").getText()).contains("No alert has fired");
        assertThat(browser.findAll("canvas")).isEmpty();
        browser.assertNoConsoleErrors();
    }

    @Test
    void monitorPageFitsAPhone() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(server.url() + "/monitoring/churn-drift");
            new WebDriverWait(phone.driver, Duration.ofSeconds(10))
                    .until(driver -> !phone.findAll("#drift-chart canvas").isEmpty());
            Object overflow = phone.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            phone.screenshot("monitoring-phone");
            phone.assertNoConsoleErrors();
        }
    }

    @Test
    void serverWithoutAMonitorStoreExplainsWhy() {
        PredictionLogService noMonitors = new PredictionLogService(new PredictionLogWithoutMonitors(),
                Clock.systemUTC());
        UiServices services = new UiServices(server.tracking, server.registry, server.loggedModels, noMonitors,
                server.artifacts, Clock.systemUTC(), ZoneOffset.UTC);
        SlipwayServer bare = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, server.tracking, server.registry,
                server.loggedModels, noMonitors, server.artifacts, true, List.of(), 16L * 1024 * 1024, "0.1.0-test",
                List.of(new WebUi(services))));
        try {
            browser.get("http://127.0.0.1:" + bare.port() + "/monitoring");
            assertThat(browser.find(".empty").getText()).contains("This server keeps no monitors.",
                    "slipway monitor create");
            browser.assertNoConsoleErrors();
        } finally {
            bare.stop();
        }
    }

    /** A prediction log that keeps nothing and has no monitor store, as a backend without one. */
    private static final class PredictionLogWithoutMonitors implements PredictionLogStore {
        @Override
        public void appendPredictions(List<LoggedPrediction> predictions) {}

        @Override
        public void appendFeedback(List<PredictionFeedback> feedback) {}

        @Override
        public Page<JoinedPrediction> searchPredictions(PredictionQuery query, int maxResults, long offset) {
            return new Page<>(List.of(), Optional.empty());
        }

        @Override
        public long countPredictions(PredictionQuery query) {
            return 0;
        }

        @Override
        public void close() {}
    }
}
