package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.core.tracking.DatasetInput;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset and lineage pages against a server seeded as {@code slipway data log-version}, {@code slipway train}
 * and {@code slipway ci} leave it: a recorded dataset version, a training run with that digest as input, a model
 * version registered from the run with an alias, and a monitor following the alias.
 */
class LineagePagesTest {
    static final String DIGEST = "3f2a9c1e5b7d4f60a8e2c9d1b4f7e0a3";
    static final String OTHER_DIGEST = "0c1d2e3f405162738495a6b7c8d9e0f1";

    @TempDir
    static Path folder;
    private static UiServer server;
    private static Browser browser;
    private static String trainingRunId;
    private static String unrelatedRunId;

    @BeforeAll
    static void start() {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed (apt install chromium "
                + "chromium-driver); .ci/run installs them");
        server = UiServer.start(folder);
        server.tracking.ensureDefaultExperiment();

        String datasets = server.tracking.createExperiment("slipway-datasets", Optional.empty(), List.of());
        Run record = server.tracking.createRun(Optional.of(datasets), Optional.of("ci"),
                Optional.of("data/churn.csv@" + DIGEST.substring(0, 8)), Optional.empty(), List.of());
        server.tracking.logBatch(record.info().runId(), List.of(), List.of(), List.of(
                new Tag("slipway.dataset.path", "data/churn.csv"), new Tag("slipway.dataset.md5", DIGEST),
                new Tag("slipway.dataset.size", "482133"),
                new Tag("slipway.dataset.git_commit", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432")));
        server.tracking.logInputs(record.info().runId(), List.of(new DatasetInput(List.of(),
                new Dataset("data/churn.csv", DIGEST, "dvc", "/srv/churn@9f8e7d6", Optional.empty(),
                        Optional.empty()))));
        server.tracking.updateRun(record.info().runId(), Optional.of(RunStatus.FINISHED), Optional.empty(),
                Optional.empty());

        String training = server.tracking.createExperiment("churn-training", Optional.empty(), List.of());
        Run run = server.tracking.createRun(Optional.of(training), Optional.of("ci"), Optional.of("gbm-depth-6"),
                Optional.empty(), List.of());
        trainingRunId = run.info().runId();
        server.tracking.logInputs(trainingRunId, List.of(new DatasetInput(
                List.of(new Tag("mlflow.data.context", "training")),
                new Dataset("data/churn.csv", DIGEST, "local", "data/churn.csv", Optional.empty(), Optional.empty()))));
        Run other = server.tracking.createRun(Optional.of(training), Optional.of("ci"), Optional.of("older-data"),
                Optional.empty(), List.of());
        unrelatedRunId = other.info().runId();
        server.tracking.logInputs(unrelatedRunId, List.of(new DatasetInput(List.of(),
                new Dataset("data/churn.csv", OTHER_DIGEST, "local", "data/churn.csv", Optional.empty(),
                        Optional.empty()))));

        server.registry.createRegisteredModel("churn", Optional.empty(), List.of());
        server.registry.createModelVersion(new NewModelVersion("churn", "runs:/" + trainingRunId + "/model",
                Optional.of(trainingRunId), Optional.empty(), Optional.empty(), Optional.of("ci"), List.of(),
                Optional.empty()));
        server.registry.setAlias("churn", "champion", "1");
        MonitorService monitors = new MonitorService(server.predictionLog.monitorStore().orElseThrow(),
                Clock.systemUTC());
        monitors.createMonitor("churn-drift", "{\"name\":\"churn-drift\",\"model\":\"models:/churn@champion\","
                + "\"window\":\"1h\"}", false);
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
    void datasetPageListsTheRunAndModelVersionThatUsedIt() {
        browser.get(server.url() + "/datasets?digest=" + DIGEST);
        assertThat(browser.find("h1").getText()).startsWith("data/churn.csv");
        assertThat(browser.find("#dataset-facts").getText()).contains(DIGEST, "482133 bytes",
                "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432");

        assertThat(browser.findAll("#used-by tbody tr")).hasSize(1);
        String row = browser.find("#used-by tr[data-run=\"" + trainingRunId + "\"]").getText();
        assertThat(row).contains("gbm-depth-6", "churn-training", "training", "churn v1", "@champion",
                "monitor churn-drift");
        assertThat(browser.find("#used-by a[href=\"/models/churn/versions/1\"]").isDisplayed()).isTrue();
        browser.screenshot("dataset");
        browser.assertNoConsoleErrors();
    }

    @Test
    void datasetsListShowsRecordedVersionsAndTheNamePageEachVersion() {
        browser.get(server.url() + "/datasets");
        assertThat(browser.find("#datasets").getText()).contains("data/churn.csv", DIGEST.substring(0, 12));

        browser.find("#datasets a[href^=\"/datasets?name=\"]").click();
        browser.waitForIdle();
        assertThat(browser.findAll("#dataset-versions tbody tr")).hasSize(2);
        assertThat(browser.find("#dataset-versions").getText()).contains(DIGEST.substring(0, 12),
                OTHER_DIGEST.substring(0, 12));
        browser.assertNoConsoleErrors();
    }

    @Test
    void lineageOfARunFollowsDataToServing() {
        browser.get(server.url() + "/lineage?run=" + trainingRunId);
        List<String> steps = browser.findAll("#lineage > li").stream().map(step -> step.getText()).toList();
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0)).contains("data/churn.csv", DIGEST.substring(0, 12));
        assertThat(steps.get(1)).contains("gbm-depth-6");
        assertThat(steps.get(2)).contains("churn v1");
        assertThat(steps.get(3)).contains("@champion", "monitor churn-drift");
        assertThat(steps.get(4)).contains("Deployments", "churn v1", "not deployed");
        browser.assertNoConsoleErrors();
    }

    @Test
    void unknownDigestIsAnExplainedEmptyState() {
        browser.get(server.url() + "/datasets?digest=ffffffffffffffffffffffffffffffff");
        assertThat(browser.find(".empty").getText()).contains("No run used a dataset with digest");
        browser.assertNoConsoleErrors();
    }

    @Test
    void lineageStacksOnAPhone() {
        try (Browser phone = Browser.open(390, 844)) {
            phone.get(server.url() + "/lineage?run=" + trainingRunId);
            Object overflow = phone.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            List<Long> tops = phone.findAll("#lineage > li").stream()
                    .map(step -> (Long) phone.script("return Math.round(arguments[0].getBoundingClientRect().top);",
                            step)).toList();
            assertThat(tops).isSorted().doesNotHaveDuplicates();
            phone.screenshot("lineage-phone");
            phone.assertNoConsoleErrors();
        }
    }
}
