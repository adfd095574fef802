package dev.slipway.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ArtifactRepository} shares; each backend's test supplies a new, empty repository per
 * test and adds what only it has.
 */
abstract class AbstractArtifactRepositoryTest {
    /** Larger than any multipart threshold, so large files take the multipart path where there is one. */
    static final long LARGE = 20L * 1024 * 1024 + 12345;

    ArtifactRepository repository;

    /** A new, empty repository for one test. */
    abstract ArtifactRepository createRepository() throws IOException;

    @BeforeEach
    void createTheRepository() throws IOException {
        repository = createRepository();
    }

    static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void smallFileReadsBackAsWritten() throws IOException {
        repository.put("dir/my.file", text("hello"));

        assertThat(read(repository.open("dir/my.file").orElseThrow())).isEqualTo("hello");
        assertThat(repository.size("dir/my.file")).contains(5L);
    }

    @Test
    void largeFileStreamsInAndOutUnchanged() throws IOException {
        repository.put("model/weights.bin", GeneratedContent.of(7, LARGE));

        assertThat(repository.size("model/weights.bin")).contains(LARGE);
        try (InputStream in = repository.open("model/weights.bin").orElseThrow()) {
            assertThat(GeneratedContent.sha256(in)).isEqualTo(GeneratedContent.sha256(7, LARGE));
        }
        assertThat(repository.list("model")).containsExactly(new FileInfo("model/weights.bin", false,
                Optional.of(LARGE)));
    }

    @Test
    void emptyFileIsAFileOfSizeZero() throws IOException {
        repository.put("empty.txt", InputStream.nullInputStream());

        assertThat(repository.size("empty.txt")).contains(0L);
        assertThat(read(repository.open("empty.txt").orElseThrow())).isEmpty();
        assertThat(repository.list("")).containsExactly(new FileInfo("empty.txt", false, Optional.of(0L)));
    }

    @Test
    void putReplacesTheFileAtThePath() throws IOException {
        repository.put("a.txt", text("first version"));
        repository.put("a.txt", text("second"));

        assertThat(read(repository.open("a.txt").orElseThrow())).isEqualTo("second");
        assertThat(repository.size("a.txt")).contains(6L);
    }

    @Test
    void namesWithSpacesAndNonAsciiCharactersAreKept() throws IOException {
        repository.put("sub dir/résumé ü.txt", text("ok"));

        assertThat(repository.list("sub dir")).containsExactly(new FileInfo("sub dir/résumé ü.txt", false,
                Optional.of(2L)));
        assertThat(read(repository.open("sub dir/résumé ü.txt").orElseThrow())).isEqualTo("ok");
    }

    @Test
    void missingFilesAndDirectoriesAreAbsent() throws IOException {
        repository.put("dir/present.txt", text("x"));

        assertThat(repository.open("missing.txt")).isEmpty();
        assertThat(repository.size("missing.txt")).isEmpty();
        assertThat(repository.open("dir")).as("a directory is not a file").isEmpty();
        assertThat(repository.size("dir")).isEmpty();
        assertThat(repository.open("")).isEmpty();
        assertThat(repository.list("nope")).isEmpty();
        assertThat(repository.list("dir/present.txt")).as("a file has no children").isEmpty();
    }

    @Test
    void listGivesTheDirectChildrenSortedWithDirectoriesAsDirs() throws IOException {
        repository.put("my.file", text("a"));
        repository.put("dir/my.file", text("bb"));
        repository.put("dir/sub/deeper/leaf.txt", text("ccc"));
        repository.put("dir2/other.txt", text("dddd"));

        assertThat(repository.list("")).containsExactly(new FileInfo("dir", true, Optional.empty()),
                new FileInfo("dir2", true, Optional.empty()), new FileInfo("my.file", false, Optional.of(1L)));
        assertThat(repository.list("dir")).containsExactly(new FileInfo("dir/my.file", false, Optional.of(2L)),
                new FileInfo("dir/sub", true, Optional.empty()));
        assertThat(repository.list("dir/sub")).containsExactly(new FileInfo("dir/sub/deeper", true, Optional.empty()));
        assertThat(repository.list("dir/sub/deeper/")).containsExactly(new FileInfo("dir/sub/deeper/leaf.txt", false,
                Optional.of(3L)));
    }

    @Test
    void deleteRemovesAFile() throws IOException {
        repository.put("dir/a.txt", text("a"));
        repository.put("dir/b.txt", text("b"));

        repository.delete("dir/a.txt");

        assertThat(repository.open("dir/a.txt")).isEmpty();
        assertThat(repository.list("dir")).containsExactly(new FileInfo("dir/b.txt", false, Optional.of(1L)));
    }

    @Test
    void deleteRemovesATreeButNotSiblingsSharingItsNamePrefix() throws IOException {
        repository.put("d/e/f.txt", text("x"));
        repository.put("d/g.txt", text("y"));
        repository.put("dx/h.txt", text("z"));
        repository.put("d.txt", text("w"));

        repository.delete("d");

        assertThat(repository.list("")).containsExactly(new FileInfo("d.txt", false, Optional.of(1L)),
                new FileInfo("dx", true, Optional.empty()));
        assertThat(repository.open("d/e/f.txt")).isEmpty();
        assertThat(repository.open("dx/h.txt")).isPresent().get().satisfies(InputStream::close);
        repository.delete("d");
        repository.delete("never/was");
    }

    @Test
    void deleteOfTheRootEmptiesTheRepository() throws IOException {
        repository.put("a/b.txt", text("x"));
        repository.put("c.txt", text("y"));

        repository.delete("");

        assertThat(repository.list("")).isEmpty();
    }

    @Test
    void failedWriteLeavesNothingBehind() throws IOException {
        repository.put("keep.txt", text("kept"));

        assertThatThrownBy(() -> repository.put("broken.bin",
                GeneratedContent.failingAfter(3, LARGE, 12L * 1024 * 1024))).isInstanceOf(IOException.class)
                .hasMessageContaining("generated failure");

        assertThat(repository.open("broken.bin")).isEmpty();
        assertThat(repository.list("")).containsExactly(new FileInfo("keep.txt", false, Optional.of(4L)));
    }

    @Test
    void unsafePathsAreRefused() {
        assertThatThrownBy(() -> repository.put("../escape.txt", text("x"))).isInstanceOf(SlipwayException.class)
                .hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.open("a/../../b")).hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.list("/etc")).hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.put("", text("x"))).hasMessage("Invalid path");
    }
}
