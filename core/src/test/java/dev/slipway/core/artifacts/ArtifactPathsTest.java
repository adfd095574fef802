package dev.slipway.core.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArtifactPathsTest {
    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "..%2fx", "%2e%2e/x", "%2e%2e%2fx", "%252e%252e%252fx", "a/%252E%252E/b",
            "/etc/passwd", "%2Fetc/passwd", "a\\..\\b", "a%5c..%5cb", "a#b", "a%00b", "C:/Windows", "c:\\x", "~/x", ".."})
    void rejectsEveryTraversalSpelling(String path) {
        assertThatThrownBy(() -> ArtifactPaths.validate(path)).isInstanceOf(SlipwayException.class)
                .hasMessage("Invalid path");
    }

    @Test
    void normalisesSafePaths() {
        assertThat(ArtifactPaths.validate("")).isEmpty();
        assertThat(ArtifactPaths.validate("a//b/./c/")).isEqualTo("a/b/c");
        assertThat(ArtifactPaths.validate("model/MLmodel")).isEqualTo("model/MLmodel");
        assertThat(ArtifactPaths.validate("my%20file.txt")).isEqualTo("my file.txt");
        assertThat(ArtifactPaths.validate("a..b/c")).isEqualTo("a..b/c");
    }
}
