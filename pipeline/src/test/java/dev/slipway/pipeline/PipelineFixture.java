package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.slipway.data.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A DVC repository in a temporary folder with helpers to write files and run repro, recording what happened. */
final class PipelineFixture implements AutoCloseable {
    final Path root;
    final Repository repository;
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    final List<String> output = Collections.synchronizedList(new ArrayList<>());

    PipelineFixture(Path root) {
        this.root = root;
        this.repository = Repository.init(root);
    }

    PipelineFixture write(String path, String text) {
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String read(String path) {
        try {
            return Files.readString(root.resolve(path), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean exists(String path) {
        return Files.exists(root.resolve(path));
    }

    Pipeline pipeline() {
        return Pipeline.load(root.resolve("dvc.yaml"), root);
    }

    ReproResult repro(ReproOptions options, String... targets) {
        return new Reproducer(repository, Clock.systemUTC()).repro(pipeline(), List.of(targets), options, listener());
    }

    ReproResult repro(String... targets) {
        return repro(options(), targets);
    }

    ReproOptions options() {
        return ReproOptions.defaults(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    StageListener listener() {
        return new StageListener() {
            @Override
            public void onMessage(Stage stage, String message) {
                messages.add(message);
            }

            @Override
            public void onStageOutput(Stage stage, String line) {
                output.add(stage.name() + ": " + line);
            }
        };
    }

    @Override
    public void close() {
        repository.close();
    }
}
