package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.ModelResolver;
import dev.slipway.client.RegistryClient;
import dev.slipway.client.RegistryJson;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.RegisteredModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway models ...}: the model registry, batch prediction and the quality gate. */
@Command(name = "models", description = "Registered models: list, show, versions, aliases, stages, download, "
        + "delete; batch prediction and evaluation.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.Versions.class,
                ModelsCommand.Alias.class, ModelsCommand.Transition.class, ModelsCommand.Download.class,
                ModelsCommand.Delete.class, PredictCommand.class, EvaluateCommand.class})
final class ModelsCommand {
    private static final String VERSION_ORDER = "version_number DESC";

    private ModelsCommand() {}

    @Command(name = "list", description = "List registered models.")
    static final class ListModels extends ModelCommand {
        @Option(names = "--filter", paramLabel = "FILTER",
                description = "An MLflow search filter, such as \"name LIKE 'churn%%'\" or \"tags.team = 'risk'\".")
        Optional<String> filter = Optional.empty();

        ListModels(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            RegistryClient registry = connection().client().registry();
            List<RegisteredModel> models = registry.searchAllRegisteredModels(filter, List.of("name ASC"));
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                ArrayNode array = result.putArray("registered_models");
                models.forEach(model -> array.add(RegistryJson.toJson(model)));
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (models.isEmpty()) {
                out.println("No registered models.");
                return 0;
            }
            TextTable table = new TextTable("NAME", "ALIASES", "LAST UPDATED", "DESCRIPTION");
            for (RegisteredModel model : models) {
                table.add(model.name(), aliases(model.aliases()), format.time(model.lastUpdatedTimestamp()),
                        model.description().orElse(""));
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "show", description = "Show a registered model: description, tags, aliases and versions.")
    static final class Show extends ModelCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
        String name;

        Show(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            RegistryClient registry = connection().client().registry();
            RegisteredModel model = registry.getRegisteredModel(name);
            List<ModelVersion> versions = versions(registry, name);
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                result.set("registered_model", RegistryJson.toJson(model));
                ArrayNode array = result.putArray("model_versions");
                versions.forEach(version -> array.add(RegistryJson.toJson(version)));
                TrackingCommand.printJson(out, result);
                return 0;
            }
            out.printf("Registered model: %s%n", model.name());
            out.printf("  Description:   %s%n", model.description().filter(text -> !text.isEmpty()).orElse("(none)"));
            out.printf("  Created:       %s%n", format.time(model.creationTimestamp()));
            out.printf("  Last updated:  %s%n", format.time(model.lastUpdatedTimestamp()));
            out.printf("  Aliases:       %s%n", model.aliases().isEmpty() ? "(none)" : aliases(model.aliases()));
            out.printf("  Versions:      %d%n", versions.size());
            if (!model.tags().isEmpty()) {
                out.println();
                TextTable tags = new TextTable("TAG", "VALUE");
                model.tags().forEach(tag -> tags.add(tag.key(), tag.value()));
                tags.print(out);
            }
            if (!versions.isEmpty()) {
                out.println();
                versionTable(versions, format).print(out);
            }
            return 0;
        }
    }

    @Command(name = "versions", description = "List a registered model's versions, newest first.")
    static final class Versions extends ModelCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
        String name;

        Versions(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            RegistryClient registry = connection().client().registry();
            registry.getRegisteredModel(name);
            List<ModelVersion> versions = versions(registry, name);
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                ArrayNode array = result.putArray("model_versions");
                versions.forEach(version -> array.add(RegistryJson.toJson(version)));
                TrackingCommand.printJson(out, result);
                return 0;
            }
            if (versions.isEmpty()) {
                out.printf("Registered model '%s' has no versions.%n", name);
                return 0;
            }
            versionTable(versions, format).print(out);
            return 0;
        }
    }

    @Command(name = "alias", description = "Set or delete an alias (such as champion) of a registered model.",
            subcommands = {Alias.Set.class, Alias.Remove.class})
    static final class Alias {
        private Alias() {}

        @Command(name = "set", description = "Point an alias at a version, moving it from any other version.")
        static final class Set extends ModelCommand {
            @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
            String name;

            @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias, such as champion.")
            String alias;

            @Parameters(index = "2", paramLabel = "VERSION", description = "The version number.")
            long version;

            Set(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                RegistryClient registry = connection().client().registry();
                registry.setAlias(name, alias, version);
                if (json) {
                    TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().put("name", name)
                            .put("alias", alias).put("version", String.valueOf(version)));
                } else {
                    out.printf("%s@%s -> version %d%n", name, alias, version);
                }
                return 0;
            }
        }

        @Command(name = "delete", description = "Delete an alias.")
        static final class Remove extends ModelCommand {
            @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
            String name;

            @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.")
            String alias;

            Remove(Environment environment) {
                super(environment);
            }

            @Override
            int run(PrintWriter out) {
                RegistryClient registry = connection().client().registry();
                registry.getModelVersionByAlias(name, alias);
                registry.deleteAlias(name, alias);
                if (json) {
                    TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().put("name", name)
                            .put("alias", alias).put("deleted", true));
                } else {
                    out.printf("Deleted alias %s@%s%n", name, alias);
                }
                return 0;
            }
        }
    }

    @Command(name = "transition", description = "Move a version to a stage (None, Staging, Production, Archived).")
    static final class Transition extends ModelCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION", description = "The version number.")
        long version;

        @Parameters(index = "2", paramLabel = "STAGE", description = "None, Staging, Production or Archived.")
        String stage;

        @Option(names = "--archive-existing", description = "Archive the model's other versions in that stage.")
        boolean archiveExisting;

        Transition(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            ModelVersionStage target = ModelVersionStage.parse(stage);
            ModelVersion moved = connection().client().registry().transitionModelVersionStage(name, version, target,
                    archiveExisting);
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode();
                result.set("model_version", RegistryJson.toJson(moved));
                TrackingCommand.printJson(out, result);
            } else {
                out.printf("%s version %d is now in stage %s%n", name, version, moved.currentStage().wireName());
            }
            return 0;
        }
    }

    @Command(name = "download", description = "Download a model's files (models:/name/3, models:/name@alias, "
            + "runs:/<run_id>/path, mlflow-artifacts:/...) into a folder.")
    static final class Download extends ModelCommand {
        @Parameters(index = "0", paramLabel = "MODEL_URI", description = "The model to download.")
        String modelUri;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
                description = "The folder to write the model into; it must not exist or be empty.")
        Path output;

        Download(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) throws IOException {
            Path target = environment.workingDirectory().resolve(output).normalize();
            if (Files.exists(target) && (!Files.isDirectory(target) || hasEntries(target))) {
                throw SlipwayException.invalidParameter("'%s' already exists and is not an empty folder", target);
            }
            ModelResolver resolver = resolver(modelUri);
            ModelResolver.ResolvedModel model = resolver.resolve(modelUri);
            Path staging = Files.createTempDirectory(target.toAbsolutePath().getParent() == null
                    ? environment.workingDirectory() : createParent(target), ".download-");
            try {
                Path folder = resolver.localFolder(model, staging);
                if (folder.equals(staging)) {
                    Files.deleteIfExists(target);
                    Files.move(staging, target);
                } else {
                    copyTree(folder, target);
                }
            } finally {
                ModelResolver.deleteDownload(staging);
            }
            if (json) {
                TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().put("model_uri", modelUri)
                        .put("source", model.location()).put("path", target.toString()));
            } else {
                out.printf("Downloaded %s to %s%n", modelUri, target);
            }
            return 0;
        }

        private static Path createParent(Path target) throws IOException {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return parent;
        }

        private static boolean hasEntries(Path folder) throws IOException {
            try (var entries = Files.list(folder)) {
                return entries.findAny().isPresent();
            }
        }

        private static void copyTree(Path from, Path to) throws IOException {
            try (var paths = Files.walk(from)) {
                for (Path source : (Iterable<Path>) paths::iterator) {
                    Path destination = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(source, destination);
                    }
                }
            }
        }
    }

    @Command(name = "delete", description = "Delete a registered model with all its versions, or one version.")
    static final class Delete extends ModelCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The registered model's name.")
        String name;

        @Option(names = "--version", paramLabel = "N", description = "Delete only this version (its number is never "
                + "reused; its aliases are removed).")
        Optional<Long> version = Optional.empty();

        Delete(Environment environment) {
            super(environment);
        }

        @Override
        int run(PrintWriter out) {
            RegistryClient registry = connection().client().registry();
            if (version.isPresent()) {
                registry.deleteModelVersion(name, version.get());
            } else {
                registry.deleteRegisteredModel(name);
            }
            if (json) {
                ObjectNode result = TrackingCommand.json().createObjectNode().put("name", name).put("deleted", true);
                version.ifPresent(number -> result.put("version", String.valueOf(number)));
                TrackingCommand.printJson(out, result);
            } else if (version.isPresent()) {
                out.printf("Deleted version %d of registered model '%s'%n", version.get(), name);
            } else {
                out.printf("Deleted registered model '%s' and its versions%n", name);
            }
            return 0;
        }
    }

    static List<ModelVersion> versions(RegistryClient registry, String name) {
        String filter = "name = '" + name.replace("'", "''") + "'";
        return registry.searchAllModelVersions(Optional.of(filter), List.of(VERSION_ORDER)).stream()
                .sorted(Comparator.comparingLong(ModelVersion::version).reversed()).toList();
    }

    static TextTable versionTable(List<ModelVersion> versions, HumanFormat format) {
        TextTable table = new TextTable("VERSION", "STAGE", "ALIASES", "CREATED", "RUN ID", "SOURCE");
        for (ModelVersion version : versions) {
            table.add(String.valueOf(version.version()), version.currentStage().wireName(),
                    String.join(", ", version.aliases()), format.time(version.creationTimestamp()),
                    version.runId().orElse("-"), version.source());
        }
        return table;
    }

    private static String aliases(List<ModelAlias> aliases) {
        return aliases.stream().sorted(Comparator.comparing(ModelAlias::alias))
                .map(alias -> alias.alias() + "=v" + alias.version()).collect(Collectors.joining(", "));
    }
}
