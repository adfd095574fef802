package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleTemporaryFilesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path root;

    @Test
    void findsOnlyTemporaryFilesUnmodifiedForLongerThanTheAgeInBothLayouts() throws Exception {
        Path cache = root.resolve("cache");
        Path staging = old(cache.resolve("files/md5/.0f8fad5b-d9cb-469f-a165-70867728950e.tmp"));
        Path inPrefix = old(cache.resolve("files/md5/ac/.7c9e6679-7425-40de-944b-e07fc1f90ae7.tmp"));
        Path legacy = old(cache.resolve("ac/.c9bf9e57-1685-4c89-bafb-ff5af830be8a.tmp"));
        Path recent = Fixtures.write(cache.resolve("files/md5/ac/.6fa459ea-ee8a-3ca4-894e-db77e160355e.tmp"), "x");
        Files.setLastModifiedTime(recent, FileTime.from(NOW.minusSeconds(60)));
        Path object = old(cache.resolve("files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8"));
        Path userFile = old(cache.resolve("files/md5/ac/notes.tmp"));

        StaleTemporaryFiles stale = new StaleTemporaryFiles(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15));

        assertThat(stale.find(cache)).containsExactlyInAnyOrder(staging, inPrefix, legacy);
        assertThat(stale.remove(cache)).hasSize(3);
        assertThat(staging).doesNotExist();
        assertThat(inPrefix).doesNotExist();
        assertThat(legacy).doesNotExist();
        assertThat(recent).as("possibly still being written").exists();
        assertThat(object).exists();
        assertThat(userFile).exists();
        assertThat(stale.find(root.resolve("missing"))).isEmpty();
    }

    @Test
    void gcRemovesTemporaryFilesAnInterruptedAddLeftButNotOnADryRun() throws Exception {
        try (Repository repository = Repository.init(root, true)) {
            Path leftover = Fixtures.write(
                    repository.cache().root().resolve("files/md5/.0f8fad5b-d9cb-469f-a165-70867728950e.tmp"), "partial");
            Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

            assertThat(repository.collectGarbage(true)).isEmpty();
            assertThat(leftover).exists();
            assertThat(repository.collectGarbage(false)).isEmpty();
            assertThat(leftover).doesNotExist();
        }
    }

    private static Path old(Path file) throws Exception {
        Fixtures.write(file, "partial");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofHours(2))));
        return file;
    }
}
