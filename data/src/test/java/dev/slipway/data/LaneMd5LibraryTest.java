package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the kernel's library is loaded from ({@link LaneMd5#LIBRARY_PROPERTY}), in a JVM of its own since the library
 * is loaded once per JVM: the file the property names, as it is, or else a temporary copy out of the class path.
 */
class LaneMd5LibraryTest {
    @TempDir
    Path dir;

    /** Run in the child JVM: prints the kernel in use and the mapped files whose name mentions the kernel. */
    public static void main(String[] args) throws IOException {
        System.out.println("kernel " + LaneMd5.kernel());
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("lanemd5")) {
                System.out.println(line);
            }
        }
    }

    @Test
    void theUnpackedLibraryIsLoadedAsItIsAndAMissingOneFallsBackToTheJarsCopy() throws Exception {
        assumeTrue(LaneMd5.available(), "the native kernel is not built or does not run here");
        Path unpacked = dir.resolve("liblanemd5.so");
        try (var library = LaneMd5.class.getResourceAsStream(LaneMd5.libraryResource())) {
            Files.copy(library, unpacked);
        }

        String given = child(unpacked);
        assertThat(given).contains("kernel " + LaneMd5.kernel()).contains(unpacked.toString())
                .doesNotContain("slipway-lanemd5-");

        String missing = child(dir.resolve("absent.so"));
        assertThat(missing).contains("kernel " + LaneMd5.kernel()).contains("slipway-lanemd5-");
    }

    /**
     * The clone call of the library, on this folder's file system: a clone that file systems without copy-on-write
     * (ext4, tmpfs) refuse leaves nothing behind; where one is made it holds the bytes. A missing source or an
     * existing target is refused too, and the target left as it was.
     */
    @Test
    void aCloneIsMadeWholeOrNothingIsLeft() throws IOException {
        assumeTrue(LaneMd5.available(), "the native kernel is not built or does not run here");
        byte[] bytes = "cloned bytes\n".getBytes(StandardCharsets.UTF_8);
        Path source = Files.write(dir.resolve("source é.bin"), bytes);
        Path target = dir.resolve("target é.bin");

        boolean cloned = LaneMd5.reflink(source, target).orElseThrow();
        if (cloned) {
            assertThat(target).hasBinaryContent(bytes);
        } else {
            assertThat(target).doesNotExist();
        }
        assertThat(source).hasBinaryContent(bytes);

        assertThat(LaneMd5.reflink(dir.resolve("absent.bin"), dir.resolve("other.bin"))).contains(false);
        assertThat(dir.resolve("other.bin")).doesNotExist();
        Path existing = Files.write(dir.resolve("existing.bin"), new byte[] {7});
        assertThat(LaneMd5.reflink(source, existing)).contains(false);
        assertThat(existing).hasBinaryContent(new byte[] {7});
    }

    private static String child(Path library) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + LaneMd5.LIBRARY_PROPERTY + "=" + library, LaneMd5LibraryTest.class.getName()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
