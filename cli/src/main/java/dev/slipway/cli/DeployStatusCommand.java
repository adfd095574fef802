package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.gitops.DeploymentSpec;
import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.DeploymentsRepository.DesiredState;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway deploy status}: what the GitOps agents report for each deployment, from the tracking server; and
 * {@code slipway deploy diff}: the desired state in Git against it.
 */
@Command(name = "status", sortOptions = false, description = {"The status of each deployment as its GitOps agent "
        + "reports it to the tracking server: the model it serves, the canary and its weight, Synced/OutOfSync and "
        + "Healthy/Progressing/Degraded/Suspended/Missing.",
        "With a NAME: that deployment and its latest decisions, with their evidence."})
final class DeployStatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "One deployment: show it with its latest events.")
    Optional<String> name = Optional.empty();

    @Option(names = "--env", description = "Only this environment (required with NAME).")
    Optional<String> env = Optional.empty();

    @Option(names = "--events", paramLabel = "N", defaultValue = "20", description = "With NAME: how many of the latest "
            + "events to show (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--json", description = "Print JSON for scripts instead of tables.")
    boolean json;

    @Mixin
    TrackingOptions trackingOptions;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    DeployStatusCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (name.isPresent() && env.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Give --env with a deployment NAME");
        }
        if (events < 1 || events > 1000) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--events must be in 1..1000, got " + events);
        }
        try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
            var deployments = connection.client().deployments();
            if (name.isPresent()) {
                Optional<DeploymentStatus> status = deployments.get(env.get(), name.get());
                List<DeploymentEvent> recent = deployments.events(env.get(), name, events);
                if (status.isEmpty() && recent.isEmpty()) {
                    throw dev.slipway.core.SlipwayException.notFound("No GitOps agent has reported deployment %s/%s to %s",
                            env.get(), name.get(), connection.location());
                }
                if (json) {
                    ObjectNode root = TrackingCommand.json().createObjectNode();
                    status.ifPresent(s -> root.set("deployment", statusJson(s)));
                    ArrayNode array = root.putArray("events");
                    recent.forEach(event -> array.add(eventJson(event)));
                    print(out, root);
                    return 0;
                }
                HumanFormat format = new HumanFormat(environment.zone());
                status.ifPresent(s -> {
                    TextTable table = new TextTable("FIELD", "VALUE");
                    table.add("deployment", s.env() + "/" + s.name());
                    table.add("model (Git)", s.model());
                    table.add("serving", s.liveModel().orElse("-"));
                    table.add("canary", s.canary().map(c -> c + " at " + s.canaryWeight() + "%"
                            + s.canaryStep().map(step -> ", step " + step).orElse("")).orElse("-"));
                    table.add("sync", s.sync().wireName());
                    table.add("health", s.health().wireName());
                    table.add("endpoint", s.endpoint().orElse("-"));
                    table.add("revision", s.revision().map(r -> r.substring(0, Math.min(8, r.length()))).orElse("-"));
                    table.add("agent", s.agent());
                    table.add("updated", format.time(s.updatedTime()));
                    table.add("message", s.message());
                    table.print(out);
                });
                if (!recent.isEmpty()) {
                    out.println();
                    TextTable table = new TextTable("TIME", "EVENT", "MESSAGE");
                    for (DeploymentEvent event : recent) {
                        table.add(format.time(event.time()), event.kind(), oneLine(event.message()));
                    }
                    table.print(out);
                }
                return 0;
            }
            List<DeploymentStatus> statuses = deployments.list(env, Optional.empty());
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                statuses.forEach(status -> array.add(statusJson(status)));
                print(out, array);
                return 0;
            }
            if (statuses.isEmpty()) {
                out.printf("No GitOps agent has reported a deployment%s to %s yet (start one: slipway gitops agent --env ENV)%n",
                        env.map(e -> " of " + e).orElse(""), connection.location());
                return 0;
            }
            HumanFormat format = new HumanFormat(environment.zone());
            TextTable table = new TextTable("ENV", "NAME", "MODEL", "CANARY", "SYNC", "HEALTH", "ENDPOINT", "UPDATED", "MESSAGE");
            for (DeploymentStatus status : statuses) {
                table.add(status.env(), status.name(), status.liveModel().orElse("-") + (status.liveModel().equals(Optional.of(status.model()))
                                ? "" : " (Git: " + status.model() + ")"),
                        status.canary().map(c -> c + " " + status.canaryWeight() + "%").orElse("-"), status.sync().wireName(),
                        status.health().wireName(), status.endpoint().orElse("-"), format.time(status.updatedTime()),
                        oneLine(status.message()));
            }
            table.print(out);
            return 0;
        } finally {
            out.flush();
        }
    }

    static ObjectNode statusJson(DeploymentStatus status) {
        ObjectNode node = TrackingCommand.json().createObjectNode();
        node.put("env", status.env());
        node.put("name", status.name());
        node.put("model", status.model());
        status.liveModel().ifPresent(model -> node.put("live_model", model));
        status.canary().ifPresent(canary -> node.put("canary", canary));
        node.put("canary_weight", status.canaryWeight());
        status.canaryStep().ifPresent(step -> node.put("canary_step", step));
        node.put("sync", status.sync().wireName());
        node.put("health", status.health().wireName());
        node.put("message", status.message());
        status.endpoint().ifPresent(endpoint -> node.put("endpoint", endpoint));
        status.revision().ifPresent(revision -> node.put("revision", revision));
        node.put("agent", status.agent());
        node.put("updated_time", status.updatedTime());
        return node;
    }

    private static ObjectNode eventJson(DeploymentEvent event) {
        ObjectNode node = TrackingCommand.json().createObjectNode();
        node.put("time", event.time());
        node.put("kind", event.kind());
        node.put("message", event.message());
        event.revision().ifPresent(revision -> node.put("revision", revision));
        try {
            node.set("evidence", TrackingCommand.json().readTree(event.evidenceJson()));
        } catch (IOException e) {
            node.put("evidence", event.evidenceJson());
        }
        return node;
    }

    private static String oneLine(String text) {
        String line = text.replace('\n', ' ').strip();
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }

    private static void print(PrintWriter out, JsonNode node) throws IOException {
        out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** {@code slipway deploy diff}: Git's desired state of an environment against what its agent reports serving. */
    @Command(name = "diff", sortOptions = false, description = {"Show the desired state of an environment (the head of "
            + "the deployments repository) against what its GitOps agent reports serving: model versions, canaries, "
            + "ports, deployments not deployed yet or removed from Git, files that do not parse."})
    static final class Diff extends DeployCommand.RepositoryCommand {
        @Option(names = "--env", required = true, description = "The environment, e.g. prod.")
        String env;

        @Option(names = "--exit-code", description = "Exit with 1 when there are differences (as git diff --exit-code).")
        boolean exitCode;

        @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
        boolean json;

        @Mixin
        TrackingOptions trackingOptions;

        Diff(Environment environment) {
            super(environment);
        }

        /** One difference: the deployment, what differs, Git's value and the live one. */
        record Difference(String deployment, String field, String git, String live) {}

        @Override
        int run(DeploymentsRepository repository, PrintWriter out) throws IOException {
            DesiredState desired = repository.desired(env);
            List<DeploymentStatus> statuses;
            String location;
            try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
                statuses = connection.client().deployments().list(Optional.of(env), Optional.empty());
                location = connection.location();
            }
            Map<String, DeploymentStatus> live = new TreeMap<>();
            statuses.forEach(status -> live.put(status.name(), status));
            List<Difference> differences = new ArrayList<>();
            desired.errors().forEach((path, error) -> differences.add(new Difference(path, "file", "does not parse: " + error,
                    "keeps its last good state")));
            for (DeploymentSpec spec : desired.deployments()) {
                DeploymentStatus status = live.remove(spec.name());
                if (status == null) {
                    differences.add(new Difference(spec.name(), "deployment", spec.replicas() == 0 ? "replicas: 0" : spec.model(),
                            "not deployed (no agent reported it)"));
                    continue;
                }
                String serving = status.liveModel().orElse("not serving (" + status.health().wireName() + ")");
                if (spec.replicas() > 0 && !status.liveModel().equals(Optional.of(spec.model()))) {
                    differences.add(new Difference(spec.name(), "model", spec.model(), serving));
                }
                String gitCanary = spec.canary().map(c -> c.candidate() + " in steps " + c.steps()).orElse("none");
                String liveCanary = status.canary().map(c -> c + " at " + status.canaryWeight() + "%").orElse("none");
                if (!spec.canary().map(c -> c.candidate()).equals(status.canary())) {
                    differences.add(new Difference(spec.name(), "canary", gitCanary, liveCanary));
                }
                Optional<Integer> livePort = status.endpoint().map(endpoint -> URI.create(endpoint).getPort());
                if (spec.replicas() > 0 && livePort.isPresent() && livePort.get() != spec.port()) {
                    differences.add(new Difference(spec.name(), "port", Integer.toString(spec.port()), livePort.get().toString()));
                }
                if (spec.replicas() == 0 && status.liveModel().isPresent()) {
                    differences.add(new Difference(spec.name(), "replicas", "0", "serving " + serving));
                }
            }
            live.values().forEach(status -> differences.add(new Difference(status.name(), "deployment", "removed",
                    status.liveModel().map(model -> "serving " + model).orElse(status.health().wireName()))));
            if (json) {
                ObjectNode root = TrackingCommand.json().createObjectNode();
                root.put("env", env);
                desired.commitId().ifPresent(commit -> root.put("revision", commit));
                ArrayNode array = root.putArray("differences");
                for (Difference difference : differences) {
                    array.addObject().put("deployment", difference.deployment()).put("field", difference.field())
                            .put("git", difference.git()).put("live", difference.live());
                }
                out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else if (differences.isEmpty()) {
                out.printf("envs/%s/ at %s: what is served matches Git (%d deployment(s), reported to %s)%n", env,
                        desired.commitId().map(id -> id.substring(0, 8)).orElse("(no commit)"), desired.deployments().size(), location);
            } else {
                out.printf("envs/%s/ at %s against what its agent reports (%s):%n", env,
                        desired.commitId().map(id -> id.substring(0, 8)).orElse("(no commit)"), location);
                TextTable table = new TextTable("DEPLOYMENT", "FIELD", "GIT", "LIVE");
                differences.forEach(d -> table.add(d.deployment(), d.field(), oneLine(d.git()), oneLine(d.live())));
                table.print(out);
            }
            return exitCode && !differences.isEmpty() ? 1 : 0;
        }
    }
}
