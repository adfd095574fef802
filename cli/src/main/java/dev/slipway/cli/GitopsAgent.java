package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.cli.ManagedServer.Serving;
import dev.slipway.client.PredictionLogClient.QualityWindow;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import dev.slipway.gitops.CanaryAnalysis;
import dev.slipway.gitops.CanaryAnalysis.Check;
import dev.slipway.gitops.CanaryAnalysis.QualityReading;
import dev.slipway.gitops.CanaryRollout;
import dev.slipway.gitops.DeploymentSpec;
import dev.slipway.gitops.DeploymentSpec.Canary;
import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.DeploymentsRepository.Author;
import dev.slipway.gitops.DeploymentsRepository.DesiredState;
import dev.slipway.gitops.VariantTraffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitOps agent of one environment: reads the desired deployments from {@code envs/<env>/} of the deployments
 * repository (every poll interval, jittered, and at once on {@link #requestRefresh()}), and makes the model servers it
 * runs on this machine match them: starts a {@code slipway serve} per deployment, swaps versions and moves canary
 * weights live through the server's admin API, restarts a server that died, reports (and with {@code self_heal}
 * reverts) changes made outside Git, stops deployments removed from Git when they have {@code prune}, and walks canaries
 * through their steps, promoting or reverting them in Git on the evidence of their analysis.
 *
 * <p>A file that does not parse or a version that does not load leaves the last good state serving and marks the
 * deployment Degraded; an unreachable repository keeps everything serving and is retried with backoff. Status and every
 * decision go to the tracking server. {@link #tick()} runs on one thread; {@link #requestRefresh()} and
 * {@link #status()} may be called from any.
 */
final class GitopsAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GitopsAgent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(60);
    private static final String STATE_FILE = "servers.json";

    /**
     * How the agent runs.
     *
     * @param repository the deployments repository, a local path or a Git URL
     * @param cacheRoot where remote repositories are cloned
     * @param interval the poll interval before jitter (up to a quarter more)
     * @param host the address the model servers listen on
     * @param stateDirectory the agent's folder: model server logs and the servers it runs
     * @param launcher the {@code slipway} launcher that starts model servers
     * @param trackingUri the tracking server the model servers resolve models from and log predictions to
     * @param author the author of the agent's commits (canary promotions and rollbacks)
     * @param agentId how the agent names itself in statuses (host and process id)
     */
    record Settings(String repository, Path cacheRoot, String env, Duration interval, String host, Path stateDirectory,
            Path launcher, String trackingUri, Author author, String agentId) {
        Settings {
            requireNonNull(repository, "repository is null");
            requireNonNull(cacheRoot, "cacheRoot is null");
            requireNonNull(env, "env is null");
            requireNonNull(interval, "interval is null");
            requireNonNull(host, "host is null");
            requireNonNull(stateDirectory, "stateDirectory is null");
            requireNonNull(launcher, "launcher is null");
            requireNonNull(trackingUri, "trackingUri is null");
            requireNonNull(author, "author is null");
            requireNonNull(agentId, "agentId is null");
        }
    }

    /** The agent's own state, for its status endpoint. */
    record Snapshot(Optional<String> revision, Optional<Instant> lastPoll, Instant nextPoll,
            Optional<String> repositoryError, List<DeploymentView> deployments) {}

    /** One deployment as the agent sees it. */
    record DeploymentView(DeploymentStatus status, Optional<Long> pid, Optional<Integer> port, int restarts) {}

    private final Settings settings;
    private final TrackingClient client;
    private final Clock clock;
    private final Map<String, Deployment> deployments = new TreeMap<>();
    private final AtomicBoolean refreshRequested = new AtomicBoolean(true);
    private final Object wakeUp = new Object();
    private volatile Snapshot snapshot;
    private DeploymentsRepository repository;
    private DesiredState desired;
    private Optional<String> repositoryError = Optional.empty();
    private Optional<Instant> lastPoll = Optional.empty();
    private Instant nextPoll;
    private int pollFailures;

    GitopsAgent(Settings settings, TrackingClient client, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.client = requireNonNull(client, "client is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.nextPoll = clock.instant();
        this.snapshot = new Snapshot(Optional.empty(), Optional.empty(), nextPoll, Optional.empty(), List.of());
        adoptRunningServers();
    }

    /** Asks for a poll of the repository and a reconciliation at once (the refresh webhook). */
    void requestRefresh() {
        refreshRequested.set(true);
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Waits until {@code timeout} passes or a refresh is requested. */
    void awaitNextTick(Duration timeout) throws InterruptedException {
        synchronized (wakeUp) {
            if (!refreshRequested.get()) {
                wakeUp.wait(Math.max(1, timeout.toMillis()));
            }
        }
    }

    Snapshot status() {
        return snapshot;
    }

    /** One round: poll Git when due, reconcile every deployment, report what changed. */
    void tick() {
        Instant now = clock.instant();
        if (refreshRequested.getAndSet(false) || !now.isBefore(nextPoll)) {
            poll(now);
        }
        if (desired != null) {
            Set<String> names = new TreeSet<>(deployments.keySet());
            desired.deployments().forEach(spec -> names.add(spec.name()));
            desired.errors().keySet().forEach(path -> names.add(deploymentName(path)));
            for (String name : names) {
                try {
                    reconcile(name, now);
                } catch (RuntimeException e) {
                    LOG.error("Reconciling {}/{} failed", settings.env(), name, e);
                    Deployment deployment = deployments.get(name);
                    if (deployment != null) {
                        deployment.set(SyncStatus.UNKNOWN, HealthStatus.DEGRADED, "the agent failed: " + Main.describe(e));
                    }
                }
            }
        }
        report(now);
    }

    private void poll(Instant now) {
        lastPoll = Optional.of(now);
        try {
            if (repository == null) {
                repository = DeploymentsRepository.open(settings.repository(), settings.cacheRoot(), clock);
            }
            DesiredState state = repository.desired(settings.env());
            if (desired == null || !desired.commitId().equals(state.commitId())) {
                LOG.info("Desired state of {}: revision {} with {} deployment(s){}", settings.env(),
                        state.commitId().map(id -> id.substring(0, 8)).orElse("(none)"), state.deployments().size(),
                        state.errors().isEmpty() ? "" : " and " + state.errors().size() + " file(s) that do not parse");
            }
            desired = state;
            if (repositoryError.isPresent()) {
                LOG.info("The deployments repository {} is reachable again", settings.repository());
            }
            repositoryError = Optional.empty();
            pollFailures = 0;
            for (Deployment deployment : deployments.values()) {
                if (deployment.pendingRevert.isPresent()) {
                    commitRevert(deployment);
                }
            }
            readMonitors(state);
            long interval = settings.interval().toMillis();
            nextPoll = now.plusMillis(interval + ThreadLocalRandom.current().nextLong(interval / 4 + 1));
        } catch (SlipwayException e) {
            pollFailures++;
            Duration delay = backoff(settings.interval(), pollFailures);
            nextPoll = now.plus(delay);
            repositoryError = Optional.of("cannot read the deployments repository: " + e.getMessage() + "; retrying in "
                    + Durations.describe(delay));
            LOG.warn("{}; the model servers keep serving their last good state", repositoryError.get());
            if (repository != null && !DeploymentsRepository.isUrl(settings.repository())) {
                repository.close();
                repository = null;
            }
        }
    }

    /**
     * Reads the latest result of each monitor the deployments attach, for their status messages; a monitor that
     * starts alerting is recorded as an event once per result.
     */
    private void readMonitors(DesiredState state) {
        for (DeploymentSpec spec : state.deployments()) {
            Deployment deployment = deployments.computeIfAbsent(spec.name(), Deployment::new);
            List<String> parts = new ArrayList<>();
            for (String monitor : spec.monitors()) {
                try {
                    var view = client.monitors().get(monitor);
                    if (view.latestResult().isEmpty()) {
                        parts.add(monitor + " not evaluated yet");
                        continue;
                    }
                    var result = view.latestResult().get();
                    String status = result.status().name().toLowerCase(Locale.ROOT)
                            + result.driftShare().map(share -> String.format(Locale.ROOT, " (drift share %.2f)", share)).orElse("");
                    parts.add(monitor + " " + status);
                    if (result.status() == dev.slipway.core.monitors.MonitorStatus.ALERT && deployment.alertedResults.add(result.id())) {
                        event(deployment, "monitor_alert", "Monitor " + monitor + " alerts: " + status, Map.of("monitor", monitor,
                                "result_id", result.id(), "drift_share", result.driftShare().<Object>map(share -> share).orElse("n/a")));
                    }
                } catch (SlipwayException e) {
                    parts.add(monitor + " " + (e.errorCode() == dev.slipway.core.ErrorCode.RESOURCE_DOES_NOT_EXIST
                            ? "does not exist" : "unreadable: " + e.getMessage()));
                }
            }
            deployment.monitors = parts.isEmpty() ? "" : "; monitors: " + String.join(", ", parts);
        }
    }

    private void reconcile(String name, Instant now) {
        Deployment deployment = deployments.computeIfAbsent(name, Deployment::new);
        Optional<DeploymentSpec> wanted = desired.deployments().stream().filter(spec -> spec.name().equals(name)).findFirst();
        Optional<String> fileError = desired.errors().entrySet().stream()
                .filter(entry -> deploymentName(entry.getKey()).equals(name)).map(Map.Entry::getValue).findFirst();
        if (fileError.isPresent()) {
            String serving = deployment.server != null && deployment.applied != null
                    ? "; still serving " + deployment.applied.describe() : "";
            if (!fileError.get().equals(deployment.fileError)) {
                event(deployment, "degraded", fileError.get() + serving, Map.of());
                deployment.fileError = fileError.get();
            }
            if (deployment.server != null && !deployment.server.alive() && deployment.lastGood.isPresent()) {
                apply(deployment, deployment.lastGood.get(), now);
            }
            deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.DEGRADED, fileError.get() + serving);
            return;
        }
        deployment.fileError = null;
        if (wanted.isEmpty()) {
            removed(deployment, now);
            return;
        }
        DeploymentSpec spec = wanted.get();
        if (deployment.lastGood.isPresent() && !deployment.lastGood.get().equals(spec)) {
            // a new desired state gets a try at once, whatever failed before
            deployment.nextStart = now;
            deployment.failedTarget = null;
        }
        deployment.lastGood = Optional.of(spec);
        apply(deployment, spec, now);
    }

    private void removed(Deployment deployment, Instant now) {
        String path = "envs/" + settings.env() + "/" + deployment.name + ".yaml";
        if (deployment.server == null) {
            deployments.remove(deployment.name);
            deleteStatus(deployment.name);
            return;
        }
        boolean prune = deployment.lastGood.map(DeploymentSpec::prune).orElse(false);
        if (prune) {
            deployment.server.stop(STOP_GRACE);
            event(deployment, "pruned", path + " was removed from Git: stopped its model server (prune: true)", Map.of());
            deployments.remove(deployment.name);
            writeState();
            deleteStatus(deployment.name);
            return;
        }
        deployment.set(SyncStatus.OUT_OF_SYNC, deployment.health, path + " was removed from Git; prune is off, so it "
                + "keeps serving " + Optional.ofNullable(deployment.applied).map(Serving::describe).orElse("its model"));
        if (!deployment.removalReported) {
            event(deployment, "out_of_sync", deployment.message, Map.of());
            deployment.removalReported = true;
        }
    }

    private void apply(Deployment deployment, DeploymentSpec spec, Instant now) {
        deployment.removalReported = false;
        if (spec.replicas() == 0) {
            if (deployment.server != null) {
                deployment.server.stop(STOP_GRACE);
                deployment.server = null;
                writeState();
                event(deployment, "stopped", "replicas: 0, so its model server was stopped", Map.of());
            }
            deployment.rollout = null;
            deployment.set(SyncStatus.SYNCED, HealthStatus.SUSPENDED, "replicas: 0");
            return;
        }
        Optional<Canary> wanted = spec.canary();
        deployment.rolledBack.removeIf(key -> wanted.map(c -> !c.equals(key)).orElse(true));
        Optional<Canary> canary = wanted.filter(c -> !deployment.rolledBack.contains(c));
        if (canary.isEmpty()) {
            deployment.rollout = null;
        } else if (deployment.rollout == null || !deployment.rollout.canary().equals(canary.get())) {
            deployment.rollout = new CanaryRollout(canary.get(), now, canaryTraffic(deployment));
            event(deployment, "canary_started", String.format(Locale.ROOT, "Canary %s: step 1 of %d at %d%% of the traffic",
                    canary.get().candidate(), canary.get().steps().size(), deployment.rollout.weight()), rolloutEvidence(deployment.rollout));
        }
        Serving target = target(spec, deployment.rollout);
        if (!superviseProcess(deployment, spec, target, now)) {
            return;
        }
        Serving actual;
        try {
            actual = deployment.server.serving();
        } catch (IOException e) {
            deployment.set(SyncStatus.UNKNOWN, HealthStatus.DEGRADED, "the model server's admin API failed: " + e.getMessage());
            return;
        }
        if (deployment.applied == null) {
            deployment.applied = actual;
        }
        if (!actual.equals(deployment.applied)) {
            String drift = "changed outside Git: serving " + actual.describe() + " where Git says " + target.describe();
            if (!spec.selfHeal()) {
                if (!drift.equals(deployment.driftReported)) {
                    event(deployment, "out_of_sync", drift + "; self_heal is off, so it is left as it is", Map.of());
                    deployment.driftReported = drift;
                }
                deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.HEALTHY, drift + "; self_heal is off");
                return;
            }
            if (configure(deployment, target, "healed", "Self-heal: " + drift + "; restored " + target.describe(), now)) {
                deployment.driftReported = null;
            } else {
                return;
            }
        } else if (!target.equals(deployment.applied)) {
            if (!configure(deployment, target, "synced", "Now serving " + target.describe() + " (was " + deployment.applied.describe() + ")", now)) {
                return;
            }
        }
        deployment.driftReported = null;
        if (deployment.rollout == null) {
            deployment.set(SyncStatus.SYNCED, HealthStatus.HEALTHY, "serving " + target.describe());
            return;
        }
        deployment.set(SyncStatus.SYNCED, HealthStatus.PROGRESSING, rolloutMessage(deployment.rollout));
        runCanary(deployment, spec, now);
    }

    /**
     * Keeps a ready model server running on the deployment's port; false while there is none (starting, backing off
     * after failures), with the deployment's status set.
     */
    private boolean superviseProcess(Deployment deployment, DeploymentSpec spec, Serving target, Instant now) {
        ManagedServer server = deployment.server;
        if (server != null && !server.alive()) {
            String tail = server.logTail(5);
            deployment.server = null;
            writeState();
            if (deployment.ready) {
                deployment.restarts++;
                event(deployment, "restarted", "The model server (pid " + server.pid() + ") exited; starting it again. "
                        + "Last log lines:\n" + tail, Map.of());
                deployment.nextStart = now;
            } else {
                startFailed(deployment, now, "the model server exited before it was ready (log " + server.log() + "):\n" + tail);
            }
            deployment.ready = false;
        }
        if (deployment.server != null && deployment.server.port() != spec.port()) {
            deployment.server.stop(STOP_GRACE);
            deployment.server = null;
            deployment.ready = false;
            writeState();
        }
        if (deployment.server == null) {
            if (now.isBefore(deployment.nextStart)) {
                return false;
            }
            try {
                deployment.server = ManagedServer.start(settings.launcher(), deployment.name, settings.host(), spec.port(),
                        target, settings.trackingUri(), settings.stateDirectory().resolve("logs").resolve(deployment.name + ".log"), now);
            } catch (IOException e) {
                startFailed(deployment, now, "cannot start a model server: " + e.getMessage());
                return false;
            }
            deployment.applied = target;
            deployment.ready = false;
            writeState();
            event(deployment, "started", "Starting a model server (pid " + deployment.server.pid() + ") on port " + spec.port()
                    + " serving " + target.describe(), Map.of());
            deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "starting a model server on port " + spec.port());
            return false;
        }
        if (!deployment.ready) {
            if (deployment.server.ready()) {
                deployment.ready = true;
                deployment.startFailures = 0;
                event(deployment, "ready", "The model server on " + deployment.server.endpoint() + " is ready", Map.of());
            } else if (now.isAfter(deployment.server.started().plus(START_TIMEOUT))) {
                deployment.server.stop(STOP_GRACE);
                String tail = deployment.server.logTail(5);
                deployment.server = null;
                writeState();
                startFailed(deployment, now, "the model server was not ready within " + Durations.describe(START_TIMEOUT) + ":\n" + tail);
                return false;
            } else {
                deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "starting a model server on port " + spec.port());
                return false;
            }
        }
        return true;
    }

    private void startFailed(Deployment deployment, Instant now, String reason) {
        deployment.startFailures++;
        Duration delay = backoff(Duration.ofSeconds(5), deployment.startFailures);
        deployment.nextStart = now.plus(delay);
        String message = reason + " (retrying in " + Durations.describe(delay) + ")";
        event(deployment, "degraded", message, Map.of());
        deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.DEGRADED, message);
    }

    /** Applies {@code target} live; false (with the deployment Degraded and the old state serving) when it failed. */
    private boolean configure(Deployment deployment, Serving target, String kind, String message, Instant now) {
        if (target.equals(deployment.failedTarget) && now.isBefore(deployment.nextConfigure)) {
            return false;
        }
        try {
            deployment.server.configure(target);
        } catch (IOException e) {
            deployment.failedTarget = target;
            deployment.configureFailures++;
            Duration delay = backoff(Duration.ofSeconds(10), deployment.configureFailures);
            deployment.nextConfigure = now.plus(delay);
            String reason = "cannot serve " + target.describe() + ": " + e.getMessage() + "; still serving "
                    + deployment.applied.describe() + " (retrying in " + Durations.describe(delay) + ")";
            event(deployment, "degraded", reason, Map.of());
            deployment.set(SyncStatus.OUT_OF_SYNC, HealthStatus.DEGRADED, reason);
            return false;
        }
        deployment.failedTarget = null;
        deployment.configureFailures = 0;
        deployment.applied = target;
        event(deployment, kind, message, Map.of());
        return true;
    }

    private void runCanary(Deployment deployment, DeploymentSpec spec, Instant now) {
        CanaryRollout rollout = deployment.rollout;
        if (!rollout.checkDue(now)) {
            return;
        }
        VariantTraffic current;
        try {
            current = VariantTraffic.parse(deployment.server.metrics(), deployment.name, "canary");
        } catch (IOException e) {
            deployment.set(SyncStatus.SYNCED, HealthStatus.PROGRESSING, rolloutMessage(rollout) + "; cannot read the model "
                    + "server's metrics: " + e.getMessage());
            return;
        }
        Canary canary = rollout.canary();
        Optional<QualityReading> quality = canary.analysis().minQuality().isEmpty() ? Optional.empty()
                : quality(canary.candidate(), rollout.started());
        Check check = CanaryAnalysis.evaluate(canary.analysis(), current.since(rollout.stepBaseline()), quality);
        int step = rollout.step();
        int weight = rollout.weight();
        CanaryRollout.Decision decision = rollout.record(now, check, current);
        Map<String, Object> evidence = new LinkedHashMap<>(check.evidence());
        evidence.putAll(rolloutEvidence(rollout));
        evidence.put("step", step + 1);
        evidence.put("weight", weight);
        evidence.put("decision", decision.name().toLowerCase(Locale.ROOT));
        event(deployment, "canary_check", String.format(Locale.ROOT, "Canary %s, step %d of %d at %d%%: %s: %s",
                canary.candidate(), step + 1, canary.steps().size(), weight, check.verdict().name().toLowerCase(Locale.ROOT),
                check.summary()), evidence);
        switch (decision) {
            case HOLD -> { }
            case ADVANCE -> {
                Serving next = target(spec, rollout);
                if (configure(deployment, next, "canary_step", String.format(Locale.ROOT, "Canary %s advanced to step %d of %d: "
                        + "%d%% of the traffic", canary.candidate(), rollout.step() + 1, canary.steps().size(), rollout.weight()), now)) {
                    deployment.set(SyncStatus.SYNCED, HealthStatus.PROGRESSING, rolloutMessage(rollout));
                }
            }
            case PROMOTE -> promote(deployment, canary, check, evidence);
            case ROLL_BACK -> rollBack(deployment, spec, canary, check, evidence, now);
        }
    }

    private void promote(Deployment deployment, Canary canary, Check check, Map<String, Object> evidence) {
        String message = String.format(Locale.ROOT, "Promote canary %s in %s/%s%n%nEvery step (%s%%) passed its analysis "
                + "over %d checks; the last one: %s.%n%nEvidence: %s", canary.candidate(), settings.env(), deployment.name,
                canary.steps().stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse(""),
                deployment.rollout.checks(), check.summary(), json(evidence));
        try {
            Optional<String> commit = repository().update(settings.env(), deployment.name,
                    spec -> spec.canary().filter(c -> c.equals(canary)).map(c -> spec.withCanary(Optional.empty()).withModel(c.candidate())),
                    message, settings.author());
            Map<String, Object> recorded = new LinkedHashMap<>(evidence);
            commit.ifPresent(id -> recorded.put("commit", id));
            event(deployment, "canary_promoted", "Canary " + canary.candidate() + " passed every step: "
                    + commit.map(id -> "committed " + id.substring(0, 8) + " pinning it").orElse("Git no longer has this canary"), recorded);
            requestRefresh();
        } catch (SlipwayException e) {
            event(deployment, "degraded", "Canary " + canary.candidate() + " passed every step, but the promotion could not be "
                    + "committed: " + e.getMessage() + "; it keeps its traffic and is promoted at the next check", evidence);
        }
    }

    private void rollBack(Deployment deployment, DeploymentSpec spec, Canary canary, Check check, Map<String, Object> evidence,
            Instant now) {
        deployment.rolledBack.add(canary);
        deployment.rollout = null;
        Serving stableOnly = target(spec, null);
        configure(deployment, stableOnly, "canary_rolled_back", "Canary " + canary.candidate() + " failed "
                + canary.failureLimit() + " check(s): all traffic back to " + spec.model(), now);
        String reason = String.format(Locale.ROOT, "The canary analysis failed %d check(s) (failure_limit %d); the last one: "
                + "%s.%n%nEvidence: %s", canary.failureLimit(), canary.failureLimit(), check.summary(), json(evidence));
        deployment.pendingRevert = Optional.of(new PendingRevert(canary, reason, evidence));
        commitRevert(deployment);
    }

    /** Commits the revert of a rolled-back canary; retried at every poll until it lands or Git drops the canary. */
    private void commitRevert(Deployment deployment) {
        PendingRevert pending = deployment.pendingRevert.orElseThrow();
        try {
            Optional<DeploymentsRepository.Change> change = repository().rollbackCanary(settings.env(), deployment.name,
                    pending.canary().candidate(), pending.reason(), settings.author());
            Map<String, Object> recorded = new LinkedHashMap<>(pending.evidence());
            change.ifPresent(c -> recorded.put("commit", c.commitId()));
            event(deployment, "canary_reverted", change.map(c -> "Committed " + c.shortId() + ": " + c.subject())
                    .orElse("Git no longer has canary " + pending.canary().candidate()), recorded);
            deployment.pendingRevert = Optional.empty();
            requestRefresh();
        } catch (SlipwayException e) {
            LOG.warn("Cannot commit the rollback of canary {} of {}/{}: {}; retrying at the next poll",
                    pending.canary().candidate(), settings.env(), deployment.name, e.getMessage());
        }
    }

    private DeploymentsRepository repository() {
        if (repository == null) {
            throw SlipwayException.invalidParameter("the deployments repository %s is not reachable", settings.repository());
        }
        return repository;
    }

    private Optional<QualityReading> quality(String candidate, Instant since) {
        // a canary candidate is always models:/<name>/<version> (DeploymentSpec checked it)
        var version = (dev.slipway.client.ModelUri.RegistryVersion) dev.slipway.client.ModelUri.parse(candidate);
        try {
            QualityWindow window = client.predictions().quality(version.name(), String.valueOf(version.version()),
                    Optional.of(since.toEpochMilli()), Optional.empty(), Optional.empty());
            Map<String, Double> metrics = new TreeMap<>();
            window.quality().ifPresent(quality -> quality.fields().forEachRemaining(field -> {
                if (field.getValue().isNumber() && !field.getKey().equals("rows")) {
                    metrics.put(field.getKey(), field.getValue().doubleValue());
                }
            }));
            return Optional.of(new QualityReading(window.labelled(), metrics));
        } catch (SlipwayException e) {
            LOG.warn("Cannot read the live quality of {}: {}", candidate, e.getMessage());
            return Optional.empty();
        }
    }

    private VariantTraffic canaryTraffic(Deployment deployment) {
        if (deployment.server == null || !deployment.ready) {
            return VariantTraffic.NONE;
        }
        try {
            return VariantTraffic.parse(deployment.server.metrics(), deployment.name, "canary");
        } catch (IOException e) {
            return VariantTraffic.NONE;
        }
    }

    private static Serving target(DeploymentSpec spec, CanaryRollout rollout) {
        return rollout == null ? new Serving(spec.model(), Optional.empty(), 0, spec.shadow())
                : new Serving(spec.model(), Optional.of(rollout.canary().candidate()), rollout.weight(), spec.shadow());
    }

    private static String rolloutMessage(CanaryRollout rollout) {
        return String.format(Locale.ROOT, "canary %s at %d%% (step %d of %d), %d failed check(s) of %d allowed",
                rollout.canary().candidate(), rollout.weight(), rollout.step() + 1, rollout.canary().steps().size(),
                rollout.failedChecks(), rollout.canary().failureLimit());
    }

    private static Map<String, Object> rolloutEvidence(CanaryRollout rollout) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("candidate", rollout.canary().candidate());
        evidence.put("steps", rollout.canary().steps());
        evidence.put("failed_checks", rollout.failedChecks());
        evidence.put("failure_limit", rollout.canary().failureLimit());
        return evidence;
    }

    /** Reports each deployment whose status changed, and every one at least once a minute. */
    private void report(Instant now) {
        List<DeploymentView> views = new ArrayList<>();
        for (Deployment deployment : deployments.values()) {
            DeploymentStatus status = status(deployment, now);
            views.add(new DeploymentView(status, Optional.ofNullable(deployment.server).map(ManagedServer::pid),
                    Optional.ofNullable(deployment.server).map(ManagedServer::port), deployment.restarts));
            boolean changed = deployment.reported == null || !sameStatus(deployment.reported, status);
            if (changed || now.isAfter(deployment.reportedAt.plus(HEARTBEAT))) {
                try {
                    client.deployments().report(status);
                    deployment.reported = status;
                    deployment.reportedAt = now;
                } catch (SlipwayException e) {
                    LOG.warn("Cannot report the status of {}/{} to the tracking server: {}", settings.env(), deployment.name,
                            e.getMessage());
                }
            }
        }
        snapshot = new Snapshot(Optional.ofNullable(desired).flatMap(DesiredState::commitId), lastPoll, nextPoll, repositoryError,
                List.copyOf(views));
    }

    private DeploymentStatus status(Deployment deployment, Instant now) {
        DeploymentSpec spec = deployment.lastGood.orElse(null);
        String model = spec != null ? spec.model() : Optional.ofNullable(deployment.applied).map(Serving::model).orElse("models:/unknown/0");
        Optional<String> live = deployment.server != null && deployment.ready ? Optional.ofNullable(deployment.applied).map(Serving::model)
                : Optional.empty();
        Optional<String> canary = Optional.ofNullable(deployment.rollout).map(r -> r.canary().candidate());
        String message = deployment.message + deployment.monitors + repositoryError.map(error -> " (" + error + ")").orElse("");
        return new DeploymentStatus(settings.env(), deployment.name, Optional.ofNullable(desired).flatMap(DesiredState::commitId), model,
                live, canary, deployment.rollout == null ? 0 : deployment.rollout.weight(),
                Optional.ofNullable(deployment.rollout).map(r -> r.step() + 1), deployment.sync, deployment.health, message,
                Optional.ofNullable(deployment.server).map(ManagedServer::endpoint), settings.agentId(), now.toEpochMilli());
    }

    private static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
        return a.equals(new DeploymentStatus(b.env(), b.name(), b.revision(), b.model(), b.liveModel(), b.canary(), b.canaryWeight(),
                b.canaryStep(), b.sync(), b.health(), b.message(), b.endpoint(), b.agent(), a.updatedTime()));
    }

    private void event(Deployment deployment, String kind, String message, Map<String, Object> evidence) {
        LOG.info("{}/{}: {}", settings.env(), deployment.name, message);
        try {
            client.deployments().appendEvent(settings.env(), deployment.name, kind,
                    Optional.ofNullable(desired).flatMap(DesiredState::commitId), message, json(evidence));
        } catch (SlipwayException e) {
            LOG.warn("Cannot record the event of {}/{} in the tracking server: {}", settings.env(), deployment.name, e.getMessage());
        }
    }

    private void deleteStatus(String name) {
        try {
            client.deployments().delete(settings.env(), name);
        } catch (SlipwayException e) {
            LOG.warn("Cannot remove the status of {}/{} from the tracking server: {}", settings.env(), name, e.getMessage());
        }
    }

    /** Records the servers this agent runs, so that an agent started later (after --keep-servers) adopts them. */
    private void writeState() {
        ObjectNode root = JSON.createObjectNode();
        for (Deployment deployment : deployments.values()) {
            if (deployment.server != null) {
                root.putObject(deployment.name).put("pid", deployment.server.pid()).put("port", deployment.server.port())
                        .put("token", deployment.server.token()).put("log", deployment.server.log().toString());
            }
        }
        try {
            Files.createDirectories(settings.stateDirectory());
            Path file = settings.stateDirectory().resolve(STATE_FILE);
            Path temporary = settings.stateDirectory().resolve(STATE_FILE + ".tmp");
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            try {
                Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's permissions protect the tokens
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Cannot record the running model servers in {}: {}", settings.stateDirectory(), e.getMessage());
        }
    }

    private void adoptRunningServers() {
        Path file = settings.stateDirectory().resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode server = entry.getValue();
                Optional<ManagedServer> adopted = ManagedServer.adopt(entry.getKey(), settings.host(), server.path("port").asInt(),
                        server.path("token").asText(), server.path("pid").asLong(), Path.of(server.path("log").asText()), clock.instant());
                adopted.ifPresent(running -> {
                    Deployment deployment = deployments.computeIfAbsent(entry.getKey(), Deployment::new);
                    deployment.server = running;
                    deployment.ready = running.ready();
                    LOG.info("Adopted the model server of {}/{} (pid {}, port {}) left running by an earlier agent",
                            settings.env(), entry.getKey(), running.pid(), running.port());
                });
            }
        } catch (IOException e) {
            LOG.warn("Cannot read {}: {}; model servers left by an earlier agent are not adopted", file, e.getMessage());
        }
    }

    /**
     * Stops the model servers (unless {@code keepServers}, which leaves them to the next agent) and reports them.
     */
    void stop(boolean keepServers) {
        Instant now = clock.instant();
        for (Deployment deployment : deployments.values()) {
            if (deployment.server != null && !keepServers) {
                deployment.server.stop(STOP_GRACE);
                deployment.server = null;
                deployment.set(SyncStatus.UNKNOWN, HealthStatus.MISSING, "the GitOps agent stopped, and its model server with it");
            } else if (deployment.server != null) {
                deployment.set(SyncStatus.UNKNOWN, deployment.health, "the GitOps agent stopped; its model server keeps running");
            }
        }
        writeState();
        report(now);
    }

    @Override
    public void close() {
        if (repository != null) {
            repository.close();
        }
    }

    static Duration backoff(Duration base, int failures) {
        Duration delay = base.multipliedBy(1L << Math.min(failures, 16));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private static String deploymentName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    private static String json(Map<String, Object> evidence) {
        try {
            return JSON.writeValueAsString(evidence);
        } catch (IOException e) {
            throw new IllegalStateException("evidence is not JSON", e);
        }
    }

    /** A canary rolled back by the agent whose revert has not landed in Git yet. */
    private record PendingRevert(Canary canary, String reason, Map<String, Object> evidence) {}

    /** What the agent knows and runs for one deployment. */
    private static final class Deployment {
        final String name;
        Optional<DeploymentSpec> lastGood = Optional.empty();
        ManagedServer server;
        boolean ready;
        Serving applied;
        CanaryRollout rollout;
        final Set<Canary> rolledBack = new HashSet<>();
        final Set<Long> alertedResults = new HashSet<>();
        String monitors = "";
        Optional<PendingRevert> pendingRevert = Optional.empty();
        SyncStatus sync = SyncStatus.UNKNOWN;
        HealthStatus health = HealthStatus.MISSING;
        String message = "not started yet";
        String fileError;
        String driftReported;
        boolean removalReported;
        Instant nextStart = Instant.EPOCH;
        int startFailures;
        Serving failedTarget;
        Instant nextConfigure = Instant.EPOCH;
        int configureFailures;
        int restarts;
        DeploymentStatus reported;
        Instant reportedAt = Instant.EPOCH;

        Deployment(String name) {
            this.name = name;
        }

        void set(SyncStatus newSync, HealthStatus newHealth, String newMessage) {
            sync = newSync;
            health = newHealth;
            message = newMessage;
        }
    }

    /** The agent's status as JSON, for {@code GET /api/2.0/slipway/gitops/status}. */
    ObjectNode statusJson() {
        Snapshot current = snapshot;
        ObjectNode root = JSON.createObjectNode();
        root.put("agent", settings.agentId());
        root.put("repo", settings.repository());
        root.put("env", settings.env());
        current.revision().ifPresent(revision -> root.put("revision", revision));
        current.lastPoll().ifPresent(time -> root.put("last_poll", time.toString()));
        root.put("next_poll", current.nextPoll().toString());
        current.repositoryError().ifPresent(error -> root.put("repository_error", error));
        ArrayNode array = root.putArray("deployments");
        for (DeploymentView view : current.deployments()) {
            DeploymentStatus status = view.status();
            ObjectNode node = array.addObject();
            node.put("name", status.name());
            node.put("model", status.model());
            status.liveModel().ifPresent(model -> node.put("live_model", model));
            status.canary().ifPresent(canary -> node.put("canary", canary).put("canary_weight", status.canaryWeight()));
            node.put("sync", status.sync().wireName());
            node.put("health", status.health().wireName());
            node.put("message", status.message());
            status.endpoint().ifPresent(endpoint -> node.put("endpoint", endpoint));
            view.pid().ifPresent(pid -> node.put("pid", pid));
            view.port().ifPresent(port -> node.put("port", port));
            node.put("restarts", view.restarts());
        }
        return root;
    }
}
