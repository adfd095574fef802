package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code slipway data ...} and its prefix-less aliases, in-process in a temporary Git-like folder (a {@code .git}
 * folder is all {@code init} checks), with the pointer files and output DVC users expect.
 */
class DataCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private Environment environment;

    @BeforeEach
    void createGitFolder() throws IOException {
        Files.createDirectories(folder.resolve(".git"));
        environment = CliRun.environment(folder, Map.of());
    }

    @Test
    void initCreatesTheDvcFolderAndAsksToCommit() {
        CliRun init = run("data", "init");

        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(init.out()).isEqualTo("Initialized DVC repository.\n\nYou can now commit the changes to git.\n");
        assertThat(folder.resolve(".dvc/config")).isRegularFile();
        assertThat(folder.resolve(".dvc/.gitignore")).hasContent("/config.local\n/tmp\n/cache");
        assertThat(folder.resolve(".dvcignore")).isRegularFile();
    }

    @Test
    void initOutsideGitNeedsNoScm() throws IOException {
        Path plain = Files.createDirectories(folder.resolve("plain"));
        Environment inPlain = CliRun.environment(plain, Map.of());

        CliRun refused = CliRun.run(inPlain, "data", "init");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("is not the top folder of a Git repository").contains("--no-scm");
        assertThat(plain.resolve(".dvc")).doesNotExist();

        CliRun noScm = CliRun.run(inPlain, "data", "init", "--no-scm");
        assertThat(noScm.exitCode()).as(noScm.toString()).isZero();
        assertThat(noScm.out()).isEqualTo("Initialized DVC repository.\n");
        assertThat(plain.resolve(".dvc/config")).hasContent("[core]\n    no_scm = True");

        Files.writeString(plain.resolve("foo"), "foo", UTF_8);
        CliRun add = CliRun.run(inPlain, "add", "foo");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).as("no Git hint without Git").isEmpty();
        assertThat(plain.resolve("foo.dvc")).isRegularFile();
        assertThat(plain.resolve(".gitignore")).as("DVC writes no .gitignore under core.no_scm").doesNotExist();
    }

    @Test
    void initTwiceFails() {
        assertThat(run("data", "init").exitCode()).isZero();

        CliRun again = run("data", "init");

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("slipway data init: error: ").contains("already a DVC repository");
    }

    @Test
    void addWritesPointerFilesAndGitignoreForAFileAndAFolder() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data/sub"));
        Files.writeString(folder.resolve("data/foo"), "foo", UTF_8);
        Files.writeString(folder.resolve("data/bar"), "bar", UTF_8);

        CliRun add = run("data", "add", "foo", "data", "--no-progress");

        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out())
                .isEqualTo("\nTo track the changes with git, run:\n\n\tgit add foo.dvc .gitignore data.dvc\n");
        assertThat(Files.readString(folder.resolve("foo.dvc"))).isEqualTo("""
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  hash: md5
                  path: foo
                """);
        // dvc-data's published hash of {foo: "foo", bar: "bar"}
        assertThat(Files.readString(folder.resolve("data.dvc"))).isEqualTo("""
                outs:
                - md5: 5ea40360f5b4ec688df672a4db9c17d1.dir
                  size: 6
                  nfiles: 2
                  hash: md5
                  path: data
                """);
        assertThat(Files.readString(folder.resolve(".gitignore"))).isEqualTo("/foo\n/data\n");
        assertThat(folder.resolve(".dvc/cache/files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir")).isRegularFile();
    }

    @Test
    void addInASubfolderWritesTheGitignoreThere() throws IOException {
        init();
        Path sub = Files.createDirectories(folder.resolve("sub"));
        Files.writeString(sub.resolve("train.csv"), "a,b\n1,2\n", UTF_8);

        CliRun add = CliRun.run(CliRun.environment(sub, Map.of()), "add", "train.csv", "--json");

        assertThat(add.exitCode()).as(add.toString()).isZero();
        JsonNode added = JSON.readTree(add.out()).path("added").get(0);
        assertThat(added.path("path").asText()).isEqualTo("train.csv");
        assertThat(added.path("dvc_file").asText()).isEqualTo("train.csv.dvc");
        assertThat(sub.resolve(".gitignore")).hasContent("/train.csv");
        assertThat(folder.resolve(".gitignore")).doesNotExist();
    }

    @Test
    void statusIsCleanAfterAddAndShowsModifiedAndDeletedLikeDvc() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data/bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();

        CliRun clean = run("status");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).isEqualTo("Data and pipelines are up to date.\n");
        assertThat(run("data", "status", "--quiet").exitCode()).isZero();
        assertThat(run("data", "status", "--json").out().strip()).isEqualTo("{ }");

        Files.writeString(folder.resolve("foo"), "changed", UTF_8);
        Files.delete(folder.resolve("data/bar"));
        Files.delete(folder.resolve("data"));

        CliRun changed = run("data", "status");
        assertThat(changed.exitCode()).as(changed.toString()).isZero();
        assertThat(changed.out()).isEqualTo("""
                data.dvc:
                \tchanged outs:
                \t\tdeleted:            data
                foo.dvc:
                \tchanged outs:
                \t\tmodified:           foo
                """);
        CliRun quiet = run("status", "-q");
        assertThat(quiet.exitCode()).isEqualTo(1);
        assertThat(quiet.out()).isEmpty();
        JsonNode json = JSON.readTree(run("status", "--json").out());
        assertThat(json.path("foo.dvc").get(0).path("changed outs").path("foo").asText()).isEqualTo("modified");
        assertThat(json.path("data.dvc").get(0).path("changed outs").path("data").asText()).isEqualTo("deleted");

        CliRun onlyFoo = run("status", "foo");
        assertThat(onlyFoo.out()).contains("foo.dvc:").doesNotContain("data.dvc");
    }

    @Test
    void checkoutRestoresDeletedAndModifiedOutputs() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data/sub"));
        Files.writeString(folder.resolve("data/sub/bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();
        Files.delete(folder.resolve("foo"));
        Files.writeString(folder.resolve("data/sub/bar"), "edited", UTF_8);
        Files.writeString(folder.resolve("data/extra"), "not tracked", UTF_8);

        CliRun checkout = run("checkout", "--no-progress");

        assertThat(checkout.exitCode()).as(checkout.toString()).isZero();
        assertThat(checkout.out()).as("DVC lists modified outputs before added ones").isEqualTo("M\tdata/\nA\tfoo\n");
        assertThat(folder.resolve("foo")).hasContent("foo");
        assertThat(folder.resolve("data/sub/bar")).hasContent("bar");
        assertThat(folder.resolve("data/extra")).doesNotExist();
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
        assertThat(run("data", "checkout").out()).isEmpty();
    }

    @Test
    void checkoutOfOneTargetLeavesTheOthers() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.writeString(folder.resolve("bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "bar", "--no-progress").exitCode()).isZero();
        Files.delete(folder.resolve("foo"));
        Files.delete(folder.resolve("bar"));

        CliRun checkout = run("data", "checkout", "bar.dvc", "--json");

        assertThat(checkout.exitCode()).as(checkout.toString()).isZero();
        assertThat(JSON.readTree(checkout.out()).path("added").get(0).asText()).isEqualTo("bar");
        assertThat(folder.resolve("bar")).hasContent("bar");
        assertThat(folder.resolve("foo")).doesNotExist();
    }

    @Test
    void checkoutOfAnObjectMissingFromTheCacheNamesThePointerFile() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        assertThat(run("add", "foo").exitCode()).isZero();
        Path object = folder.resolve(".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8");
        object.toFile().setWritable(true);
        Files.delete(object);
        Files.delete(folder.resolve("foo"));

        assertThat(run("status").out()).contains("deleted:            foo");
        CliRun checkout = run("checkout");

        assertThat(checkout.exitCode()).isEqualTo(1);
        assertThat(checkout.err()).startsWith("slipway checkout: error: Cannot check out 'foo.dvc': ")
                .contains("acbd18db4cc2f85cedef654fccc4a4d8").contains("slipway pull");
        assertThat(folder.resolve("foo")).doesNotExist();
    }

    @Test
    void commitRecordsTheChangedContent() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        assertThat(run("add", "foo", "--no-progress").exitCode()).isZero();
        Files.writeString(folder.resolve("foo"), "bar", UTF_8);

        CliRun commit = run("data", "commit");

        assertThat(commit.exitCode()).as(commit.toString()).isZero();
        assertThat(commit.out()).isEqualTo("Committed foo.dvc\n");
        assertThat(Files.readString(folder.resolve("foo.dvc"))).contains("md5: 37b51d194a7513e45b56f6524f2d51f2\n");
        assertThat(folder.resolve(".dvc/cache/files/md5/37/b51d194a7513e45b56f6524f2d51f2")).hasContent("bar");
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
        assertThat(run("data", "commit").out()).isEqualTo("Nothing to commit: data is up to date.\n");
    }

    @Test
    void commandsOutsideARepositoryFailWithOneLine() {
        CliRun status = run("status");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).isEqualTo("slipway status: error: '" + folder.toAbsolutePath()
                + "' is not inside a DVC repository (no '.dvc' folder in it or above it); run 'slipway data init'"
                + " in the repository's top folder first\n");
        assertThat(run("data", "add", "foo").exitCode()).isEqualTo(1);
    }

    @Test
    void addRejectsAPathOutsideTheRepositoryAndAMissingFile() throws IOException {
        Path repository = Files.createDirectories(folder.resolve("repository"));
        Files.createDirectories(repository.resolve(".git"));
        Environment inRepository = CliRun.environment(repository, Map.of());
        assertThat(CliRun.run(inRepository, "data", "init").exitCode()).isZero();
        Files.writeString(folder.resolve("outside.txt"), "x", UTF_8);

        CliRun outside = CliRun.run(inRepository, "add", "../outside.txt");
        assertThat(outside.exitCode()).isEqualTo(1);
        assertThat(outside.err()).startsWith("slipway add: error: ").contains("outside.txt")
                .contains("is outside the repository");
        assertThat(folder.resolve("outside.txt.dvc")).doesNotExist();

        CliRun missing = CliRun.run(inRepository, "data", "add", "missing.csv");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("slipway data add: error: Cannot add 'missing.csv': it does not exist\n");
    }

    @Test
    void targetsThatAreNotTrackedAreNamed() {
        init();

        CliRun status = run("status", "nothing.csv");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).contains("'nothing.csv' is not tracked").contains("nothing.csv.dvc");
    }

    @Test
    void addWithoutATargetIsAUsageError() {
        init();

        CliRun add = run("add");

        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.err()).contains("TARGET");
    }

    @Test
    void pushRmPullRoundTripThroughAFolderRemote() throws IOException {
        init();
        Path store = folder.resolve("store");
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data/sub"));
        Files.writeString(folder.resolve("data/foo"), "foo", UTF_8);
        Files.writeString(folder.resolve("data/sub/bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();

        CliRun remoteAdd = run("data", "remote", "add", "-d", "store", store.toString());
        assertThat(remoteAdd.exitCode()).as(remoteAdd.toString()).isZero();
        assertThat(remoteAdd.out()).isEqualTo("Setting 'store' as a default remote.\n");
        assertThat(folder.resolve(".dvc/config"))
                .hasContent("[core]\n    remote = store\n['remote \"store\"']\n    url = " + store);
        assertThat(run("data", "remote", "list").out()).isEqualTo("store\t" + store + "\n");

        CliRun push = run("push", "--no-progress");
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(store).as("push creates the missing remote folder, as DVC does").isDirectory();
        // foo's object is shared by foo and data/foo: bar, foo and the listing
        assertThat(push.out()).isEqualTo("3 files pushed\n");
        assertThat(store.resolve("files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8")).hasContent("foo");
        assertThat(run("data", "push").out()).isEqualTo("Everything is up to date.\n");

        deleteTree(folder.resolve(".dvc/cache"));
        deleteTree(folder.resolve("data"));
        Files.delete(folder.resolve("foo"));

        CliRun pull = run("pull", "--no-progress");
        assertThat(pull.exitCode()).as(pull.toString()).isZero();
        assertThat(pull.out()).isEqualTo("A\tdata/\nA\tfoo\n3 files fetched, 2 outputs checked out\n");
        assertThat(folder.resolve("foo")).hasContent("foo");
        assertThat(folder.resolve("data/sub/bar")).hasContent("bar");
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
        assertThat(run("data", "fetch").out()).isEqualTo("Everything is up to date.\n");
    }

    @Test
    void pullLinksTheCacheToAFolderRemoteOnTheSameDiskUnlessToldNotTo() throws IOException {
        Path store = folder.resolve("store");
        trackFooWithDefaultRemote("store", store);
        assertThat(run("push", "--no-progress").exitCode()).isZero();
        Path onRemote = store.resolve("files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8");
        Path inCache = folder.resolve(".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8");

        assertThat(pullIntoEmptyCacheAndWorkspace("pull", "--no-hardlinks", "--no-progress").exitCode()).isZero();
        assertThat(Files.isSameFile(inCache, onRemote)).isFalse();
        assertThat(folder.resolve("foo")).hasContent("foo");

        CliRun linked = pullIntoEmptyCacheAndWorkspace("data", "pull", "--no-progress");
        assertThat(linked.exitCode()).as(linked.toString()).isZero();
        assertThat(linked.out()).isEqualTo("A\tfoo\n1 file fetched, 1 outputs checked out\n");
        assertThat(Files.isSameFile(inCache, onRemote)).isTrue();
        assertThat(Files.isSameFile(folder.resolve("foo"), inCache)).isFalse();
        assertThat(folder.resolve("foo")).hasContent("foo");
    }

    /** Initialises the repository, tracks foo (holding "foo") and adds {@code store} as default remote {@code name}. */
    private void trackFooWithDefaultRemote(String name, Path store) throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        assertThat(run("add", "foo", "--no-progress").exitCode()).isZero();
        assertThat(run("data", "remote", "add", "-d", name, store.toString()).exitCode()).isZero();
    }

    /** Runs {@code arguments} once the cache and the tracked file foo are gone. */
    private CliRun pullIntoEmptyCacheAndWorkspace(String... arguments) throws IOException {
        deleteTree(folder.resolve(".dvc/cache"));
        Files.delete(folder.resolve("foo"));
        return run(arguments);
    }

    @Test
    void fetchFromAMissingFolderRemoteFailsAndDoesNotCreateIt() throws IOException {
        Path store = folder.resolve("not-mounted");
        trackFooWithDefaultRemote("usb", store);
        deleteTree(folder.resolve(".dvc/cache"));

        CliRun fetch = run("data", "fetch", "--no-progress");

        assertThat(fetch.exitCode()).isEqualTo(1);
        assertThat(fetch.err()).contains("'usb'").contains("not reachable").contains(store.toString());
        assertThat(store).doesNotExist();
    }

    @Test
    void lsListsTrackedOutputsWithSizeFileCountAndMd5() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data/sub"));
        Files.writeString(folder.resolve("data/bar"), "bar", UTF_8);
        Files.writeString(folder.resolve("data/sub/baz"), "bazz", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();
        String dirMd5 = Files.readString(folder.resolve("data.dvc")).lines()
                .filter(line -> line.startsWith("- md5: ")).findFirst().orElseThrow().substring("- md5: ".length());

        CliRun ls = run("data", "ls");
        CliRun below = run("data", "ls", "data/sub");
        CliRun asJson = run("data", "ls", "--json");

        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.out()).isEqualTo(dirMd5 + "\t7\t2\tdata/\n"
                + "acbd18db4cc2f85cedef654fccc4a4d8\t3\t-\tfoo\n");
        assertThat(below.out()).as("the folder output holding the path").isEqualTo(dirMd5 + "\t7\t2\tdata/\n");
        JsonNode list = JSON.readTree(asJson.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("path").asText()).isEqualTo("data");
        assertThat(list.get(0).get("nfiles").asInt()).isEqualTo(2);
        assertThat(list.get(0).get("isdir").asBoolean()).isTrue();
        assertThat(list.get(1).get("md5").asText()).isEqualTo("acbd18db4cc2f85cedef654fccc4a4d8");
        assertThat(list.get(1).get("size").asLong()).isEqualTo(3);
        assertThat(list.get(1).has("nfiles")).isFalse();
    }

    @Test
    void diffListsAddedDeletedAndModifiedFilesAgainstTheRecordedVersion() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data/sub"));
        Files.writeString(folder.resolve("data/bar"), "bar", UTF_8);
        Files.writeString(folder.resolve("data/sub/baz"), "baz", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();
        assertThat(run("data", "diff").out()).as("nothing changed").isEmpty();

        Files.writeString(folder.resolve("foo"), "edited", UTF_8);
        Files.delete(folder.resolve("data/bar"));
        Files.writeString(folder.resolve("data/new"), "new", UTF_8);
        CliRun diff = run("data", "diff");
        CliRun asJson = run("data", "diff", "--json");

        assertThat(diff.exitCode()).as(diff.toString()).isZero();
        assertThat(diff.out()).isEqualTo("Added:\n    data/new\n\nDeleted:\n    data/bar\n\n"
                + "Modified:\n    data/\n    foo\n\nfiles summary: 1 added, 1 deleted, 1 modified\n");
        JsonNode node = JSON.readTree(asJson.out());
        assertThat(node.get("added").get(0).get("path").asText()).isEqualTo("data/new");
        assertThat(node.get("modified")).hasSize(2);
        CliRun revisions = run("data", "diff", "HEAD~1", "HEAD");
        assertThat(revisions.exitCode()).as("the .git folder here is no Git repository").isEqualTo(1);
        assertThat(revisions.err()).contains("is not inside a Git repository");
    }

    @Test
    void verifyListsEveryCorruptedObjectAndExitsOne() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.createDirectories(folder.resolve("data"));
        Files.writeString(folder.resolve("data/bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "data", "--no-progress").exitCode()).isZero();
        CliRun intact = run("data", "verify");
        assertThat(intact.exitCode()).as(intact.toString()).isZero();
        assertThat(intact.out()).isEqualTo("Checked 3 objects: all intact.\n");

        Path fooObject = folder.resolve(".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8");
        fooObject.toFile().setWritable(true);
        Files.writeString(fooObject, "fox", UTF_8);
        CliRun verify = run("data", "verify");
        CliRun asJson = run("data", "verify", "--json");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).startsWith("corrupted: .dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8 "
                + "(content hashes to " + md5("fox") + ")\n")
                .contains("Checked 3 objects: 1 corrupted");
        assertThat(asJson.exitCode()).isEqualTo(1);
        JsonNode node = JSON.readTree(asJson.out());
        assertThat(node.get("checked").asInt()).isEqualTo(3);
        assertThat(node.get("corrupted")).hasSize(1);
        assertThat(node.get("corrupted").get(0).get("md5").asText()).isEqualTo("acbd18db4cc2f85cedef654fccc4a4d8");
        assertThat(node.get("corrupted").get(0).get("actual_md5").asText()).isEqualTo(md5("fox"));
        Files.delete(folder.resolve("foo"));
        CliRun checkout = run("checkout", "--no-progress");
        assertThat(checkout.exitCode()).as("checkout still refuses it").isNotZero();
        assertThat(folder.resolve("foo")).doesNotExist();
    }

    private static String md5(String text) {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pushWithoutARemoteFailsAndAnUnknownRemoteIsNamed() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        assertThat(run("add", "foo").exitCode()).isZero();

        CliRun noDefault = run("push");
        assertThat(noDefault.exitCode()).isEqualTo(1);
        assertThat(noDefault.err()).startsWith("slipway push: error: ").contains("remote");

        CliRun unknown = run("data", "pull", "-r", "nowhere");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("'nowhere'");

        assertThat(run("push", "--jobs", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void gcRemovesOnlyUnreferencedObjectsAndNeedsAScope() throws IOException {
        init();
        Files.writeString(folder.resolve("foo"), "foo", UTF_8);
        Files.writeString(folder.resolve("bar"), "bar", UTF_8);
        assertThat(run("add", "foo", "bar").exitCode()).isZero();
        Files.delete(folder.resolve("bar.dvc"));
        Path barObject = folder.resolve(".dvc/cache/files/md5/37/b51d194a7513e45b56f6524f2d51f2");

        CliRun noScope = run("data", "gc");
        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("-w/--workspace");

        CliRun dry = run("data", "gc", "-w", "--dry");
        assertThat(dry.out()).isEqualTo("Would remove 37b51d194a7513e45b56f6524f2d51f2\n"
                + "1 object would be removed from the local cache.\n");
        assertThat(barObject).exists();

        CliRun gc = run("data", "gc", "--workspace");
        assertThat(gc.exitCode()).as(gc.toString()).isZero();
        assertThat(gc.out()).isEqualTo("Removed 1 object from the local cache.\n");
        assertThat(barObject).doesNotExist();
        assertThat(folder.resolve(".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8")).exists();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                path.toFile().setWritable(true);
                Files.delete(path);
            }
        }
    }

    private void init() {
        CliRun init = run("data", "init");
        assertThat(init.exitCode()).as(init.toString()).isZero();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
