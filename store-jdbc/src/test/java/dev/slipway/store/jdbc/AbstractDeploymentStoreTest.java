package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.DeploymentStore;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import dev.slipway.core.predictions.PredictionLogStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour of {@link DeploymentStore} over JDBC. Subclasses supply the database; two stores are opened on it, as
 * two server replicas would. Tests keep apart by environment and model name.
 */
abstract class AbstractDeploymentStoreTest extends TwoStoresOnOneDatabase<DeploymentStore> {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long T0 = 1_767_225_600_000L;
    private static final Comparator<DeploymentStatus> BY_ENV_THEN_NAME = Comparator.comparing(DeploymentStatus::env)
            .thenComparing(DeploymentStatus::name);

    AbstractDeploymentStoreTest() {
        super(PredictionLogStore::deploymentStore);
    }

    @Test
    void reportedStatusRoundTripsEveryField() {
        String env = newEnv();
        DeploymentStatus status = new DeploymentStatus(env, "churn", Optional.of("4f2a9c1e"), "models:/churn/7",
                Optional.of("models:/churn/6"), Optional.of("models:/churn/8"), 25, Optional.of(1),
                SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "canary at 25% (step 2 of 4) é€😀",
                Optional.of("http://churn.prod.svc:8080"), "slipway-agent@host-1", T0);

        store.reportStatus(status);

        assertThat(store.status(env, "churn")).contains(status);
        assertThat(otherStore.status(env, "churn")).contains(status);
        assertThat(store.statuses(Optional.of(env), Optional.empty())).containsExactly(status);
    }

    @Test
    void reportedStatusRoundTripsEmptyOptionals() {
        String env = newEnv();
        DeploymentStatus status = new DeploymentStatus(env, "fraud", Optional.empty(), "models:/fraud/1",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.UNKNOWN, HealthStatus.MISSING, "",
                Optional.empty(), "agent", 0);

        store.reportStatus(status);

        DeploymentStatus read = store.status(env, "fraud").orElseThrow();
        assertThat(read).isEqualTo(status);
        assertThat(read.revision()).isEmpty();
        assertThat(read.liveModel()).isEmpty();
        assertThat(read.canary()).isEmpty();
        assertThat(read.canaryStep()).isEmpty();
        assertThat(read.endpoint()).isEmpty();
        assertThat(read.message()).isEmpty();
    }

    @Test
    void everySyncAndHealthStatusRoundTrips() {
        String env = newEnv();
        List<DeploymentStatus> reported = new ArrayList<>();
        for (SyncStatus sync : SyncStatus.values()) {
            for (HealthStatus health : HealthStatus.values()) {
                DeploymentStatus status = status(env, sync.ordinal() + "-" + health.ordinal(), "models:/churn/1")
                        .withUpdatedTime(T0);
                status = new DeploymentStatus(status.env(), status.name(), status.revision(), status.model(),
                        status.liveModel(), status.canary(), status.canaryWeight(), status.canaryStep(), sync, health,
                        status.message(), status.endpoint(), status.agent(), status.updatedTime());
                store.reportStatus(status);
                reported.add(status);
            }
        }

        assertThat(store.statuses(Optional.of(env), Optional.empty())).containsExactlyElementsOf(reported);
    }

    @Test
    void reportReplacesTheStatusOfTheSameDeployment() {
        String env = newEnv();
        DeploymentStatus canary = new DeploymentStatus(env, "churn", Optional.of("rev-1"), "models:/churn/7",
                Optional.of("models:/churn/7"), Optional.of("models:/churn/8"), 50, Optional.of(2),
                SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "canary at 50%", Optional.of("http://a:8080"),
                "agent-1", T0);
        DeploymentStatus promoted = new DeploymentStatus(env, "churn", Optional.empty(), "models:/churn/8",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY,
                "promoted", Optional.empty(), "agent-2", T0 + 1);

        store.reportStatus(canary);
        otherStore.reportStatus(promoted);

        assertThat(store.status(env, "churn")).contains(promoted);
        assertThat(store.statuses(Optional.of(env), Optional.empty())).containsExactly(promoted);
        store.reportStatus(canary);
        assertThat(otherStore.status(env, "churn")).contains(canary);
    }

    @Test
    void unknownDeploymentIsAbsent() {
        String env = newEnv();
        store.reportStatus(status(env, "churn", "models:/churn/1"));

        assertThat(store.status(env, "fraud")).isEmpty();
        assertThat(store.status(newEnv(), "churn")).isEmpty();
        assertThat(store.statuses(Optional.of(newEnv()), Optional.empty())).isEmpty();
        assertThat(store.deleteStatus(env, "fraud")).isFalse();
    }

    @Test
    void statusesAreOrderedByEnvThenNameAndFilteredByEnv() {
        String prod = newEnv() + "-prod";
        String staging = prod.substring(0, prod.length() - "-prod".length()) + "-staging";
        DeploymentStatus stagingChurn = status(staging, "churn", "models:/churn/2");
        DeploymentStatus prodFraud = status(prod, "fraud", "models:/fraud/1");
        DeploymentStatus prodChurn = status(prod, "churn", "models:/churn/1");
        DeploymentStatus prodChurn2 = status(prod, "churn-2", "models:/churn/1");
        store.reportStatus(stagingChurn);
        store.reportStatus(prodFraud);
        store.reportStatus(prodChurn2);
        store.reportStatus(prodChurn);

        assertThat(store.statuses(Optional.of(prod), Optional.empty()))
                .containsExactly(prodChurn, prodChurn2, prodFraud);
        assertThat(store.statuses(Optional.of(staging), Optional.empty())).containsExactly(stagingChurn);
        List<DeploymentStatus> all = store.statuses(Optional.empty(), Optional.empty());
        assertThat(all).containsSubsequence(prodChurn, prodChurn2, prodFraud, stagingChurn);
        assertThat(all).isSortedAccordingTo(BY_ENV_THEN_NAME);
    }

    @Test
    void statusesFilteredByModelNameMatchTheModelOrTheCanary() {
        String prod = newEnv();
        String staging = newEnv();
        String model = "model-" + NAMES.incrementAndGet();
        String other = "model-" + NAMES.incrementAndGet();
        DeploymentStatus serving = status(prod, "a", "models:/" + model + "/3");
        DeploymentStatus canaryOfIt = new DeploymentStatus(prod, "b", Optional.empty(), "models:/" + other + "/1",
                Optional.empty(), Optional.of("models:/" + model + "/4"), 10, Optional.of(0), SyncStatus.SYNCED,
                HealthStatus.PROGRESSING, "", Optional.empty(), "agent", T0);
        DeploymentStatus unrelated = status(prod, "c", "models:/" + other + "/2");
        DeploymentStatus elsewhere = status(staging, "a", "models:/" + model + "/4");
        DeploymentStatus prefixOnly = status(staging, "b", "models:/" + model + "x/4");
        for (DeploymentStatus status : List.of(serving, canaryOfIt, unrelated, elsewhere, prefixOnly)) {
            store.reportStatus(status);
        }

        assertThat(store.statuses(Optional.empty(), Optional.of(model)))
                .containsExactlyElementsOf(sortedByEnv(serving, canaryOfIt, elsewhere));
        assertThat(store.statuses(Optional.of(prod), Optional.of(model))).containsExactly(serving, canaryOfIt);
        assertThat(store.statuses(Optional.of(staging), Optional.of(model))).containsExactly(elsewhere);
        assertThat(store.statuses(Optional.of(prod), Optional.of(other))).containsExactly(canaryOfIt, unrelated);
        assertThat(store.statuses(Optional.empty(), Optional.of("model-none"))).isEmpty();

        store.reportStatus(new DeploymentStatus(prod, "b", Optional.empty(), "models:/" + other + "/1",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY, "",
                Optional.empty(), "agent", T0 + 1));
        assertThat(store.statuses(Optional.of(prod), Optional.of(model))).containsExactly(serving);
    }

    @Test
    void deleteStatusRemovesOnlyThatStatusAndKeepsTheEvents() {
        String env = newEnv();
        DeploymentStatus kept = status(env, "fraud", "models:/fraud/1");
        store.reportStatus(status(env, "churn", "models:/churn/1"));
        store.reportStatus(kept);
        long eventId = store.appendEvent(event(env, "churn", T0, "pruned"));

        assertThat(otherStore.deleteStatus(env, "churn")).isTrue();

        assertThat(store.status(env, "churn")).isEmpty();
        assertThat(store.statuses(Optional.of(env), Optional.empty())).containsExactly(kept);
        assertThat(store.events(env, Optional.of("churn"), 10)).extracting(DeploymentEvent::id)
                .containsExactly(eventId);
        assertThat(store.deleteStatus(env, "churn")).isFalse();
        DeploymentStatus again = status(env, "churn", "models:/churn/2");
        store.reportStatus(again);
        assertThat(store.status(env, "churn")).contains(again);
    }

    @Test
    void eventsComeNewestFirstByTimeThenIdAndAreLimited() {
        String env = newEnv();
        DeploymentEvent middle = append(event(env, "churn", T0 + 20, "synced"));
        DeploymentEvent oldest = append(event(env, "churn", T0 + 10, "started"));
        DeploymentEvent newestFirstStored = append(event(env, "churn", T0 + 30, "canary_step"));
        DeploymentEvent newestLastStored = append(event(env, "churn", T0 + 30, "canary_check"));

        assertThat(List.of(middle.id(), oldest.id(), newestFirstStored.id(), newestLastStored.id())).isSorted()
                .doesNotHaveDuplicates();
        assertThat(store.events(env, Optional.of("churn"), 10))
                .containsExactly(newestLastStored, newestFirstStored, middle, oldest);
        assertThat(store.events(env, Optional.of("churn"), 2)).containsExactly(newestLastStored, newestFirstStored);
        assertThat(otherStore.events(env, Optional.of("churn"), 1)).containsExactly(newestLastStored);
    }

    @Test
    void eventsAreOfOneEnvironmentAndOfOneDeploymentOrAll() {
        String env = newEnv();
        String otherEnv = newEnv();
        DeploymentEvent churn = append(event(env, "churn", T0 + 1, "synced"));
        DeploymentEvent fraud = append(event(env, "fraud", T0 + 2, "degraded"));
        DeploymentEvent churnLater = append(event(env, "churn", T0 + 3, "healed"));
        DeploymentEvent elsewhere = append(event(otherEnv, "churn", T0 + 4, "synced"));

        assertThat(store.events(env, Optional.empty(), 10)).containsExactly(churnLater, fraud, churn);
        assertThat(store.events(env, Optional.empty(), 2)).containsExactly(churnLater, fraud);
        assertThat(store.events(env, Optional.of("churn"), 10)).containsExactly(churnLater, churn);
        assertThat(store.events(env, Optional.of("fraud"), 10)).containsExactly(fraud);
        assertThat(store.events(otherEnv, Optional.empty(), 10)).containsExactly(elsewhere);
        assertThat(store.events(env, Optional.of("none"), 10)).isEmpty();
        assertThat(store.events(newEnv(), Optional.empty(), 10)).isEmpty();
    }

    @Test
    void eventFieldsRoundTripIncludingAnAbsentRevision() {
        String env = newEnv();
        DeploymentEvent withRevision = append(new DeploymentEvent(0, env, "churn", T0, "canary_rolled_back",
                Optional.of("9b1d7e0f3a"), "p99 latency 912 ms > 500 ms at 25% é€😀",
                "{\"p99_ms\":912,\"max_p99_ms\":500,\"weight\":25}"));
        DeploymentEvent withoutRevision = append(new DeploymentEvent(0, env, "churn", T0 + 1, "out_of_sync",
                Optional.empty(), "", "{}"));

        assertThat(withRevision.id()).isPositive();
        assertThat(store.events(env, Optional.of("churn"), 10)).containsExactly(withoutRevision, withRevision);
        assertThat(store.events(env, Optional.of("churn"), 1).get(0).revision()).isEmpty();
    }

    @Test
    void appendEventIgnoresTheGivenId() {
        String env = newEnv();
        long first = store.appendEvent(new DeploymentEvent(999_999, env, "churn", T0, "synced", Optional.empty(), "",
                "{}"));
        long second = store.appendEvent(new DeploymentEvent(999_999, env, "churn", T0, "synced", Optional.empty(), "",
                "{}"));

        assertThat(first).isNotEqualTo(999_999L);
        assertThat(second).isGreaterThan(first);
        assertThat(store.events(env, Optional.empty(), 10)).extracting(DeploymentEvent::id)
                .containsExactly(second, first);
    }

    @Test
    void longMessagesAndEvidenceRoundTrip() {
        String env = newEnv();
        String message = "é€😀 canary check failed; ".repeat(700).substring(0, 16 * 1024);
        StringBuilder evidence = new StringBuilder("{\"checks\":[");
        for (int index = 0; evidence.length() < 1_000_000; index++) {
            evidence.append(index == 0 ? "" : ",").append("{\"metric\":\"p99_ms_é€😀\",\"value\":").append(index)
                    .append('}');
        }
        evidence.append("]}");
        DeploymentStatus status = new DeploymentStatus(env, "churn", Optional.of("a".repeat(256)), "models:/churn/7",
                Optional.of("models:/churn/7"), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED,
                HealthStatus.DEGRADED, message, Optional.of("http://" + "h".repeat(2000) + ":8080"), "agent", T0);

        store.reportStatus(status);
        DeploymentEvent event = append(new DeploymentEvent(0, env, "churn", T0, "canary_check", Optional.empty(),
                message, evidence.toString()));

        assertThat(store.status(env, "churn")).contains(status);
        DeploymentEvent read = store.events(env, Optional.of("churn"), 1).get(0);
        assertThat(read.message()).isEqualTo(message);
        assertThat(read.evidenceJson()).isEqualTo(evidence.toString());
        assertThat(read).isEqualTo(event);
    }

    @Test
    void concurrentReportsOfOneDeploymentLeaveOneOfThem() throws Exception {
        String env = newEnv();
        int reporters = 4;
        ExecutorService executor = Executors.newFixedThreadPool(reporters);
        try {
            for (int round = 0; round < 10; round++) {
                CyclicBarrier start = new CyclicBarrier(reporters);
                List<DeploymentStatus> reported = new ArrayList<>();
                List<Future<?>> writes = new ArrayList<>();
                for (int reporter = 0; reporter < reporters; reporter++) {
                    DeploymentStatus status = status(env, "churn", "models:/churn/" + (round * reporters + reporter
                            + 1));
                    reported.add(status);
                    DeploymentStore through = reporter % 2 == 0 ? store : otherStore;
                    writes.add(executor.submit(() -> {
                        start.await();
                        through.reportStatus(status);
                        return null;
                    }));
                }
                for (Future<?> write : writes) {
                    write.get();
                }
                assertThat(store.statuses(Optional.of(env), Optional.empty())).hasSize(1)
                        .allSatisfy(status -> assertThat(reported).contains(status));
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private DeploymentEvent append(DeploymentEvent event) {
        return event.withId(store.appendEvent(event));
    }

    private static List<DeploymentStatus> sortedByEnv(DeploymentStatus... statuses) {
        List<DeploymentStatus> sorted = new ArrayList<>(List.of(statuses));
        sorted.sort(BY_ENV_THEN_NAME);
        return sorted;
    }

    private static DeploymentStatus status(String env, String name, String model) {
        return new DeploymentStatus(env, name, Optional.of("rev-" + name), model, Optional.of(model), Optional.empty(),
                0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY, "in sync", Optional.of("http://" + name
                + "." + env + ":8080"), "agent", T0);
    }

    private static DeploymentEvent event(String env, String name, long time, String kind) {
        return new DeploymentEvent(0, env, name, time, kind, Optional.of("rev-1"), kind + " " + name,
                "{\"kind\":\"" + kind + "\"}");
    }

    private static String newEnv() {
        return "env-" + NAMES.incrementAndGet();
    }
}
