package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import dev.slipway.gitops.DeploymentSpec;
import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.DeploymentsRepository.Author;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code slipway gitops agent} end to end: a real tracking server with three registered versions of a real model, a
 * bare Git repository as the deployments repository, the agent as the command runs it, and the model servers it starts
 * as real child processes. The tests run in order on one agent, each leaving the deployment as the next expects.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitopsAgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Author ALICE = new Author("Alice", "alice@example.com");
    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static final String V1 = "models:/churn/1";
    private static final String V2 = "models:/churn/2";
    private static final String V3 = "models:/churn/3";

    @TempDir
    static Path folder;

    private static RunningServer tracking;
    private static TrackingClient client;
    private static Environment environment;
    private static String repoUrl;
    private static DeploymentsRepository writer;
    private static int port;
    private static int agentPort;
    private static ManualStopSignal agentStop;
    private static ExecutorService agentExecutor;
    private static Future<Integer> agentExit;
    private static StringWriter agentOut;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        tracking = RunningServer.onFolder(Files.createDirectories(folder.resolve("server")), "--no-monitors");
        client = tracking.client();
        environment = CliRun.environment(folder, Map.of());
        ModelCommandsTest.writeChurn(folder.resolve("train.csv"), 400, new Random(1));
        train("train.csv");
        train("train.csv");
        // version 3 was trained with a column x3 that clients do not send: every request it answers fails
        List<String> lines = Files.readAllLines(folder.resolve("train.csv"), UTF_8);
        StringBuilder wider = new StringBuilder("x1,x2,x3,color,churn\n");
        for (String line : lines.subList(1, lines.size())) {
            int comma = line.indexOf(',', line.indexOf(',') + 1);
            wider.append(line, 0, comma).append(",0.5").append(line.substring(comma)).append('\n');
        }
        Files.writeString(folder.resolve("wider.csv"), wider);
        train("wider.csv");

        Path bare = folder.resolve("deploy.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        repoUrl = bare.toUri().toString();
        writer = DeploymentsRepository.openRemote(repoUrl, folder.resolve("writer"), Clock.systemUTC());
        writer.init(ALICE);
        port = RunningServer.freePort();
        agentPort = RunningServer.freePort();
        startAgent("--keep-servers");
    }

    @AfterAll
    static void stop() throws Exception {
        if (agentStop != null) {
            agentStop.fire();
            assertThat(agentExit.get(60, TimeUnit.SECONDS)).as(agentOut.toString()).isZero();
            agentExecutor.shutdownNow();
        }
        assertThat(portAnswers(port)).as("the agent stops its model servers when it stops").isFalse();
        if (writer != null) {
            writer.close();
        }
        tracking.close();
    }

    @Test
    @Order(1)
    void convergesAfterACommitAndSwapsVersionsLive() throws Exception {
        writer.promote("prod", DeploymentSpec.of("churn", V1).withPort(port), "Deploy churn 1", ALICE, Optional.empty());

        DeploymentStatus first = await("churn serves version 1", () -> status("churn")
                .filter(s -> s.liveModel().equals(Optional.of(V1)) && s.health() == HealthStatus.HEALTHY && s.sync() == SyncStatus.SYNCED));
        assertThat(first.endpoint()).contains("http://127.0.0.1:" + port);
        assertThat(score(port)).isEqualTo(200);
        assertThat(servedVersion(port)).isEqualTo("1");
        long pid = agentPid("churn");

        writer.promote("prod", DeploymentSpec.of("churn", V2).withPort(port), "Deploy churn 2", ALICE, Optional.empty());
        refresh();

        await("churn serves version 2", () -> status("churn").filter(s -> s.liveModel().equals(Optional.of(V2))
                && s.sync() == SyncStatus.SYNCED));
        assertThat(servedVersion(port)).isEqualTo("2");
        assertThat(agentPid("churn")).as("a live swap, not a restart").isEqualTo(pid);
        assertThat(kinds()).contains("started", "ready", "synced");
    }

    @Test
    @Order(2)
    void aKilledServerComesBack() throws Exception {
        long pid = agentPid("churn");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        await("a new model server", () -> Optional.of(agentPid("churn")).filter(newPid -> newPid > 0 && newPid != pid)
                .flatMap(newPid -> status("churn")).filter(s -> s.health() == HealthStatus.HEALTHY));
        assertThat(score(port)).isEqualTo(200);
        assertThat(servedVersion(port)).isEqualTo("2");
        assertThat(kinds()).contains("restarted");
        assertThat(agentStatus().path("deployments").get(0).path("restarts").asInt()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aRevertInGitRollsBack() throws Exception {
        writer.rollback("prod", Optional.of("churn"), ALICE);
        refresh();

        await("churn back on version 1", () -> status("churn").filter(s -> s.liveModel().equals(Optional.of(V1))));
        assertThat(servedVersion(port)).isEqualTo("1");
    }

    @Test
    @Order(4)
    void aHealthyCanaryIsPromotedInGit() throws Exception {
        try (Traffic traffic = Traffic.to(port)) {
            writer.promote("prod", DeploymentSpec.of("churn", V1).withPort(port).withCanary(Optional.of(canary(V2))),
                    "Canary churn 2", ALICE, Optional.empty());
            refresh();

            await("the canary promoted in Git", () -> writer.deployment("prod", "churn")
                    .filter(spec -> spec.model().equals(V2) && spec.canary().isEmpty()));
            await("churn serves version 2 alone", () -> status("churn").filter(s -> s.liveModel().equals(Optional.of(V2))
                    && s.canary().isEmpty() && s.health() == HealthStatus.HEALTHY));
            assertThat(traffic.failures()).as("no request failed during the rollout").isZero();
        }
        assertThat(writer.history("prod").get(0).message()).startsWith("Promote canary models:/churn/2 in prod/churn")
                .contains("Evidence:");
        List<DeploymentEvent> events = client.deployments().events("prod", Optional.of("churn"), 200);
        assertThat(events).extracting(DeploymentEvent::kind).contains("canary_started", "canary_check", "canary_step", "canary_promoted");
        DeploymentEvent promoted = events.stream().filter(e -> e.kind().equals("canary_promoted")).findFirst().orElseThrow();
        JsonNode evidence = JSON.readTree(promoted.evidenceJson());
        assertThat(evidence.path("commit").asText()).hasSize(40);
        assertThat(evidence.path("error_rate").asDouble()).isZero();
        assertThat(evidence.path("requests").asLong()).isGreaterThanOrEqualTo(20);
    }

    @Test
    @Order(5)
    void aCanaryWhoseCandidateFailsIsRolledBackInGit() throws Exception {
        try (Traffic traffic = Traffic.to(port)) {
            writer.promote("prod", DeploymentSpec.of("churn", V2).withPort(port).withCanary(Optional.of(canary(V3))),
                    "Canary churn 3", ALICE, Optional.empty());
            refresh();

            await("the canary reverted in Git", () -> writer.deployment("prod", "churn")
                    .filter(spec -> spec.model().equals(V2) && spec.canary().isEmpty()));
            assertThat(traffic.failures()).as("the candidate failed the requests it answered").isPositive();
        }
        DeploymentsRepository.Change revert = writer.history("prod").get(0);
        assertThat(revert.subject()).isEqualTo("Revert \"Canary churn 3\"");
        assertThat(revert.message()).contains("The canary analysis failed 2 check(s)").contains("error rate");
        await("all traffic on version 2", () -> status("churn").filter(s -> s.canary().isEmpty()
                && s.liveModel().equals(Optional.of(V2)) && s.health() == HealthStatus.HEALTHY));
        for (int i = 0; i < 20; i++) {
            assertThat(score(port)).isEqualTo(200);
        }
        DeploymentEvent rolledBack = client.deployments().events("prod", Optional.of("churn"), 200).stream()
                .filter(e -> e.kind().equals("canary_reverted")).findFirst().orElseThrow();
        JsonNode evidence = JSON.readTree(rolledBack.evidenceJson());
        assertThat(evidence.path("error_rate").asDouble()).isGreaterThan(0.05);
        assertThat(evidence.path("verdict").asText()).isEqualTo("fail");
    }

    @Test
    @Order(6)
    void aFileThatDoesNotParseLeavesTheLastGoodStateServing() throws Exception {
        commitRaw("envs/prod/churn.yaml", "name: churn\nmodel: models:/churn@champion\nport: " + port + "\n", "Break churn");
        refresh();

        DeploymentStatus degraded = await("churn degraded", () -> status("churn").filter(s -> s.health() == HealthStatus.DEGRADED));
        assertThat(degraded.message()).contains("envs/prod/churn.yaml").contains("names an alias").contains("still serving models:/churn/2");
        assertThat(score(port)).isEqualTo(200);
        assertThat(servedVersion(port)).isEqualTo("2");

        writer.promote("prod", DeploymentSpec.of("churn", "models:/churn/9").withPort(port), "Deploy a version that does not exist",
                ALICE, Optional.empty());
        refresh();
        DeploymentStatus missingVersion = await("churn degraded on an unknown version", () -> status("churn")
                .filter(s -> s.health() == HealthStatus.DEGRADED && s.message().contains("models:/churn/9")));
        assertThat(missingVersion.message()).contains("still serving models:/churn/2");
        assertThat(servedVersion(port)).isEqualTo("2");

        writer.promote("prod", DeploymentSpec.of("churn", V2).withPort(port), "Fix churn", ALICE, Optional.empty());
        refresh();
        await("churn healthy again", () -> status("churn").filter(s -> s.health() == HealthStatus.HEALTHY && s.sync() == SyncStatus.SYNCED));
    }

    @Test
    @Order(7)
    void aChangeOutsideGitIsReportedAndRevertedWithSelfHeal() throws Exception {
        JsonNode servers = JSON.readTree(folder.resolve("agent/servers.json").toFile());
        String token = servers.path("churn").path("token").asText();
        assertThat(token).hasSizeGreaterThan(20);
        HttpResponse<String> changed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slipway/admin/models/churn"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"uri\": \"" + V1 + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);

        DeploymentStatus drifted = await("the drift reported", () -> status("churn").filter(s -> s.sync() == SyncStatus.OUT_OF_SYNC));
        assertThat(drifted.message()).contains("changed outside Git").contains("self_heal is off");
        assertThat(servedVersion(port)).as("left as it is without self_heal").isEqualTo("1");

        writer.update("prod", "churn", spec -> Optional.of(new DeploymentSpec(spec.name(), spec.model(), spec.replicas(), spec.port(),
                spec.resources(), spec.canary(), spec.shadow(), spec.monitors(), true, false)), "Turn on self-heal", ALICE);
        refresh();

        await("healed", () -> status("churn").filter(s -> s.sync() == SyncStatus.SYNCED));
        assertThat(servedVersion(port)).isEqualTo("2");
        assertThat(kinds()).contains("out_of_sync", "healed");
    }

    @Test
    @Order(8)
    void pruneStopsADeploymentRemovedFromGit() throws Exception {
        int secondPort = RunningServer.freePort();
        writer.promote("prod", new DeploymentSpec("churn-b", V1, 1, secondPort, Map.of(), Optional.empty(), Optional.empty(), List.of(),
                false, true), "Deploy churn-b", ALICE, Optional.empty());
        refresh();
        await("churn-b serving", () -> status("churn-b").filter(s -> s.health() == HealthStatus.HEALTHY));
        assertThat(score(secondPort)).isEqualTo(200);

        commitRaw("envs/prod/churn-b.yaml", null, "Remove churn-b");
        refresh();

        await("churn-b pruned", () -> Optional.of(portAnswers(secondPort)).filter(answers -> !answers));
        await("its status removed", () -> status("churn-b").isEmpty() ? Optional.of(true) : Optional.empty());
        assertThat(client.deployments().events("prod", Optional.of("churn-b"), 50)).extracting(DeploymentEvent::kind).contains("pruned");
        assertThat(score(port)).as("the other deployment is untouched").isEqualTo(200);
    }

    @Test
    @Order(9)
    void anUnreachableRepositoryKeepsEverythingServingAndIsRetried() throws Exception {
        Path bare = folder.resolve("deploy.git");
        Path away = folder.resolve("deploy-away.git");
        Files.move(bare, away);
        refresh();

        await("the agent reports the repository unreachable", () -> Optional.of(agentStatus())
                .filter(status -> status.path("repository_error").asText().contains("cannot read the deployments repository")));
        DeploymentStatus status = await("the status says so", () -> status("churn").filter(s -> s.message().contains("cannot read")));
        assertThat(status.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(score(port)).isEqualTo(200);

        Files.move(away, bare);
        writer.promote("prod", new DeploymentSpec("churn", V1, 1, port, Map.of(), Optional.empty(), Optional.empty(), List.of("churn-drift"),
                true, false), "Back to churn 1, watched by churn-drift", ALICE, Optional.empty());
        refresh();
        await("converged after the outage", () -> status("churn").filter(s -> s.liveModel().equals(Optional.of(V1))
                && !s.message().contains("cannot read")));
        assertThat(agentStatus().has("repository_error")).isFalse();
    }

    @Test
    @Order(10)
    void deployStatusAndDiffShowDesiredAgainstLive() throws Exception {
        CliRun status = CliRun.run(environment, "deploy", "status", "--tracking-uri", tracking.uri());
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("ENV", "HEALTH", "prod", "churn", V1, "Synced", "Healthy");
        assertThat(status("churn").orElseThrow().message()).contains("monitors: churn-drift does not exist");

        CliRun detail = CliRun.run(environment, "deploy", "status", "churn", "--env", "prod", "--events", "200", "--tracking-uri", tracking.uri());
        assertThat(detail.exitCode()).as(detail.toString()).isZero();
        assertThat(detail.out()).contains("canary_promoted", "canary_reverted", "restarted");

        CliRun same = CliRun.run(environment, "deploy", "diff", "--repo", repoUrl, "--env", "prod", "--exit-code",
                "--tracking-uri", tracking.uri());
        assertThat(same.exitCode()).as(same.toString()).isZero();
        assertThat(same.out()).contains("what is served matches Git");

        writer.promote("prod", DeploymentSpec.of("fraud", "models:/fraud/4").withPort(RunningServer.freePort()), "Deploy fraud", ALICE,
                Optional.empty());
        CliRun differs = CliRun.run(environment, "deploy", "diff", "--repo", repoUrl, "--env", "prod", "--exit-code", "--json",
                "--tracking-uri", tracking.uri());
        assertThat(differs.exitCode()).as(differs.toString()).isEqualTo(1);
        JsonNode differences = JSON.readTree(differs.out()).path("differences");
        assertThat(differences).anySatisfy(d -> {
            assertThat(d.path("deployment").asText()).isEqualTo("fraud");
            assertThat(d.path("git").asText()).isEqualTo("models:/fraud/4");
        });
    }

    @Test
    @Order(11)
    void anAgentStoppedWithKeepServersLeavesThemToTheNextWhichAdoptsThem() throws Exception {
        long pid = agentPid("churn");
        agentStop.fire();
        assertThat(agentExit.get(60, TimeUnit.SECONDS)).as(agentOut.toString()).isZero();
        agentExecutor.shutdownNow();
        assertThat(score(port)).as("still serving without an agent").isEqualTo(200);
        assertThat(status("churn").orElseThrow().message()).contains("its model server keeps running");

        startAgent();

        await("the new agent adopted the server", () -> status("churn").filter(s -> s.health() == HealthStatus.HEALTHY
                && s.sync() == SyncStatus.SYNCED && s.agent().endsWith(":" + ProcessHandle.current().pid())
                && s.message().startsWith("serving")));
        assertThat(agentPid("churn")).as("the same process").isEqualTo(pid);
        assertThat(score(port)).isEqualTo(200);
    }

    private static DeploymentSpec.Canary canary(String candidate) {
        return new DeploymentSpec.Canary(candidate, List.of(50, 100), Duration.ofSeconds(1),
                new DeploymentSpec.Analysis(OptionalDouble.of(0.05), OptionalDouble.empty(), Map.of()), 2);
    }

    private static void startAgent(String... extra) throws Exception {
        agentStop = new ManualStopSignal();
        Environment agentEnvironment = new Environment(Map.of(), folder.toAbsolutePath(), Clock.systemUTC(), ZoneOffset.UTC, agentStop);
        agentOut = new StringWriter();
        CommandLine commandLine = Main.commandLine(agentEnvironment);
        commandLine.setOut(new PrintWriter(agentOut, true));
        commandLine.setErr(new PrintWriter(agentOut, true));
        agentExecutor = Executors.newSingleThreadExecutor();
        List<String> args = new java.util.ArrayList<>(List.of("gitops", "agent", "--repo", repoUrl, "--env", "prod",
                "--interval", "1s", "--listen", "127.0.0.1:" + agentPort, "--state-dir", "agent", "--tracking-uri", tracking.uri()));
        args.addAll(List.of(extra));
        agentExit = agentExecutor.submit(() -> commandLine.execute(args.toArray(String[]::new)));
        await("the agent's API", () -> {
            try {
                return Optional.of(agentStatus());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    private static void train(String data) {
        CliRun trained = CliRun.run(environment, "train", "--data", data, "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "-e", "churn", "--no-progress", "--tracking-uri", tracking.uri());
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
    }

    private static Optional<DeploymentStatus> status(String name) {
        return client.deployments().get("prod", name);
    }

    private static List<String> kinds() {
        return client.deployments().events("prod", Optional.of("churn"), 500).stream().map(DeploymentEvent::kind).toList();
    }

    private static JsonNode agentStatus() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort
                    + "/api/2.0/slipway/gitops/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long agentPid(String name) {
        for (JsonNode deployment : agentStatus().path("deployments")) {
            if (deployment.path("name").asText().equals(name)) {
                return deployment.path("pid").asLong(-1);
            }
        }
        return -1;
    }

    private static void refresh() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort
                + "/api/2.0/slipway/gitops/refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
    }

    /** Writes (or with null content removes) a file in a plain clone, commits and pushes, as a person editing Git would. */
    private static void commitRaw(String path, String content, String message) throws Exception {
        Path clone = folder.resolve("raw-" + System.nanoTime());
        try (Git git = Git.cloneRepository().setURI(repoUrl).setDirectory(clone.toFile()).call()) {
            if (content == null) {
                git.rm().addFilepattern(path).call();
            } else {
                Files.writeString(clone.resolve(path), content);
                git.add().addFilepattern(path).call();
            }
            git.commit().setMessage(message).setAuthor("Bob", "bob@example.com").setCommitter("Bob", "bob@example.com").call();
            git.push().call();
        }
    }

    private static <T> T await(String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("Timed out waiting for " + what + "; agent status: " + safeAgentStatus() + "\nagent output:\n"
                + agentOut + "\nstatus: " + safeStatus());
    }

    private static String safeAgentStatus() {
        try {
            return agentStatus().toString();
        } catch (RuntimeException | AssertionError e) {
            return e.toString();
        }
    }

    private static String safeStatus() {
        try {
            return client.deployments().list(Optional.of("prod"), Optional.empty()) + "\nevents: "
                    + client.deployments().events("prod", Optional.empty(), 30);
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static boolean portAnswers(int target) {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + "/v2/health/live")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int score(int target) throws Exception {
        return HTTP.send(scoring(target), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpRequest scoring(int target) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + "/invocations")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"dataframe_split\": {\"columns\": [\"x1\", \"x2\", \"color\"], "
                        + "\"data\": [[0.5, -1.2, \"red\"]]}}")).build();
    }

    private static String servedVersion(int target) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target + "/v2/models/churn"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("versions").get(0).asText();
    }

    /** Requests to a model server from a background thread until closed, counting the failed ones. */
    private static final class Traffic implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong failures = new AtomicLong();
        private final Thread thread;

        private Traffic(int target) {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (HTTP.send(scoring(target), HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                        Thread.sleep(5);
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-traffic");
            thread.start();
        }

        static Traffic to(int target) {
            return new Traffic(target);
        }

        long failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
