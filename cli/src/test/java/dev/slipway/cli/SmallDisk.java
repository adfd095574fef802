package dev.slipway.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few hundred kilobytes mounted on a folder, so tests can fill a disk for real. Needs root (as in
 * CI); tests that use it are skipped elsewhere. Unmounted lazily on {@link #close}, so that a file still open
 * cannot keep it mounted.
 */
final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code kilobytes} on {@code mountPoint} (created if missing).
     *
     * @throws org.opentest4j.TestAbortedException when this machine does not let the tests mount one
     */
    static SmallDisk mount(Path mountPoint, int kilobytes) throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Files.createDirectories(mountPoint);
        int exit = run("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k", "tmpfs", mountPoint.toString());
        assumeTrue(exit == 0, "mount -t tmpfs failed (exit " + exit + ")");
        return new SmallDisk(mountPoint);
    }

    Path root() {
        return mountPoint;
    }

    /** Grows (or shrinks) the tmpfs in place, keeping its files: "freeing space" for a retry. */
    void resize(int kilobytes) {
        int exit = run("mount", "-o", "remount,size=" + kilobytes + "k", mountPoint.toString());
        if (exit != 0) {
            throw new IllegalStateException("Cannot resize the tmpfs at " + mountPoint + ": exit " + exit);
        }
    }

    long freeBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() {
        run("umount", "-l", mountPoint.toString());
    }

    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
