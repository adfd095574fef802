package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data diff} with revisions, {@code data status --cloud} and config levels, in a real Git repository. */
class DataRevisionCommandsTest {
    // md5 of "v1\n" and of "v2\n"
    private static final String V1 = "4f98f59e877ecb84ff75ef0fab45bac5";
    private static final String V2 = "e30260020baeb0398ff07b37dd33ed16";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @TempDir
    Path elsewhere;

    private Environment environment;
    private Git git;

    @BeforeEach
    void createGitRepository() throws Exception {
        git = Git.init().setDirectory(folder.toFile()).setInitialBranch("main").call();
        environment = CliRun.environment(folder, Map.of(
                "DVC_GLOBAL_CONFIG_DIR", elsewhere.resolve("global").toString(),
                "DVC_SYSTEM_CONFIG_DIR", elsewhere.resolve("system").toString()));
        assertThat(run("data", "init").exitCode()).isZero();
    }

    @AfterEach
    void closeGit() {
        git.close();
    }

    @Test
    void diffComparesHeadRevisionsAndTheWorkspace() throws Exception {
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        Files.createDirectories(folder.resolve("images"));
        Files.writeString(folder.resolve("images/a"), "a", UTF_8);
        assertThat(run("add", "data.txt", "images", "--no-progress").exitCode()).isZero();
        commit("v1");
        assertThat(run("data", "diff").out()).as("nothing changed since HEAD").isEmpty();

        Files.writeString(folder.resolve("data.txt"), "v2\n", UTF_8);
        CliRun uncommitted = run("data", "diff");
        assertThat(uncommitted.exitCode()).as(uncommitted.toString()).isZero();
        assertThat(uncommitted.out()).isEqualTo("Modified:\n    data.txt\n\nfiles summary: 1 modified\n");
        JsonNode json = JSON.readTree(run("data", "diff", "--json").out());
        assertThat(json.get("modified").get(0).get("path").asText()).isEqualTo("data.txt");
        assertThat(json.get("modified").get(0).get("hash").get("old").asText()).isEqualTo(V1);
        assertThat(json.get("modified").get(0).get("hash").get("new").asText()).isEqualTo(V2);
        assertThat(json.get("added")).isEmpty();
        assertThat(json.get("deleted")).isEmpty();
        assertThat(json.get("not in cache")).isEmpty();

        Files.writeString(folder.resolve("images/b"), "b", UTF_8);
        assertThat(run("add", "data.txt", "images", "--no-progress").exitCode()).isZero();
        commit("v2");
        CliRun between = run("data", "diff", "HEAD~1", "HEAD");
        assertThat(between.exitCode()).as(between.toString()).isZero();
        assertThat(between.out()).isEqualTo("Added:\n    images/b\n\nModified:\n    data.txt\n    images/\n\n"
                + "files summary: 1 added, 1 modified\n");
        JsonNode added = JSON.readTree(run("data", "diff", "--json", "HEAD~1", "HEAD").out()).get("added");
        assertThat(added.get(0).get("path").asText()).isEqualTo("images/b");
        assertThat(added.get(0).get("hash").asText()).isEqualTo("92eb5ffee6ae2fec3ad71c777531578f");
        assertThat(run("data", "diff", "--md", "HEAD~1", "HEAD").out()).isEqualTo("""
                | Status   | Path     |
                |----------|----------|
                | added    | images/b |
                | modified | data.txt |
                | modified | images/  |
                """);
        assertThat(run("data", "diff", "HEAD~1").out()).as("one revision against the workspace")
                .isEqualTo(between.out());

        CliRun unknown = run("data", "diff", "no-such-branch");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown Git revision 'no-such-branch'");
    }

    @Test
    void cloudStatusComparesTheCacheWithTheRemote() throws Exception {
        Path store = elsewhere.resolve("store");
        Files.createDirectories(store);
        assertThat(run("data", "remote", "add", "-d", "store", store.toString()).exitCode()).isZero();
        Files.writeString(folder.resolve("data.txt"), "v1\n", UTF_8);
        assertThat(run("add", "data.txt", "--no-progress").exitCode()).isZero();

        CliRun before = run("data", "status", "--cloud");
        assertThat(before.exitCode()).as(before.toString()).isZero();
        assertThat(before.out()).isEqualTo("\t" + String.format("%-20s", "new:") + "data.txt\n");
        assertThat(run("status", "-c", "-q").exitCode()).isEqualTo(1);

        assertThat(run("push", "--no-progress").exitCode()).isZero();
        assertThat(run("data", "status", "-c").out()).isEqualTo("Cache and remote 'store' are in sync.\n");
        assertThat(run("data", "status", "-r", "store", "--json").out().strip()).isEqualTo("{ }");
        assertThat(run("status", "-c", "-q").exitCode()).isZero();

        Files.delete(folder.resolve(".dvc/cache/files/md5/" + V1.substring(0, 2) + "/" + V1.substring(2)));
        JsonNode json = JSON.readTree(run("data", "status", "-c", "--json").out());
        assertThat(json.get("data.txt").asText()).isEqualTo("deleted");

        CliRun unknownRemote = run("data", "status", "-r", "nowhere");
        assertThat(unknownRemote.exitCode()).isEqualTo(1);
        assertThat(unknownRemote.err()).contains("Remote 'nowhere' is not configured");
    }

    @Test
    void remotesOfEveryConfigLevelAreListedMerged() throws Exception {
        assertThat(run("data", "remote", "add", "--system", "site", "/mnt/site").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "--global", "shared", "/mnt/shared").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "-d", "team", "/mnt/team").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "--local", "team", "/mnt/team-local").exitCode()).isZero();

        assertThat(elsewhere.resolve("global/config")).hasContent("['remote \"shared\"']\n    url = /mnt/shared");
        assertThat(elsewhere.resolve("system/config")).hasContent("['remote \"site\"']\n    url = /mnt/site");
        assertThat(run("data", "remote", "list").out())
                .isEqualTo("site\t/mnt/site\nshared\t/mnt/shared\nteam\t/mnt/team-local\n");
        assertThat(run("data", "remote", "list", "--global").out()).isEqualTo("shared\t/mnt/shared\n");
        assertThat(run("data", "remote", "list", "--project").out()).isEqualTo("team\t/mnt/team\n");

        Environment outside = CliRun.environment(elsewhere, environment.variables());
        CliRun globalOutside = CliRun.run(outside, "data", "remote", "add", "--global", "other", "/mnt/other");
        assertThat(globalOutside.exitCode()).as(globalOutside.toString()).isZero();
        assertThat(CliRun.run(outside, "data", "remote", "list", "--global").out())
                .isEqualTo("shared\t/mnt/shared\nother\t/mnt/other\n");
        CliRun repoOutside = CliRun.run(outside, "data", "remote", "add", "x", "/mnt/x");
        assertThat(repoOutside.exitCode()).isEqualTo(1);
        assertThat(repoOutside.err()).contains("not inside a DVC repository").contains("--global");
    }

    private void commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setSign(false)
                .setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com").call();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
