package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.gitops.DeploymentService.NewEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import dev.slipway.server.ServerOptions;
import dev.slipway.server.SlipwayServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The deployment pages, and where the registry and lineage pages show deployments, against statuses and events stored
 * through {@link DeploymentService} as a GitOps agent reports them: {@code prod/churn} serves churn v1 with v2 as a
 * canary at 10%, {@code staging/churn} serves v2, and {@code staging/fraud} is out of sync and degraded.
 */
class DeploymentPagesBrowserTest {
    static final String REVISION = "4e1d2c3b4a5f60718293a4b5c6d7e8f901234567";
    static final String COMMIT = "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3";

    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static String trainingRunId;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();
        String training = server.tracking.createExperiment("churn-training", Optional.empty(), List.of());
        Run run = server.tracking.createRun(Optional.of(training), Optional.of("ci"), Optional.of("gbm-depth-6"),
                Optional.empty(), List.of());
        trainingRunId = run.info().runId();
        server.tracking.logInputs(trainingRunId, List.of(new DatasetInput(
                List.of(new Tag("mlflow.data.context", "training")), new Dataset("data/churn.csv",
                        "3f2a9c1e5b7d4f60a8e2c9d1b4f7e0a3", "local", "data/churn.csv", Optional.empty(),
                        Optional.empty()))));
        Run retrain = server.tracking.createRun(Optional.of(training), Optional.of("ci"), Optional.of("gbm-depth-8"),
                Optional.empty(), List.of());
        server.registry.createRegisteredModel("churn", Optional.empty(), List.of());
        for (Run source : List.of(run, retrain, retrain)) {
            server.registry.createModelVersion(new NewModelVersion("churn", "runs:/" + source.info().runId()
                    + "/model", Optional.of(source.info().runId()), Optional.empty(), Optional.empty(),
                    Optional.of("ci"), List.of(), Optional.empty()));
        }

        DeploymentService deployments = new DeploymentService(server.predictionLog.deploymentStore().orElseThrow(),
                Clock.systemUTC());
        deployments.report(new DeploymentStatus("prod", "churn", Optional.of(REVISION), "models:/churn/1",
                Optional.of("models:/churn/1"), Optional.of("models:/churn/2"), 10, Optional.of(1),
                SyncStatus.SYNCED, HealthStatus.PROGRESSING, "Canary models:/churn/2: step 1 of 3 at 10% of the traffic",
                Optional.of("http://10.0.0.5:8080"), "slipway-agent@prod-1", 0));
        deployments.report(new DeploymentStatus("staging", "churn", Optional.of(REVISION), "models:/churn/2",
                Optional.of("models:/churn/2"), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED,
                HealthStatus.HEALTHY, "Serving models:/churn/2", Optional.of("http://10.0.1.5:8080"),
                "slipway-agent@staging-1", 0));
        deployments.report(new DeploymentStatus("staging", "fraud", Optional.empty(), "models:/fraud/3",
                Optional.of("models:/fraud/2"), Optional.empty(), 0, Optional.empty(), SyncStatus.OUT_OF_SYNC,
                HealthStatus.DEGRADED, "<b>crash</b> loop: the model server exited with 137", Optional.empty(),
                "slipway-agent@staging-1", 0));

        event(deployments, "prod", "started", "Starting a model server (pid 4242) on port 8080", "{}");
        event(deployments, "prod", "ready", "The model server on http://10.0.0.5:8080 is ready", "{}");
        event(deployments, "prod", "canary_started", "Canary models:/churn/2: step 1 of 3 at 10% of the traffic",
                "{\"candidate\":\"models:/churn/2\",\"steps\":[10,50,100]}");
        event(deployments, "prod", "canary_check", "Canary models:/churn/2, step 1 of 3 at 10%: fail: p99 latency "
                + "640 ms above 500 ms", "{\"requests\":87,\"errors\":1,\"error_rate\":0.0115,\"p99_ms\":640.0,"
                + "\"max_error_rate\":0.02,\"max_p99_ms\":500,\"verdict\":\"fail\",\"candidate\":\"models:/churn/2\","
                + "\"steps\":[10,50,100],\"failed_checks\":1,\"failure_limit\":3,\"step\":1,\"weight\":10,"
                + "\"decision\":\"hold\"}");
        event(deployments, "prod", "canary_check", "Canary models:/churn/2, step 1 of 3 at 10%: pass: all bounds "
                + "hold", "{\"requests\":120,\"errors\":0,\"error_rate\":0.0,\"p99_ms\":25.0,\"max_error_rate\":0.02,"
                + "\"max_p99_ms\":500,\"quality\":{\"accuracy\":0.91},\"min_quality\":{\"accuracy\":0.85},"
                + "\"verdict\":\"pass\",\"step\":1,\"weight\":10,\"decision\":\"hold\",\"commit\":\"" + COMMIT + "\"}");
        event(deployments, "staging", "synced", "Now serving models:/churn/2 (was models:/churn/1)", "{}");
        browser = Browser.open(1280, 900);
    }

    private static void event(DeploymentService deployments, String env, String kind, String message,
            String evidence) {
        deployments.appendEvent(new NewEvent(env, "churn", kind, Optional.of(REVISION), message, evidence));
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
    void listShowsEveryDeploymentWithWhatServesAndItsSyncAndHealth() {
        browser.get(server.url() + "/deployments");
        assertThat(browser.driver.getTitle()).isEqualTo("Deployments \u00b7 Slipway");
        assertThat(browser.find("header.top nav a[aria-current=\"page\"]").getText()).isEqualTo("Deployments");
        List<String> rows = browser.findAll("#deployments tbody tr").stream().map(WebElement::getText).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).contains("prod", "churn", "models:/churn/1", "models:/churn/2", "10% \u00b7 step 1",
                "Synced", "Progressing", "http://10.0.0.5:8080", "by slipway-agent@prod-1", "step 1 of 3")
                .doesNotContain("Git:");
        assertThat(rows.get(2)).contains("staging", "fraud", "models:/fraud/2", "Git: models:/fraud/3 not live yet",
                "OutOfSync", "Degraded", "<b>crash</b> loop");
        WebElement fraud = browser.find("#deployments tr[data-deployment=\"staging/fraud\"]");
        assertThat(fraud.findElements(By.tagName("b"))).isEmpty();
        assertThat(fraud.findElement(By.cssSelector(".badge.bad")).getText()).isEqualTo("Degraded");
        assertThat(fraud.findElement(By.cssSelector(".badge.warn")).getText())
                .isIn("OutOfSync", "not live yet");
        assertThat(browser.find("#deployments tr[data-deployment=\"prod/churn\"] a[href=\"/models/churn/versions/1\"]")
                .getText()).isEqualTo("models:/churn/1");
        assertThat(browser.find("#deployment-summary").getText()).contains("3 deployments in 2 environments",
                "1 not synced", "1 canary in progress");
        browser.screenshot("deployments");
        browser.assertNoConsoleErrors();
    }

    @Test
    void listFiltersByEnvironmentAndModel() {
        browser.get(server.url() + "/deployments");
        new Select(browser.find("#env")).selectByVisibleText("staging");
        browser.find("#deployment-filter button[type=\"submit\"]").click();
        browser.waitForUrl("env=staging");
        assertThat(browser.findAll("#deployments tbody tr")).extracting(row -> row.getAttribute("data-deployment"))
                .containsExactly("staging/churn", "staging/fraud");
        assertThat(new Select(browser.find("#env")).getFirstSelectedOption().getText()).isEqualTo("staging");

        browser.get(server.url() + "/deployments?model=churn");
        assertThat(browser.findAll("#deployments tbody tr")).extracting(row -> row.getAttribute("data-deployment"))
                .containsExactly("prod/churn", "staging/churn");
        browser.get(server.url() + "/deployments?env=qa");
        assertThat(browser.find(".empty").getText()).contains("No deployment in environment 'qa'.");
        browser.assertNoConsoleErrors();
    }

    @Test
    void detailShowsTheStatusAndTheEventsWithReadableEvidence() {
        browser.get(server.url() + "/deployments");
        browser.find("#deployments tr[data-deployment=\"prod/churn\"] a[href=\"/deployments/prod/churn\"]").click();
        browser.waitForIdle();
        assertThat(browser.driver.getTitle()).isEqualTo("prod/churn \u00b7 Slipway");
        assertThat(browser.find("#deployment-facts").getText()).contains("Synced", "Progressing", "models:/churn/1",
                "at 90% of the traffic", "models:/churn/2 at 10% of the traffic, step 1", REVISION.substring(0, 12),
                "http://10.0.0.5:8080", "slipway-agent@prod-1");

        List<WebElement> events = browser.findAll("#events tbody tr");
        assertThat(events).extracting(row -> row.getAttribute("data-kind"))
                .containsExactly("canary_check", "canary_check", "canary_started", "ready", "started");
        assertThat(browser.find("#events").getText()).doesNotContain("{\"", "\"verdict\"");

        WebElement pass = events.get(0);
        assertThat(pass.getAttribute("class")).isEqualTo("verdict-ok");
        String passEvidence = pass.findElement(By.cssSelector("dl.evidence")).getText();
        assertThat(passEvidence).contains("Verdict\npass", "Requests\n120", "Errors\n0",
                "Error rate\n0% within the max 2%", "p99 latency\n25 ms within the max 500 ms",
                "Live quality\naccuracy 0.91", "Min quality\naccuracy 0.85", "Commit\n" + COMMIT.substring(0, 12));
        assertThat(pass.findElements(By.cssSelector(".measure.pass"))).hasSize(2);
        assertThat(pass.findElement(By.cssSelector("dl.evidence .badge.ok")).getText())
                .isEqualTo("pass");

        WebElement fail = events.get(1);
        assertThat(fail.getAttribute("class")).isEqualTo("verdict-bad");
        assertThat(fail.findElement(By.cssSelector(".measure.fail")).getText()).isEqualTo("640 ms");
        assertThat(fail.findElement(By.cssSelector(".measure.pass")).getText()).isEqualTo("1.15%");
        assertThat(fail.getText()).contains("above the max 500 ms", "Steps\n10%, 50%, 100%", "Failed checks\n1",
                "Failure limit\n3", "Decision\nhold");
        assertThat(fail.findElement(By.cssSelector("dl.evidence .badge.bad")).getText())
                .isEqualTo("fail");
        assertThat(events.get(2).findElement(By.cssSelector(
                "a[href=\"/models/churn/versions/2\"]")).getText()).isEqualTo("models:/churn/2");
        browser.screenshot("deployment");
        browser.script("document.getElementById('events').scrollIntoView();");
        browser.screenshot("deployment-events");
        browser.assertNoConsoleErrors();
    }

    @Test
    void modelVersionPageSaysWhereTheVersionIsDeployed() {
        browser.get(server.url() + "/models/churn/versions/1");
        String stable = browser.find("#version-deployments").getText();
        assertThat(stable).contains("stable deployed in prod/churn", "Synced", "Progressing");
        assertThat(browser.findAll("#version-deployments li")).hasSize(1);

        browser.get(server.url() + "/models/churn/versions/2");
        List<String> placements = browser.findAll("#version-deployments li").stream().map(WebElement::getText)
                .toList();
        assertThat(placements).hasSize(2);
        assertThat(placements.get(0)).contains("canary at 10%, step 1 deployed in prod/churn");
        assertThat(placements.get(1)).contains("stable deployed in staging/churn", "Healthy");
        browser.script("document.getElementById('deployments-heading').scrollIntoView();");
        browser.screenshot("model-version-deployments");

        browser.get(server.url() + "/models/churn/versions/3");
        assertThat(browser.find("#no-deployments").getText()).contains("Not deployed");

        browser.get(server.url() + "/models/churn/versions/1");
        browser.find("#version-deployments a[href=\"/deployments/prod/churn\"]").click();
        browser.waitForIdle();
        assertThat(browser.find("h1").getText()).isEqualTo("churn in prod");
        browser.assertNoConsoleErrors();
    }

    @Test
    void registeredModelPageShowsWhereEachVersionIsServed() {
        browser.get(server.url() + "/models/churn");
        assertThat(browser.find("#versions tr[data-version=\"1\"] td.deployed").getText()).contains("prod/churn",
                "stable").doesNotContain("staging");
        assertThat(browser.find("#versions tr[data-version=\"2\"] td.deployed").getText()).contains("prod/churn",
                "canary at 10%", "staging/churn");
        assertThat(browser.find("#versions tr[data-version=\"3\"] td.deployed").getText()).isEqualTo("\u2013");
        assertThat(browser.find("a[href=\"/deployments?model=churn\"]").getText()).isEqualTo("Deployments of churn");
        browser.screenshot("model-deployments");
        browser.assertNoConsoleErrors();
    }

    @Test
    void lineageEndsWithTheDeploymentsServingTheModelVersion() {
        browser.get(server.url() + "/lineage?run=" + trainingRunId);
        List<WebElement> steps = browser.findAll("#lineage > li");
        assertThat(steps).hasSize(5);
        assertThat(steps.get(2).getText()).contains("churn v1");
        WebElement hop = steps.get(4);
        assertThat(hop.getText()).contains("Deployments", "churn v1", "prod/churn", "stable", "Synced", "Progressing")
                .doesNotContain("staging");
        Object overflow = browser.script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
        browser.screenshot("lineage-deployments");
        hop.findElement(By.cssSelector("a[href=\"/deployments/prod/churn\"]")).click();
        browser.waitForUrl("/deployments/prod/churn");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/deployments/prod/churn");
        browser.assertNoConsoleErrors();
    }

    @Test
    void datasetUsersShowTheirDeployments() {
        browser.get(server.url() + "/datasets?digest=3f2a9c1e5b7d4f60a8e2c9d1b4f7e0a3");
        assertThat(browser.find("#used-by tr[data-run=\"" + trainingRunId + "\"]").getText()).contains("churn v1",
                "prod/churn");
        browser.assertNoConsoleErrors();
    }

    @Test
    void unknownDeploymentIsNotFoundAndABadNameIsRefused() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/deployments/prod/nothing")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("Deployment &#39;nothing&#39; in environment &#39;prod&#39; not found");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/deployments/Prod/churn")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("DNS-1123 label");
        HttpResponse<String> badFilter = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/deployments?env=Prod%21")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(badFilter.body()).contains("id=\"deployment-filter\"", "DNS-1123 label");
    }

    @Test
    void detailFitsAPhone() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(server.url() + "/deployments/prod/churn");
            Object overflow = phone.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            phone.screenshot("deployment-phone");
            phone.get(server.url() + "/deployments");
            overflow = phone.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            phone.assertNoConsoleErrors();
        }
    }

    @Test
    void serverWithoutReportsExplainsHowToStartAnAgent(@TempDir Path empty) {
        try (UiServer fresh = UiServer.start(empty)) {
            browser.get(fresh.url() + "/deployments");
            assertThat(browser.find(".empty").getText()).contains("No deployment has reported yet.",
                    "slipway gitops agent --env prod");
            browser.assertNoConsoleErrors();
        }
    }

    @Test
    void serverWithoutADeploymentStoreSaysDeploymentsAreNotAvailable() {
        PredictionLogService noDeployments = new PredictionLogService(new PredictionLogWithoutStores(),
                Clock.systemUTC());
        UiServices services = new UiServices(server.tracking, server.registry, server.loggedModels, noDeployments,
                server.artifacts, Clock.systemUTC(), ZoneOffset.UTC);
        SlipwayServer bare = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, server.tracking, server.registry,
                server.loggedModels, noDeployments, server.artifacts, true, List.of(), 16L * 1024 * 1024,
                "0.1.0-test", List.of(new WebUi(services))));
        try {
            String url = "http://127.0.0.1:" + bare.port();
            browser.get(url + "/deployments");
            assertThat(browser.find(".empty").getText()).contains("Deployments are not available on this backend.",
                    "slipway gitops agent --env prod");
            browser.get(url + "/models/churn/versions/1");
            assertThat(browser.find("#no-deployments").getText()).contains("not available on this backend");
            browser.get(url + "/models/churn");
            assertThat(browser.findAll("#versions tbody tr")).hasSize(3);
            assertThat(browser.findAll("#versions td.deployed")).isEmpty();
            browser.get(url + "/lineage?run=" + trainingRunId);
            assertThat(browser.find("#lineage-deployments").getText()).contains("not available on this backend");
            browser.assertNoConsoleErrors();
        } finally {
            bare.stop();
        }
    }

    /** A prediction log that keeps nothing and has no monitor or deployment store, as a backend without them. */
    private static final class PredictionLogWithoutStores implements PredictionLogStore {
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
