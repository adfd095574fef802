package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.RunStatus;
import dev.slipway.core.tracking.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code experiments} and {@code runs} commands, run in-process; each subclass supplies the backend (a
 * server over HTTP, or the embedded store) and a way to log runs, since the CLI has no command for that.
 */
abstract class AbstractTrackingCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");

    /** Logs runs into the same backend the commands use. */
    interface RunLogger {
        String createRun(String experimentId, String runName);

        void log(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

        void end(String runId, RunStatus status);
    }

    /** The environment the commands run in. */
    abstract Environment environment();

    abstract RunLogger runLogger();

    CliRun slipway(String... args) {
        return CliRun.run(environment(), args);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonNode json(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        try {
            return JSON.readTree(run.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + run, e);
        }
    }

    String createExperiment(String name) {
        return json(slipway("experiments", "create", "-n", name, "--json")).path("experiment_id").asText();
    }

    // ---- experiments -------------------------------------------------------------------------

    @Test
    void createdExperimentIsShownByIdAndByName() {
        String name = unique("show");
        CliRun created = slipway("experiments", "create", "--experiment-name", name, "--tag", "team=risk");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.out()).startsWith("Created experiment '" + name + "' with id ");
        String experimentId = created.out().strip().substring(created.out().strip().lastIndexOf(' ') + 1);

        CliRun byId = slipway("experiments", "show", experimentId);
        assertThat(byId.exitCode()).as(byId.toString()).isZero();
        assertThat(byId.out()).contains("Experiment " + experimentId + ": " + name,
                "Lifecycle stage:    active", "Artifact location:  mlflow-artifacts:/" + experimentId, "team", "risk");
        assertThat(byId.out()).containsPattern(TIME);
        assertThat(slipway("experiments", "show", "--experiment-name", name).out()).isEqualTo(byId.out());
        assertThat(slipway("experiments", "show", "-x", experimentId).out()).isEqualTo(byId.out());
    }

    @Test
    void showJsonHasMlflowShape() {
        String name = unique("json");
        String experimentId = createExperiment(name);

        JsonNode experiment = json(slipway("experiments", "show", experimentId, "--json")).path("experiment");

        assertThat(experiment.path("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(experiment.path("name").asText()).isEqualTo(name);
        assertThat(experiment.path("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(experiment.path("creation_time").isIntegralNumber()).isTrue();
    }

    @Test
    void listShowsActiveExperimentsInAlignedColumns() {
        String first = unique("list");
        String second = unique("list-with-a-longer-name");
        createExperiment(first);
        createExperiment(second);

        CliRun run = slipway("experiments", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        String header = lines.get(0);
        assertThat(header).startsWith("ID").contains("NAME", "CREATED", "LAST UPDATED", "ARTIFACT LOCATION");
        int createdColumn = header.indexOf("CREATED");
        for (String line : lines.subList(1, lines.size())) {
            assertThat(TIME.matcher(line.substring(createdColumn)).lookingAt()).as(line).isTrue();
        }
        assertThat(run.out()).contains(first, second, "Default");
    }

    @Test
    void listJsonFollowsTheView() {
        String kept = createExperiment(unique("kept"));
        String dropped = createExperiment(unique("dropped"));
        assertThat(slipway("experiments", "delete", dropped).exitCode()).isZero();

        assertThat(ids(json(slipway("experiments", "list", "--json")), "experiments", "experiment_id"))
                .contains(kept).doesNotContain(dropped);
        assertThat(ids(json(slipway("experiments", "list", "--view", "deleted", "--json")), "experiments",
                "experiment_id")).contains(dropped).doesNotContain(kept);
        assertThat(ids(json(slipway("experiments", "list", "--view", "ALL", "--json")), "experiments",
                "experiment_id")).contains(kept, dropped);
        assertThat(slipway("experiments", "list", "--view", "all").out()).contains("STAGE", "deleted", "active");
    }

    @Test
    void listHonoursFilterOrderAndMaxResults() {
        String prefix = unique("filtered");
        String a = createExperiment(prefix + "-a");
        String b = createExperiment(prefix + "-b");
        String c = createExperiment(prefix + "-c");

        JsonNode descending = json(slipway("experiments", "list", "--filter", "name LIKE '" + prefix + "%'",
                "--order-by", "name DESC", "--json"));
        assertThat(ids(descending, "experiments", "experiment_id")).containsExactly(c, b, a);
        JsonNode limited = json(slipway("experiments", "list", "--filter", "name LIKE '" + prefix + "%'",
                "--order-by", "name ASC", "--max-results", "2", "--json"));
        assertThat(ids(limited, "experiments", "experiment_id")).containsExactly(a, b);
    }

    @Test
    void deletedExperimentIsRestored() {
        String name = unique("restore");
        String experimentId = createExperiment(name);

        CliRun deleted = slipway("experiments", "delete", "-n", name);
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("Deleted experiment '" + name + "' (id " + experimentId + ")");
        assertThat(slipway("experiments", "show", experimentId).out()).contains("Lifecycle stage:    deleted");

        CliRun restored = slipway("experiments", "restore", experimentId, "--json");
        assertThat(json(restored).path("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(slipway("experiments", "show", experimentId).out()).contains("Lifecycle stage:    active");
    }

    @Test
    void missingExperimentFailsWithOneLineAndNoStackTrace() {
        CliRun run = slipway("experiments", "show", "424242");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly("slipway experiments show: error: No Experiment with id=424242 exists");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void debugAddsTheStackTrace() {
        CliRun run = slipway("experiments", "show", "424242", "--debug");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("No Experiment with id=424242 exists", "SlipwayException", "\tat ");
    }

    @Test
    void duplicateExperimentFails() {
        String name = unique("dup");
        createExperiment(name);

        CliRun run = slipway("experiments", "create", "-n", name);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(name);
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void showNeedsExactlyOneExperiment() {
        assertThat(slipway("experiments", "show").exitCode()).isEqualTo(2);
        CliRun both = slipway("experiments", "show", "1", "-n", "x");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("exactly one experiment");
    }

    // ---- runs --------------------------------------------------------------------------------

    @Test
    void runsListShowsTheExperimentsRuns() {
        String name = unique("runs");
        String experimentId = createExperiment(name);
        String running = runLogger().createRun(experimentId, "still-going");
        String finished = runLogger().createRun(experimentId, "all-done");
        runLogger().end(finished, RunStatus.FINISHED);

        CliRun byId = slipway("runs", "list", "--experiment-id", experimentId);

        assertThat(byId.exitCode()).as(byId.toString()).isZero();
        List<String> lines = byId.out().lines().toList();
        assertThat(lines.get(0)).startsWith("RUN ID").contains("NAME", "STATUS", "STARTED", "DURATION", "USER");
        assertThat(lines).hasSize(3);
        assertThat(byId.out()).contains(running, finished, "still-going", "all-done", "RUNNING", "FINISHED");
        int statusColumn = lines.get(0).indexOf("STATUS");
        assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line.substring(statusColumn))
                .matches("(RUNNING|FINISHED) .*"));
        CliRun byName = slipway("runs", "list", "--experiment-name", name);
        assertThat(byName.out().lines().map(line -> line.substring(0, statusColumn)))
                .containsExactlyElementsOf(lines.stream().map(line -> line.substring(0, statusColumn)).toList());
    }

    @Test
    void runsListJsonFiltersOrdersAndLimits() {
        String experimentId = createExperiment(unique("runsjson"));
        List<String> runIds = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            String runId = runLogger().createRun(experimentId, "run-" + index);
            runLogger().log(runId, List.of(new Metric("rmse", 3 - index, 1_000, 0)),
                    List.of(new Param("model", index == 0 ? "tree" : "linear")), List.of());
            runIds.add(runId);
        }

        JsonNode ordered = json(slipway("runs", "list", "-x", experimentId, "--order-by", "metrics.rmse ASC", "--json"));
        assertThat(runIds(ordered)).containsExactly(runIds.get(2), runIds.get(1), runIds.get(0));
        assertThat(ordered.path("runs").get(0).path("data").path("metrics").get(0).path("value").asDouble()).isEqualTo(1.0);
        JsonNode trees = json(slipway("runs", "list", "-x", experimentId, "--filter", "params.model = 'tree'", "--json"));
        assertThat(runIds(trees)).containsExactly(runIds.get(0));
        JsonNode limited = json(slipway("runs", "list", "-x", experimentId, "--order-by", "metrics.rmse DESC",
                "--max-results", "1", "--json"));
        assertThat(runIds(limited)).containsExactly(runIds.get(0));
    }

    @Test
    void runsListDefaultsToTheDefaultExperiment() {
        String runId = runLogger().createRun("0", unique("default"));

        CliRun run = slipway("runs", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(runId);
    }

    @Test
    void runsListOfAnEmptyExperimentSaysSo() {
        String experimentId = createExperiment(unique("empty"));

        CliRun run = slipway("runs", "list", "-x", experimentId);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("No active runs in experiment " + experimentId + "." + System.lineSeparator());
    }

    @Test
    void runsShowPrintsAttributesParamsMetricsAndTags() {
        String name = unique("detail");
        String experimentId = createExperiment(name);
        String runId = runLogger().createRun(experimentId, "detailed");
        runLogger().log(runId, List.of(new Metric("rmse", 0.5, 1_700_000_000_000L, 3)), List.of(new Param("alpha", "0.1")),
                List.of(new Tag("owner", "ana")));

        CliRun run = slipway("runs", "show", runId);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Run " + runId + " (detailed)", "Experiment:       " + experimentId + " (" + name + ")",
                "Status:           RUNNING", "running for", "PARAM", "alpha", "0.1", "METRIC", "rmse", "0.5",
                "2023-11-14 22:13:20", "TAG", "owner", "ana", "mlflow.runName");
        JsonNode json = json(slipway("runs", "show", runId, "--json")).path("run");
        assertThat(json.path("info").path("run_id").asText()).isEqualTo(runId);
        assertThat(json.path("data").path("params").get(0).path("key").asText()).isEqualTo("alpha");
    }

    @Test
    void deletedRunsLeaveTheListAndComeBack() {
        String experimentId = createExperiment(unique("deleteruns"));
        String first = runLogger().createRun(experimentId, "first");
        String second = runLogger().createRun(experimentId, "second");

        CliRun deleted = slipway("runs", "delete", first, second);
        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).contains("Deleted run " + first, "Deleted run " + second);
        assertThat(runIds(json(slipway("runs", "list", "-x", experimentId, "--json")))).isEmpty();
        assertThat(runIds(json(slipway("runs", "list", "-x", experimentId, "--view", "deleted", "--json"))))
                .containsExactlyInAnyOrder(first, second);

        assertThat(slipway("runs", "restore", first).exitCode()).isZero();
        assertThat(runIds(json(slipway("runs", "list", "-x", experimentId, "--json")))).containsExactly(first);
    }

    @Test
    void missingRunFailsWithOneLine() {
        String runId = "0123456789abcdef0123456789abcdef";

        CliRun run = slipway("runs", "show", runId);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).containsExactly("slipway runs show: error: Run with id=" + runId + " not found");
    }

    @Test
    void invalidFilterFailsWithTheParsersMessage() {
        CliRun run = slipway("runs", "list", "--filter", "metrics.rmse <<< 1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("slipway runs list: error: ");
    }

    @Test
    void unknownExperimentNameFails() {
        CliRun run = slipway("runs", "list", "-n", "no-such-experiment-here");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no-such-experiment-here");
    }

    @Test
    void maxResultsMustBePositive() {
        CliRun run = slipway("runs", "list", "--max-results", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--max-results");
    }

    static List<String> ids(JsonNode json, String array, String field) {
        List<String> ids = new ArrayList<>();
        json.path(array).forEach(element -> ids.add(element.path(field).asText()));
        return ids;
    }

    static List<String> runIds(JsonNode json) {
        List<String> ids = new ArrayList<>();
        json.path("runs").forEach(run -> ids.add(run.path("info").path("run_id").asText()));
        return ids;
    }
}
