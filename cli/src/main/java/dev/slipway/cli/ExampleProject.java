package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A project template shipped in Slipway's jar (copied there from the repository's {@code examples/} folder by the
 * build), such as the churn pipeline of {@code examples/churn}: its {@code dvc.yaml}, {@code params.yaml} and
 * {@code README.md}.
 *
 * @param name the template's folder under {@code examples/}
 * @param files the template's files, relative to its folder
 */
record ExampleProject(String name, List<String> files) {
    /** The churn pipeline: prepare (generate and split) -> train -> evaluate. */
    static final ExampleProject CHURN = new ExampleProject("churn", List.of("dvc.yaml", "params.yaml", "README.md"));

    ExampleProject {
        requireNonNull(name, "name is null");
        files = List.copyOf(files);
    }

    /**
     * Copies the template's files into {@code folder}, creating it if needed.
     *
     * @return the files written
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS when one of the files already exists in the folder (nothing
     *         is written then)
     */
    List<Path> copyTo(Path folder) {
        requireNonNull(folder, "folder is null");
        List<Path> targets = new ArrayList<>();
        for (String file : files) {
            Path target = folder.resolve(file);
            if (Files.exists(target)) {
                throw SlipwayException.alreadyExists("'%s' already exists; copy the %s example into an empty folder",
                        target, name);
            }
            targets.add(target);
        }
        try {
            Files.createDirectories(folder);
            for (int i = 0; i < files.size(); i++) {
                try (InputStream content = open(files.get(i))) {
                    Files.copy(content, targets.get(i));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the " + name + " example into '" + folder + "': "
                    + e.getMessage(), e);
        }
        return List.copyOf(targets);
    }

    /** A file of the template, read from the class path. */
    InputStream open(String file) {
        String resource = "/examples/" + name + "/" + file;
        InputStream content = ExampleProject.class.getResourceAsStream(resource);
        if (content == null) {
            throw new IllegalStateException("The class path lacks " + resource + "; was the jar built by Maven?");
        }
        return content;
    }
}
