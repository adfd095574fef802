package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingJson;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.LifecycleStage;
import dev.slipway.core.tracking.Tag;
import dev.slipway.core.tracking.ViewType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway experiments create|list|show|delete|restore}. */
@Command(name = "experiments", description = "Create, list, show, delete and restore experiments.",
        subcommands = {ExperimentsCommand.Create.class, ExperimentsCommand.ListExperiments.class,
                ExperimentsCommand.Show.class, ExperimentsCommand.Delete.class, ExperimentsCommand.Restore.class})
final class ExperimentsCommand {

    /** Which experiments a listing shows. */
    enum View {
        ACTIVE(ViewType.ACTIVE_ONLY),
        DELETED(ViewType.DELETED_ONLY),
        ALL(ViewType.ALL);

        final ViewType viewType;

        View(ViewType viewType) {
            this.viewType = viewType;
        }
    }

    /** Names one experiment: by id (positional or -x) or by name (-n). */
    static final class ExperimentTarget {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The experiment's id.")
        Optional<String> positionalId = Optional.empty();

        @Option(names = {"-x", "--experiment-id"}, paramLabel = "ID", description = "The experiment's id.")
        Optional<String> experimentId = Optional.empty();

        @Option(names = {"-n", "--experiment-name"}, paramLabel = "NAME", description = "The experiment's name.")
        Optional<String> experimentName = Optional.empty();

        void validate(TrackingCommand command) {
            int given = (positionalId.isPresent() ? 1 : 0) + (experimentId.isPresent() ? 1 : 0)
                    + (experimentName.isPresent() ? 1 : 0);
            if (given != 1) {
                throw command.usageError("Name exactly one experiment: by ID, --experiment-id ID or --experiment-name NAME");
            }
        }

        Experiment resolve(TrackingBackend backend) {
            if (experimentName.isPresent()) {
                return backend.getExperimentByName(experimentName.get());
            }
            return backend.getExperiment(positionalId.or(() -> experimentId).orElseThrow());
        }
    }

    @Command(name = "create", description = "Create an experiment and print its id.")
    static final class Create extends TrackingCommand {
        @Option(names = {"-n", "--experiment-name", "--name"}, required = true, paramLabel = "NAME",
                description = "The new experiment's name (unique, also among deleted experiments).")
        String name;

        @Option(names = {"-l", "--artifact-location"}, paramLabel = "URI", description = {
                "Where the experiment's run artifacts go (a path, file:///..., or mlflow-artifacts:/...).",
                "Default: the tracking server's default artifact root + /<id>."})
        Optional<String> artifactLocation = Optional.empty();

        @Option(names = {"-t", "--tag"}, paramLabel = "KEY=VALUE", description = "A tag of the experiment; repeatable.")
        Map<String, String> tags = new LinkedHashMap<>();

        Create(Environment environment) {
            super(environment);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            List<Tag> tagList = new ArrayList<>();
            tags.forEach((key, value) -> tagList.add(new Tag(key, value)));
            String experimentId = backend.createExperiment(name, artifactLocation, tagList);
            if (json) {
                printJson(out, json().createObjectNode().put("experiment_id", experimentId));
            } else {
                out.printf("Created experiment '%s' with id %s%n", name, experimentId);
            }
        }
    }

    @Command(name = "list", description = "List experiments, newest first.")
    static final class ListExperiments extends TrackingCommand {
        @Option(names = "--view", paramLabel = "VIEW", defaultValue = "active",
                description = "Which experiments: active (default), deleted or all.")
        View view;

        @Option(names = "--filter", paramLabel = "FILTER",
                description = "An MLflow search filter, such as \"name LIKE 'fraud%%'\" or \"tags.team = 'risk'\".")
        Optional<String> filter = Optional.empty();

        @Option(names = "--order-by", paramLabel = "TERM",
                description = "Sort terms such as \"name ASC\" or \"creation_time DESC\"; repeatable.")
        List<String> orderBy = new ArrayList<>();

        @Option(names = "--max-results", paramLabel = "N", description = "List at most N experiments (default: all).")
        Optional<Integer> maxResults = Optional.empty();

        ListExperiments(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            checkMaxResults(maxResults);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            List<Experiment> experiments = collect((pageSize, pageToken) -> backend.searchExperiments(view.viewType,
                    filter, orderBy, Optional.of(pageSize), pageToken), maxResults);
            if (json) {
                ObjectNode result = json().createObjectNode();
                ArrayNode array = result.putArray("experiments");
                experiments.forEach(experiment -> array.add(TrackingJson.toJson(experiment)));
                printJson(out, result);
                return;
            }
            if (experiments.isEmpty()) {
                out.println(view == View.ACTIVE ? "No experiments." : "No " + view.name().toLowerCase(Locale.ROOT) + " experiments.");
                return;
            }
            boolean showStage = view != View.ACTIVE;
            TextTable table = showStage
                    ? new TextTable("ID", "NAME", "STAGE", "CREATED", "LAST UPDATED", "ARTIFACT LOCATION")
                    : new TextTable("ID", "NAME", "CREATED", "LAST UPDATED", "ARTIFACT LOCATION");
            for (Experiment experiment : experiments) {
                if (showStage) {
                    table.add(experiment.experimentId(), experiment.name(), experiment.lifecycleStage().wireName(),
                            format.time(experiment.creationTime()), format.time(experiment.lastUpdateTime()),
                            experiment.artifactLocation());
                } else {
                    table.add(experiment.experimentId(), experiment.name(), format.time(experiment.creationTime()),
                            format.time(experiment.lastUpdateTime()), experiment.artifactLocation());
                }
            }
            table.print(out);
        }
    }

    @Command(name = "show", description = "Show an experiment's details and tags.")
    static final class Show extends TrackingCommand {
        @Mixin
        ExperimentTarget target;

        Show(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            target.validate(this);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            Experiment experiment = target.resolve(backend);
            if (json) {
                ObjectNode result = json().createObjectNode();
                result.set("experiment", TrackingJson.toJson(experiment));
                printJson(out, result);
                return;
            }
            out.printf("Experiment %s: %s%n", experiment.experimentId(), experiment.name());
            out.printf("  Lifecycle stage:    %s%n", experiment.lifecycleStage().wireName());
            out.printf("  Artifact location:  %s%n", experiment.artifactLocation());
            out.printf("  Created:            %s%n", format.time(experiment.creationTime()));
            out.printf("  Last updated:       %s%n", format.time(experiment.lastUpdateTime()));
            if (experiment.tags().isEmpty()) {
                out.println("  Tags:               (none)");
            } else {
                out.println();
                TextTable table = new TextTable("TAG", "VALUE");
                experiment.tags().forEach(tag -> table.add(tag.key(), tag.value()));
                table.print(out);
            }
        }
    }

    @Command(name = "delete", description = "Delete an experiment and its runs (they can be restored).")
    static final class Delete extends TrackingCommand {
        @Mixin
        ExperimentTarget target;

        Delete(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            target.validate(this);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            Experiment experiment = target.resolve(backend);
            backend.deleteExperiment(experiment.experimentId());
            printLifecycleChange(out, json, experiment, LifecycleStage.DELETED);
        }
    }

    @Command(name = "restore", description = "Restore a deleted experiment and its runs.")
    static final class Restore extends TrackingCommand {
        @Mixin
        ExperimentTarget target;

        Restore(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            target.validate(this);
        }

        @Override
        void run(TrackingBackend backend, PrintWriter out) {
            Experiment experiment = target.resolve(backend);
            backend.restoreExperiment(experiment.experimentId());
            printLifecycleChange(out, json, experiment, LifecycleStage.ACTIVE);
        }
    }

    private static void printLifecycleChange(PrintWriter out, boolean json, Experiment experiment, LifecycleStage stage) {
        if (json) {
            TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode()
                    .put("experiment_id", experiment.experimentId())
                    .put("lifecycle_stage", stage.wireName()));
            return;
        }
        switch (stage) {
            case DELETED -> out.printf("Deleted experiment '%s' (id %s); restore it with: slipway experiments restore %s%n",
                    experiment.name(), experiment.experimentId(), experiment.experimentId());
            case ACTIVE -> out.printf("Restored experiment '%s' (id %s)%n", experiment.name(), experiment.experimentId());
        }
    }
}
