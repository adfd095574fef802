package dev.slipway.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactRepositoryTest extends AbstractArtifactRepositoryTest {
    @TempDir
    Path temp;

    @Override
    ArtifactRepository createRepository() {
        return new LocalArtifactRepository(temp.resolve("contract"));
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void folderOffersNoMultipartUploadsSoClientsUploadWithPut() {
        assertThat(repository.multipartUploads()).isEmpty();
    }

    @Test
    void putThenOpenReturnsTheSameBytes() throws IOException {
        LocalArtifactRepository repository = new LocalArtifactRepository(temp.resolve("root"));
        repository.put("dir/my.file", bytes("hello"));
        try (InputStream in = repository.open("dir/my.file").orElseThrow()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        assertThat(repository.size("dir/my.file")).contains(5L);
        assertThat(repository.open("missing")).isEmpty();
    }

    @Test
    void listsDirectChildrenWithPathsRelativeToTheRoot() throws IOException {
        LocalArtifactRepository repository = new LocalArtifactRepository(temp);
        repository.put("my.file", bytes("a"));
        repository.put("dir/my.file", bytes("bb"));
        assertThat(repository.list("")).containsExactly(new FileInfo("dir", true, Optional.empty()),
                new FileInfo("my.file", false, Optional.of(1L)));
        assertThat(repository.list("dir")).containsExactly(new FileInfo("dir/my.file", false, Optional.of(2L)));
        assertThat(repository.list("nope")).isEmpty();
    }

    @Test
    void deleteRemovesFilesAndTrees() throws IOException {
        LocalArtifactRepository repository = new LocalArtifactRepository(temp);
        repository.put("d/e/f.txt", bytes("x"));
        repository.delete("d");
        assertThat(Files.exists(temp.resolve("d"))).isFalse();
        repository.delete("d");
    }

    @Test
    void refusesTraversalAndSymlinkEscapes() throws IOException {
        Path root = Files.createDirectories(temp.resolve("root"));
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link"), outside);
        LocalArtifactRepository repository = new LocalArtifactRepository(root);
        assertThatThrownBy(() -> repository.open("../outside/secret.txt")).isInstanceOf(SlipwayException.class)
                .hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.open("link/secret.txt")).hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.put("link/new.txt", bytes("x"))).hasMessage("Invalid path");
        assertThatThrownBy(() -> repository.list("link")).hasMessage("Invalid path");
        assertThat(Files.exists(outside.resolve("new.txt"))).isFalse();
    }

    @Test
    void factoryRefusesRemoteHostsAndTraversalInTheRoot() {
        LocalArtifactRepositoryFactory factory = new LocalArtifactRepositoryFactory();
        assertThatThrownBy(() -> factory.create(URI.create("file://10.0.0.1/etc"))).hasMessageContaining("remote host");
        assertThatThrownBy(() -> factory.create(URI.create("file:///tmp/../etc"))).hasMessageContaining("'..'");
        assertThat(factory.create(URI.create("file:///tmp/x"))).isInstanceOf(LocalArtifactRepository.class);
    }
}
