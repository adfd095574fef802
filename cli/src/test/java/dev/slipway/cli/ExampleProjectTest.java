package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleProjectTest {
    /** The template in the repository; tests run in the module's folder. */
    private static final Path SOURCE = Path.of("..", "examples", "churn");

    @TempDir
    Path folder;

    @Test
    void listsEveryFileOfTheRepositoryTemplate() throws IOException {
        try (var files = Files.list(SOURCE)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(ExampleProject.CHURN.files());
        }
    }

    @Test
    void copiesTheTemplateFromTheClassPathIntoANewFolder() throws IOException {
        Path target = folder.resolve("a/b");

        assertThat(ExampleProject.CHURN.copyTo(target)).hasSize(ExampleProject.CHURN.files().size());

        for (String file : ExampleProject.CHURN.files()) {
            assertThat(Files.readAllBytes(target.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(SOURCE.resolve(file)));
        }
    }

    @Test
    void refusesAFolderHoldingOneOfItsFilesAndWritesNothing() throws IOException {
        Files.writeString(folder.resolve("params.yaml"), "mine: 1\n");

        assertThatThrownBy(() -> ExampleProject.CHURN.copyTo(folder)).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("params.yaml").hasMessageContaining("already exists");
        assertThat(folder.resolve("dvc.yaml")).doesNotExist();
        assertThat(Files.readString(folder.resolve("params.yaml"))).isEqualTo("mine: 1\n");
    }
}
