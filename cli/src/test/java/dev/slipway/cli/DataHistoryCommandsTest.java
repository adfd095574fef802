package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.data.TrackedDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway data} commands that read the Git history: {@code gc --all-commits}, in a real Git repository. */
class DataHistoryCommandsTest {
    // md5 of "v1\n" and of "v2\n"
    private static final String V1_OBJECT = ".dvc/cache/files/md5/4f/98f59e877ecb84ff75ef0fab45bac5";
    private static final String V2_OBJECT = ".dvc/cache/files/md5/e3/0260020baeb0398ff07b37dd33ed16";

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @TempDir
    Path remoteFolder;

    private Environment environment;
    private Git git;

    @BeforeEach
    void createGitRepository() throws Exception {
        git = Git.init().setDirectory(folder.toFile()).setInitialBranch("main").call();
        environment = CliRun.environment(folder, Map.of());
    }

    @Test
    void gcAllCommitsKeepsEveryCommittedVersionAndWorkspaceGcDoesNot() throws Exception {
        assertThat(run("data", "init").exitCode()).isZero();
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        assertThat(run("add", "data.txt").exitCode()).isZero();
        commit("v1");
        Files.writeString(folder.resolve("data.txt"), "v2\n", UTF_8);
        assertThat(run("add", "data.txt").exitCode()).isZero();
        commit("v2");
        Path v1 = folder.resolve(V1_OBJECT);
        Path v2 = folder.resolve(V2_OBJECT);
        assertThat(v1).exists();
        assertThat(v2).exists();

        CliRun allCommits = run("data", "gc", "-w", "--all-commits");
        assertThat(allCommits.exitCode()).as(allCommits.toString()).isZero();
        assertThat(allCommits.out()).isEqualTo("No unused objects to remove from the local cache.\n");
        assertThat(v1).exists();
        assertThat(v2).exists();

        CliRun dry = run("data", "gc", "-w", "--dry");
        assertThat(dry.out()).isEqualTo("Would remove 4f98f59e877ecb84ff75ef0fab45bac5\n"
                + "1 object would be removed from the local cache.\n");
        assertThat(v1).exists();

        CliRun workspace = run("data", "gc", "-w");
        assertThat(workspace.exitCode()).as(workspace.toString()).isZero();
        assertThat(v1).doesNotExist();
        assertThat(v2).exists();
    }

    @Test
    void gcAllCommitsWithCloudKeepsEveryCommittedVersionOnTheRemote() throws Exception {
        Path store = remoteFolder.resolve("store");
        assertThat(run("data", "init").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "-d", "store", store.toString()).exitCode()).isZero();
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        assertThat(run("add", "data.txt").exitCode()).isZero();
        assertThat(run("push").exitCode()).isZero();
        commit("v1");
        Files.writeString(folder.resolve("data.txt"), "v2\n", UTF_8);
        assertThat(run("add", "data.txt").exitCode()).isZero();
        assertThat(run("push").exitCode()).isZero();
        commit("v2");
        Path remoteV1 = store.resolve(V1_OBJECT.substring(".dvc/cache/".length()));
        assertThat(remoteV1).exists();

        CliRun allCommits = run("data", "gc", "--all-commits", "--cloud");
        assertThat(allCommits.exitCode()).as(allCommits.toString()).isZero();
        assertThat(remoteV1).exists();

        CliRun workspace = run("data", "gc", "-w", "--cloud");
        assertThat(workspace.exitCode()).as(workspace.toString()).isZero();
        assertThat(remoteV1).doesNotExist();
        assertThat(store.resolve(V2_OBJECT.substring(".dvc/cache/".length()))).exists();
    }

    @Test
    void addWithLogRecordsTheVersionAsARunOfTheDatasetsExperiment() throws Exception {
        assertThat(run("data", "init").exitCode()).isZero();
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        RevCommit head = commit("init");

        CliRun added = run("data", "add", "--log", "data.txt");

        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.out()).contains("Recorded data.txt version 4f98f59e877ecb84ff75ef0fab45bac5 as run ");
        try (ServerConnection connection = ServerConnection.open(new TrackingOptions(), environment,
                Backends.discover())) {
            var client = connection.client();
            String experimentId = client.getExperimentByName(DataLineageCommand.DATASETS_EXPERIMENT).experimentId();
            var runs = client.searchRuns(List.of(experimentId),
                    Optional.of("datasets.digest = '4f98f59e877ecb84ff75ef0fab45bac5'"),
                    dev.slipway.core.tracking.ViewType.ACTIVE_ONLY, Optional.empty(), List.of(), Optional.empty()).items();
            assertThat(runs).singleElement().satisfies(recorded -> {
                assertThat(recorded.tags()).extracting(tag -> tag.key() + "=" + tag.value()).contains(
                        "slipway.dataset.path=data.txt", "slipway.dataset.md5=4f98f59e877ecb84ff75ef0fab45bac5",
                        "slipway.dataset.size=3", "slipway.dataset.git_commit=" + head.getName());
                assertThat(recorded.inputs()).singleElement().satisfies(input -> {
                    assertThat(input.dataset().name()).isEqualTo("data.txt");
                    assertThat(input.dataset().sourceType()).isEqualTo("dvc");
                    assertThat(input.dataset().source()).endsWith("@" + head.getName());
                });
            });
        }
    }

    @Test
    void pushWithLogRecordsEveryPushedVersion() throws Exception {
        assertThat(run("data", "init").exitCode()).isZero();
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        commit("init");
        assertThat(run("data", "add", "data.txt").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "-d", "store", folder.resolve("store").toString()).exitCode())
                .isZero();

        CliRun pushed = run("data", "push", "--log", "--no-progress");

        assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
        assertThat(pushed.out()).contains("1 file pushed")
                .contains("Recorded data.txt version 4f98f59e877ecb84ff75ef0fab45bac5 as run ");
    }

    @Test
    void lineageListsTheRunsAndModelVersionsThatUsedEachVersion() throws Exception {
        assertThat(run("data", "init").exitCode()).isZero();
        ModelCommandsTest.writeChurn(folder.resolve("train.csv"), 300, new Random(1));
        assertThat(run("add", "train.csv").exitCode()).isZero();
        RevCommit first = commit("v1");
        ModelCommandsTest.writeChurn(folder.resolve("train.csv"), 400, new Random(2));
        assertThat(run("add", "train.csv").exitCode()).isZero();
        RevCommit second = commit("v2");
        String v1 = md5Of(first);
        String v2 = TrackedDataset.of(folder.resolve("train.csv")).orElseThrow().digest();
        assertThat(v2).isNotEqualTo(v1);

        CliRun trained = run("train", "--data", "train.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "-e", "churn", "--json");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        String runId = JSON.readTree(trained.out()).path("run_id").asText();
        CliRun logged = run("data", "log-version", "train.csv", "--json");
        assertThat(logged.exitCode()).as(logged.toString()).isZero();
        JsonNode record = JSON.readTree(logged.out());
        assertThat(record.path("md5").asText()).isEqualTo(v2);
        assertThat(record.path("git_commit").asText()).isEqualTo(second.getName());

        CliRun lineage = run("data", "lineage", "train.csv", "--json");

        assertThat(lineage.exitCode()).as(lineage.toString()).isZero();
        JsonNode versions = JSON.readTree(lineage.out()).path("versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).path("md5").asText()).isEqualTo(v2);
        assertThat(versions.get(0).path("git_commit").asText()).isEqualTo(second.getName());
        assertThat(versions.get(0).path("runs")).hasSize(1);
        JsonNode usedBy = versions.get(0).path("runs").get(0);
        assertThat(usedBy.path("run_id").asText()).isEqualTo(runId);
        assertThat(usedBy.path("model_versions").get(0).path("name").asText()).isEqualTo("churn");
        assertThat(usedBy.path("model_versions").get(0).path("version").asText()).isEqualTo("1");
        assertThat(versions.get(1).path("md5").asText()).isEqualTo(v1);
        assertThat(versions.get(1).path("git_commit").asText()).isEqualTo(first.getName());
        assertThat(versions.get(1).path("runs")).isEmpty();

        CliRun table = run("data", "lineage", "train.csv");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains(v2).contains(runId).contains("churn v1").contains(v1)
                .contains(first.getName().substring(0, 7));
    }

    @Test
    void logVersionOfAnUntrackedFileSaysHowToTrackIt() throws Exception {
        assertThat(run("data", "init").exitCode()).isZero();
        Files.writeString(folder.resolve("loose.csv"), "a\n1\n", UTF_8);

        CliRun refused = run("data", "log-version", "loose.csv");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("'loose.csv' is not tracked").contains("slipway data add loose.csv");
    }

    private String md5Of(RevCommit commit) throws Exception {
        try (var walk = org.eclipse.jgit.treewalk.TreeWalk.forPath(git.getRepository(), "train.csv.dvc",
                commit.getTree())) {
            String text = new String(git.getRepository().open(walk.getObjectId(0)).getBytes(), UTF_8);
            return dev.slipway.data.DvcFile.parse(text, "train.csv.dvc").outs().get(0).hash().orElseThrow().value();
        }
    }

    private RevCommit commit(String message) throws Exception {
        git.add().addFilepattern(".dvc").addFilepattern(".dvcignore").addFilepattern(".gitignore")
                .addFilepattern("data.txt.dvc").addFilepattern("train.csv.dvc").call();
        return git.commit().setMessage(message).setSign(false)
                .setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com").call();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
