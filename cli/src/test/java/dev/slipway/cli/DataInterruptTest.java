package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in the middle of {@code add} and {@code push}: the CLI runs as a real child process and gets SIGINT
 * once it has started writing objects. It must exit 130 with one line on stderr, write no pointer file for the
 * interrupted add, leave no partial object under a real name and no temporary file, and the same command run
 * again must complete.
 */
class DataInterruptTest {
    private static final int FILES = 200;
    private static final int FILE_SIZE = 2 << 20;

    @TempDir
    Path folder;

    private Environment environment;
    private Process child;

    @BeforeEach
    void createRepositoryWithABigFolder() throws IOException {
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process, so it would be in the child too");
        Files.createDirectories(folder.resolve(".git"));
        environment = CliRun.environment(folder, Map.of());
        assertSucceeds("data", "init");
        Path big = Files.createDirectories(folder.resolve("big"));
        byte[] block = new byte[FILE_SIZE];
        new Random(42).nextBytes(block);
        for (int i = 0; i < FILES; i++) {
            ByteBuffer.wrap(block).putInt(i);
            Files.write(big.resolve("part-" + i + ".bin"), block);
        }
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void ctrlCDuringAddLeavesNoPointerFileAndNoPartialObject() throws Exception {
        Path cache = folder.resolve(".dvc/cache");
        String gitignoreBefore = Files.exists(folder.resolve(".gitignore")) ? Files.readString(folder.resolve(".gitignore")) : "";

        Finished add = interruptOnceWriting(cache, "data", "add", "big", "--no-progress");

        assertInterrupted(add);
        assertThat(folder.resolve("big.dvc")).as("no pointer file for an interrupted add").doesNotExist();
        String gitignoreAfter = Files.exists(folder.resolve(".gitignore")) ? Files.readString(folder.resolve(".gitignore")) : "";
        assertThat(gitignoreAfter).isEqualTo(gitignoreBefore);
        assertThat(StoredObjects.damaged(cache)).as("partial objects in the cache").isEmpty();
        assertThat(StoredObjects.temporaryFiles(cache)).as("temporary files in the cache").isEmpty();

        assertSucceeds("data", "add", "big", "--no-progress");
        assertThat(run("data", "status").out()).isEqualTo("Data and pipelines are up to date.\n");
        assertThat(StoredObjects.objects(cache)).hasSize(FILES + 1);
    }

    @Test
    void ctrlCDuringPushLeavesNoPartialObjectOnTheRemoteAndPushResumes() throws Exception {
        Path store = folder.resolve("store");
        assertSucceeds("data", "add", "big", "--no-progress");
        assertSucceeds("data", "remote", "add", "-d", "store", store.toString());

        Finished push = interruptOnceWriting(store, "data", "push", "--no-progress", "-j", "2");

        assertInterrupted(push);
        List<Path> onRemote = StoredObjects.objects(store);
        assertThat(onRemote).as("an interrupted push is partial").hasSizeLessThan(FILES + 1);
        assertThat(onRemote).as("a listing goes only after all its files").noneMatch(path -> path.toString().endsWith(".dir"));
        assertThat(StoredObjects.damaged(store)).as("partial objects on the remote").isEmpty();
        assertThat(StoredObjects.temporaryFiles(store)).as("temporary files on the remote").isEmpty();

        CliRun again = run("data", "push", "--no-progress");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo((FILES + 1 - onRemote.size()) + " files pushed\n");
        assertThat(StoredObjects.objects(store)).hasSize(FILES + 1);
        assertThat(StoredObjects.damaged(store)).isEmpty();
        assertThat(run("data", "status").out()).isEqualTo("Data and pipelines are up to date.\n");
    }

    private record Finished(int exitCode, String err) {}

    /** Runs slipway as a child process and sends it SIGINT as soon as files appear under {@code watched}. */
    private Finished interruptOnceWriting(Path watched, String... args) throws Exception {
        Path argumentFile = folder.resolve("java-classpath.args");
        Files.writeString(argumentFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n", UTF_8);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + argumentFile, "dev.slipway.cli.Main"));
        command.addAll(List.of(args));
        Path err = folder.resolve("child.err");
        child = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(folder.resolve("child.out").toFile()).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (countFiles(watched) < 3) {
            assertThat(child.isAlive()).as("still running when it started writing: " + Files.readString(err)).isTrue();
            assertThat(System.nanoTime()).as("started writing within 60 s").isLessThan(deadline);
            Thread.sleep(5);
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGINT").isTrue();
        return new Finished(child.exitValue(), Files.readString(err));
    }

    private static void assertInterrupted(Finished finished) {
        assertThat(finished.exitCode()).as(finished.err()).isEqualTo(130);
        assertThat(finished.err()).contains("interrupted").doesNotContain("\tat ").doesNotContain("Exception")
                .hasLineCount(1);
    }

    private static long countFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a temporary file renamed during the walk
        }
    }

    /** Whether SIGINT is ignored here (bit 2 of SigIgn in /proc/self/status); children would inherit that. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .map(line -> Long.parseLong(line.substring("SigIgn:".length()).trim(), 16))
                .anyMatch(mask -> (mask & 2L) != 0);
    }

    private void assertSucceeds(String... args) {
        CliRun result = run(args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    private CliRun run(String... args) {
        return CliRun.run(environment, args);
    }
}
