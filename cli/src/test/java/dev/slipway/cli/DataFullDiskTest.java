package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code add}, {@code push} and {@code pull} when the disk they write to fills up, on a real tmpfs of 1 MiB:
 * one line naming the full folder, exit 1, no partial object under a real name, no temporary file left, no
 * pointer file or {@code .gitignore} changed, and the same command succeeds once there is room.
 */
class DataFullDiskTest {
    private static final int DISK_KB = 1024;
    private static final int ROOMY_KB = 16 * 1024;

    @TempDir
    Path folder;

    private Environment environment;
    private SmallDisk disk;

    @BeforeEach
    void createGitFolder() throws IOException {
        Files.createDirectories(folder.resolve(".git"));
        environment = CliRun.environment(folder, Map.of());
    }

    @AfterEach
    void unmount() {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void addToAFullCacheFailsCleanlyAndSucceedsOnceThereIsRoom() throws IOException {
        Path cache = mountDisk().resolve("cache");
        init();
        appendConfig("[cache]\n    dir = " + cache + "\n");
        Files.createDirectories(folder.resolve("data"));
        randomFile(folder.resolve("data/small.bin"), 10_000);
        assertSucceeds("add", "data", "--no-progress");
        String pointerBefore = Files.readString(folder.resolve("data.dvc"));
        String gitignoreBefore = Files.readString(folder.resolve(".gitignore"));
        for (int i = 0; i < 3; i++) {
            randomFile(folder.resolve("data/part" + i + ".bin"), 400_000);
        }
        randomFile(folder.resolve("big.bin"), 1_500_000);

        CliRun folderAdd = run("add", "data", "--no-progress");
        CliRun fileAdd = run("add", "big.bin", "--no-progress");

        for (CliRun add : new CliRun[] {folderAdd, fileAdd}) {
            assertThat(add.exitCode()).as(add.toString()).isEqualTo(1);
            assertThat(add.err()).as(add.toString()).contains("No space left on device").contains(cache.toString())
                    .doesNotContain("\tat ").hasLineCount(1);
        }
        assertThat(folder.resolve("data.dvc")).as("pointer file unchanged").hasContent(pointerBefore);
        assertThat(folder.resolve("big.bin.dvc")).doesNotExist();
        assertThat(folder.resolve(".gitignore")).as(".gitignore unchanged").hasContent(gitignoreBefore);
        assertConsistent(cache);

        disk.resize(ROOMY_KB);
        assertSucceeds("add", "data", "big.bin", "--no-progress");
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
        assertConsistent(cache);
    }

    @Test
    void pushToAFullFolderRemoteFailsCleanlyAndSucceedsOnceThereIsRoom() throws IOException {
        Path store = mountDisk().resolve("store");
        init();
        Files.createDirectories(folder.resolve("data"));
        for (int i = 0; i < 4; i++) {
            randomFile(folder.resolve("data/part" + i + ".bin"), 400_000);
        }
        assertSucceeds("add", "data", "--no-progress");
        assertSucceeds("data", "remote", "add", "-d", "store", store.toString());

        CliRun push = run("push", "--no-progress");

        assertThat(push.exitCode()).as(push.toString()).isEqualTo(1);
        assertThat(push.err()).as(push.toString()).contains("No space left on device").contains(store.toString())
                .doesNotContain("\tat ").hasLineCount(1);
        assertConsistent(store);
        assertThat(StoredObjects.objects(store)).as("no listing without all its files")
                .noneMatch(object -> object.toString().endsWith(".dir"));

        disk.resize(ROOMY_KB);
        assertSucceeds("push", "--no-progress");
        assertConsistent(store);
        assertThat(StoredObjects.objects(store)).hasSize(5);
        assertThat(run("push", "--no-progress").out()).isEqualTo("Everything is up to date.\n");
    }

    @Test
    void pullIntoAFullCacheFailsCleanlyAndSucceedsOnceThereIsRoom() throws IOException {
        Path store = folder.resolve("store");
        init();
        Files.createDirectories(folder.resolve("data"));
        for (int i = 0; i < 4; i++) {
            randomFile(folder.resolve("data/part" + i + ".bin"), 400_000);
        }
        assertSucceeds("add", "data", "--no-progress");
        assertSucceeds("data", "remote", "add", "-d", "store", store.toString());
        assertSucceeds("push", "--no-progress");
        String pointer = Files.readString(folder.resolve("data.dvc"));
        Path cache = mountDisk().resolve("cache");
        appendConfig("[cache]\n    dir = " + cache + "\n");
        deleteTree(folder.resolve("data"));

        CliRun pull = run("pull", "--no-progress");

        assertThat(pull.exitCode()).as(pull.toString()).isEqualTo(1);
        assertThat(pull.err()).as(pull.toString()).contains("No space left on device").contains(cache.toString())
                .doesNotContain("\tat ").hasLineCount(1);
        assertConsistent(cache);
        assertThat(folder.resolve("data")).as("nothing checked out from an incomplete fetch").doesNotExist();
        assertThat(folder.resolve("data.dvc")).hasContent(pointer);

        disk.resize(ROOMY_KB);
        assertSucceeds("pull", "--no-progress");
        assertConsistent(cache);
        assertThat(run("status").out()).isEqualTo("Data and pipelines are up to date.\n");
    }

    private Path mountDisk() throws IOException {
        disk = SmallDisk.mount(folder.resolve("small-disk"), DISK_KB);
        return disk.root();
    }

    /** Every object present hashes to its name, and no temporary file is left behind. */
    private static void assertConsistent(Path root) throws IOException {
        assertThat(StoredObjects.damaged(root)).as("partial objects under real names in " + root).isEmpty();
        assertThat(StoredObjects.temporaryFiles(root)).as("temporary files left in " + root).isEmpty();
    }

    private void appendConfig(String text) throws IOException {
        Files.writeString(folder.resolve(".dvc/config"), text, UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void randomFile(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(file.toString().hashCode()).nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void init() {
        assertSucceeds("data", "init");
    }

    private void assertSucceeds(String... args) {
        CliRun result = run(args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
