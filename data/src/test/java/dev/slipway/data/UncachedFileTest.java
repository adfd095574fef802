package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UncachedFileTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, FileHasher.CHUNK_SIZE, 3 * FileHasher.CHUNK_SIZE + 1234})
    void writesExactlyTheBytesGivenWhetherOrNotTheyBypassThePageCache(int size) throws Exception {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        for (boolean bypass : new boolean[] {true, false}) {
            Path file = dir.resolve(size + "-" + bypass);
            try (UncachedFile out = UncachedFile.create(file, bypass)) {
                for (int offset = 0; offset < size; offset += FileHasher.CHUNK_SIZE) {
                    ByteBuffer chunk = FileHasher.directBuffer();
                    int length = Math.min(FileHasher.CHUNK_SIZE, size - offset);
                    chunk.put(content, offset, length).flip();
                    out.write(chunk);
                    assertThat(chunk.hasRemaining()).isFalse();
                }
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
        }
    }

    @Test
    void fallsBackToOrdinaryWritesWhereDirectOnesAreRefused() throws Exception {
        Path shm = Path.of("/dev/shm");
        Path folder = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "uncached") : dir;
        try {
            byte[] content = new byte[2 * FileHasher.CHUNK_SIZE + 17];
            new Random(7).nextBytes(content);
            Path file = folder.resolve("object");
            try (UncachedFile out = UncachedFile.create(file, true)) {
                for (int offset = 0; offset < content.length; offset += FileHasher.CHUNK_SIZE) {
                    int length = Math.min(FileHasher.CHUNK_SIZE, content.length - offset);
                    out.write(FileHasher.directBuffer().put(content, offset, length).flip());
                }
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
        } finally {
            if (!folder.equals(dir)) {
                try (var files = Files.list(folder)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(folder);
            }
        }
    }

    @Test
    void refusesToReplaceAnExistingFile() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "kept");
        assertThatThrownBy(() -> UncachedFile.create(file, true)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(file).hasContent("kept");
    }
}
