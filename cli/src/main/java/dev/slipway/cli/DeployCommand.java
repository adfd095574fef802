package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.ModelResolver;
import dev.slipway.client.ModelUri;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.gitops.DeploymentSpec;
import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.DeploymentsRepository.Author;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway deploy ...}: what runs in each environment, as files in a Git repository changed by commits. */
@Command(name = "deploy", description = "GitOps deployments: the model versions each environment serves, kept as "
        + "envs/<env>/<name>.yaml in a Git repository and changed by commits or pull requests.",
        subcommands = {DeployCommand.Init.class, DeployCommand.Promote.class, DeployCommand.History.class,
            DeployCommand.Rollback.class, DeployStatusCommand.class, DeployStatusCommand.Diff.class,
            DeployRenderCommand.class})
final class DeployCommand {
    static final String DEPLOY_REPO = "SLIPWAY_DEPLOY_REPO";

    private DeployCommand() {}

    /**
     * The deployments repository named by {@code --repo}, else {@code $SLIPWAY_DEPLOY_REPO}, else {@code fallback}: a
     * URL as given, a path resolved against the working folder.
     */
    static String location(Optional<String> repo, Environment environment, CommandSpec spec, Optional<Path> fallback) {
        Optional<String> named = repo.map(String::trim).filter(value -> !value.isEmpty())
                .or(() -> environment.variable(DEPLOY_REPO));
        if (named.isPresent()) {
            return DeploymentsRepository.isUrl(named.get()) ? named.get() : environment.resolve(named.get()).toString();
        }
        return fallback.orElseThrow(() -> new ParameterException(spec.commandLine(), "No deployments repository: give "
                + "--repo PATH_OR_URL, set $" + DEPLOY_REPO + ", or run inside a Git repository")).toString();
    }

    /** Where remote deployments repositories are cloned: $XDG_CACHE_HOME/slipway/deployments, else ~/.cache/... */
    static Path cacheRoot(Environment environment) {
        return environment.variable("XDG_CACHE_HOME").map(Path::of)
                .or(() -> environment.variable("HOME").map(home -> Path.of(home, ".cache")))
                .orElse(environment.slipwayDirectory())
                .resolve("slipway").resolve("deployments");
    }

    /** A command on the deployments repository of {@code --repo}. */
    abstract static class RepositoryCommand implements Callable<Integer> {
        @Option(names = "--repo", paramLabel = "PATH_OR_URL", description = {"The deployments repository: a local "
                + "folder or a Git URL (cloned into a cache folder, pushed to).",
                "Default: $" + DEPLOY_REPO + ", else the Git repository of the current folder."})
        Optional<String> repo = Optional.empty();

        @Spec
        CommandSpec spec;

        final Environment environment;

        RepositoryCommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (DeploymentsRepository repository = DeploymentsRepository.open(location(), cacheRoot(), environment.clock())) {
                return run(repository, out);
            } finally {
                out.flush();
            }
        }

        abstract int run(DeploymentsRepository repository, PrintWriter out) throws IOException;

        /** The repository named by --repo, else $SLIPWAY_DEPLOY_REPO, else the enclosing Git repository. */
        String location() {
            return DeployCommand.location(repo, environment, spec, defaultLocation());
        }

        Optional<Path> defaultLocation() {
            return DeploymentsRepository.enclosingWorkTree(environment.workingDirectory());
        }

        Path cacheRoot() {
            return DeployCommand.cacheRoot(environment);
        }

        /** $GIT_AUTHOR_NAME and $GIT_AUTHOR_EMAIL, else Git's user.name and user.email, else $USER. */
        Author author(DeploymentsRepository repository) {
            Optional<String> name = environment.variable("GIT_AUTHOR_NAME");
            if (name.isEmpty()) {
                Optional<Author> configured = repository.configuredAuthor();
                if (configured.isPresent()) {
                    return configured.get();
                }
            }
            String who = name.or(() -> environment.variable("USER")).orElse("slipway");
            return new Author(who, environment.variable("GIT_AUTHOR_EMAIL").orElse(who + "@localhost"));
        }
    }

    @Command(name = "init", description = "Create the layout envs/<env>/<name>.yaml (with a README) in a first commit; "
            + "a folder that is not a Git repository yet becomes one.")
    static final class Init extends RepositoryCommand {
        Init(Environment environment) {
            super(environment);
        }

        @Override
        Optional<Path> defaultLocation() {
            return super.defaultLocation().or(() -> Optional.of(environment.workingDirectory()));
        }

        @Override
        int run(DeploymentsRepository repository, PrintWriter out) {
            String commit = repository.init(author(repository));
            out.printf("Initialised deployments repository %s (commit %s)%n", location(), commit.substring(0, 8));
            return 0;
        }
    }

    @Command(name = "promote", sortOptions = false, description = {"Deploy a model version to an environment: write "
            + "envs/<env>/<name>.yaml (keeping the other fields of an existing one) and commit it, with the version's "
            + "gate report in the commit message; pushed when the repository is a URL.",
            "An alias (models:/churn@champion) is resolved to its version through the tracking server, so the Git "
                    + "diff is the model change."})
    static final class Promote extends RepositoryCommand {
        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL_URI",
                description = "models:/NAME/VERSION, or models:/NAME@ALIAS resolved through the tracking server.")
        String model;

        @Option(names = "--env", required = true, description = "The environment, e.g. prod.")
        String env;

        @Option(names = "--name", description = "The deployment's name (a DNS-1123 label). Default: the model's name.")
        Optional<String> name = Optional.empty();

        @Option(names = "--port", description = "The port it serves on. Default: the existing one, else 8080.")
        Optional<Integer> port = Optional.empty();

        @Option(names = "--replicas", description = "How many servers. Default: the existing number, else 1.")
        Optional<Integer> replicas = Optional.empty();

        @Option(names = "--branch", paramLabel = "BRANCH",
                description = "Commit on this new branch (and push it) for a pull request, instead of the default branch.")
        Optional<String> branch = Optional.empty();

        @Option(names = "--canary", description = "Make the version the canary candidate of the existing deployment (the "
                + "GitOps agent walks it through its steps, then promotes or reverts it) instead of its model.")
        boolean asCanary;

        @Option(names = "--shadow", description = "Make the version the shadow of the existing deployment (it scores a "
                + "copy of every request; its answers are logged, not returned).")
        boolean asShadow;

        @Option(names = "--steps", paramLabel = "PERCENTS", split = ",", description = "With --canary: traffic weights in "
                + "percent, increasing (default: the existing canary's, else 10,25,50,100).")
        List<Integer> steps = new ArrayList<>();

        @Option(names = "--pause", paramLabel = "DURATION", description = "With --canary: how long each step lasts (default: "
                + "the existing canary's, else 5m).")
        Optional<String> pause = Optional.empty();

        @Option(names = "--max-error-rate", paramLabel = "RATE", description = "With --canary: the largest share of the "
                + "candidate's requests that may fail, 0-1.")
        Optional<Double> maxErrorRate = Optional.empty();

        @Option(names = "--max-p99-ms", paramLabel = "MILLIS", description = "With --canary: the largest p99 latency.")
        Optional<Double> maxP99Millis = Optional.empty();

        @Option(names = "--min-quality", paramLabel = "METRIC=VALUE", description = "With --canary: a lower bound on the "
                + "candidate's live quality from feedback (accuracy=0.8); repeatable.")
        Map<String, Double> minQuality = new LinkedHashMap<>();

        @Option(names = "--failure-limit", paramLabel = "N", description = "With --canary: failed checks before the "
                + "canary is rolled back (default: the existing canary's, else 3).")
        Optional<Integer> failureLimit = Optional.empty();

        @Mixin
        TrackingOptions trackingOptions;

        Promote(Environment environment) {
            super(environment);
        }

        @Override
        int run(DeploymentsRepository repository, PrintWriter out) throws IOException {
            ModelUri uri = ModelUri.parse(model);
            String pinned;
            Optional<String> report = Optional.empty();
            if (uri instanceof ModelUri.RegistryVersion version) {
                pinned = "models:/" + version.name() + "/" + version.version();
                if (trackingConfigured()) {
                    try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
                        report = gateReport(connection, model);
                    }
                }
            } else if (uri instanceof ModelUri.RegistryAlias || uri instanceof ModelUri.RegistryLatest) {
                try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
                    ModelVersion version = resolve(connection, model);
                    pinned = "models:/" + version.name() + "/" + version.version();
                    report = gateReport(connection, model);
                }
            } else {
                throw new ParameterException(spec.commandLine(), String.format(
                        "--model '%s' is not a registered model version: use models:/NAME/VERSION or models:/NAME@ALIAS", model));
            }
            String modelName = pinned.substring("models:/".length(), pinned.lastIndexOf('/'));
            String deployment = name.orElse(modelName);
            if (asCanary && asShadow) {
                throw new ParameterException(spec.commandLine(), "Give --canary or --shadow, not both");
            }
            boolean canaryOptions = !steps.isEmpty() || pause.isPresent() || maxErrorRate.isPresent() || maxP99Millis.isPresent()
                    || !minQuality.isEmpty() || failureLimit.isPresent();
            if (canaryOptions && !asCanary) {
                throw new ParameterException(spec.commandLine(), "--steps, --pause, --max-error-rate, --max-p99-ms, --min-quality "
                        + "and --failure-limit go with --canary");
            }
            Optional<DeploymentSpec> current = repository.deployment(env, deployment);
            DeploymentSpec spec;
            String subject;
            if (asCanary || asShadow) {
                DeploymentSpec existing = current.orElseThrow(() -> new ParameterException(this.spec.commandLine(), String.format(
                        "%s/%s is not deployed yet: promote a stable version first, then its %s", env, deployment,
                        asCanary ? "canary" : "shadow")));
                if (asCanary) {
                    spec = existing.withCanary(Optional.of(canary(existing, pinned)));
                    DeploymentSpec.Canary canary = spec.canary().orElseThrow();
                    subject = "Canary " + pinned + " in " + env + "/" + deployment + " (steps " + canary.steps() + " every "
                            + Durations.text(canary.pause()) + ")";
                } else {
                    spec = existing.withShadow(Optional.of(pinned));
                    subject = "Shadow " + pinned + " in " + env + "/" + deployment;
                }
            } else {
                spec = current.map(existing -> existing.withModel(pinned)).orElseGet(() -> DeploymentSpec.of(deployment, pinned));
                subject = "Deploy " + pinned + " to " + env + "/" + deployment;
            }
            if (port.isPresent()) {
                spec = spec.withPort(port.get());
            }
            if (replicas.isPresent()) {
                spec = spec.withReplicas(replicas.get());
            }
            String message = subject + (model.equals(pinned) ? "" : "\n\nResolved from " + model + ".")
                    + report.map(text -> "\n\n" + text.strip()).orElse("");
            Optional<String> commit = repository.promote(env, spec, message, author(repository), branch);
            if (commit.isEmpty()) {
                out.printf("%s/%s already serves %s: nothing to commit%n", env, deployment, pinned);
            } else {
                out.printf("%s (commit %s%s)%n", subject, commit.get().substring(0, 8),
                        branch.map(b -> " on branch " + b + ": open a pull request from it").orElse(""));
            }
            return 0;
        }

        private DeploymentSpec.Canary canary(DeploymentSpec existing, String candidate) {
            Optional<DeploymentSpec.Canary> before = existing.canary();
            DeploymentSpec.Analysis previous = before.map(DeploymentSpec.Canary::analysis).orElse(DeploymentSpec.Analysis.NONE);
            DeploymentSpec.Analysis analysis = new DeploymentSpec.Analysis(
                    maxErrorRate.map(OptionalDouble::of).orElse(previous.maxErrorRate()),
                    maxP99Millis.map(OptionalDouble::of).orElse(previous.maxP99Millis()),
                    minQuality.isEmpty() ? previous.minQuality() : minQuality);
            return new DeploymentSpec.Canary(candidate,
                    steps.isEmpty() ? before.map(DeploymentSpec.Canary::steps).orElse(DeploymentSpec.Canary.DEFAULT_STEPS) : steps,
                    pause.map(text -> DeploymentSpec.parseDuration(text.trim(), "--pause"))
                            .orElse(before.map(DeploymentSpec.Canary::pause).orElse(DeploymentSpec.Canary.DEFAULT_PAUSE)),
                    analysis,
                    failureLimit.orElse(before.map(DeploymentSpec.Canary::failureLimit).orElse(DeploymentSpec.Canary.DEFAULT_FAILURE_LIMIT)));
        }

        private boolean trackingConfigured() {
            return trackingOptions.trackingUri.isPresent() || environment.variable(TrackingOptions.MLFLOW_TRACKING_URI).isPresent()
                    || environment.variable(TrackingOptions.SLIPWAY_TRACKING_URI).isPresent()
                    || Files.exists(environment.slipwayDirectory().resolve("slipway.db"));
        }

        private static ModelVersion resolve(ServerConnection connection, String modelUri) {
            ModelResolver.ResolvedModel resolved = new ModelResolver(Optional.of(connection.client())).resolve(modelUri);
            return resolved.version().orElseThrow(() -> SlipwayException.invalidParameter(
                    "'%s' is not a registered model version", modelUri));
        }

        /** The ci-report.md of the version's source run, if it has one. */
        private static Optional<String> gateReport(ServerConnection connection, String modelUri) {
            ModelVersion version;
            try {
                version = resolve(connection, modelUri);
            } catch (SlipwayException e) {
                return Optional.empty();
            }
            Optional<String> runId = version.runId().filter(id -> !id.isEmpty());
            if (runId.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = connection.client().openRunArtifact(runId.get(), "ci-report.md")) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (SlipwayException | IOException e) {
                return Optional.empty();
            }
        }
    }

    @Command(name = "history", description = "The changes to an environment, newest first: commit, author, time, "
            + "deployments changed and message.")
    static final class History extends RepositoryCommand {
        @Option(names = "--env", required = true, description = "The environment, e.g. prod.")
        String env;

        @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
        boolean json;

        History(Environment environment) {
            super(environment);
        }

        @Override
        int run(DeploymentsRepository repository, PrintWriter out) throws IOException {
            var changes = repository.history(env);
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (var change : changes) {
                    ObjectNode node = array.addObject();
                    node.put("commit", change.commitId());
                    node.put("author", change.author());
                    node.put("time", change.time().toString());
                    node.put("message", change.message());
                    change.deployments().forEach(node.putArray("deployments")::add);
                }
                out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(array));
                return 0;
            }
            if (changes.isEmpty()) {
                out.printf("No changes to envs/%s/ yet%n", env);
                return 0;
            }
            HumanFormat format = new HumanFormat(environment.zone());
            TextTable table = new TextTable("COMMIT", "AUTHOR", "TIME", "DEPLOYMENTS", "MESSAGE");
            for (var change : changes) {
                table.add(change.shortId(), change.author(), format.time(change.time().toEpochMilli()),
                        String.join(", ", change.deployments()), change.subject());
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "rollback", description = "Revert the last change to an environment (or to one deployment) with a "
            + "revert commit; pushed when the repository is a URL.")
    static final class Rollback extends RepositoryCommand {
        @Option(names = "--env", required = true, description = "The environment, e.g. prod.")
        String env;

        @Option(names = "--name", description = "Only the last change to this deployment.")
        Optional<String> name = Optional.empty();

        Rollback(Environment environment) {
            super(environment);
        }

        @Override
        int run(DeploymentsRepository repository, PrintWriter out) {
            var change = repository.rollback(env, name, author(repository));
            out.printf("%s (commit %s)%n", change.subject(), change.shortId());
            return 0;
        }
    }
}
