package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.ActionCount;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.MonitorStore;
import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.core.predictions.PredictionLogStore;
import java.util.ArrayList;
import java.util.Collections;
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
 * Every behaviour of {@link MonitorStore} over JDBC. Subclasses supply the database; two stores are opened on it, as
 * two server replicas would. Tests keep apart by monitor and lease name.
 */
abstract class AbstractMonitorStoreTest extends TwoStoresOnOneDatabase<MonitorStore> {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long T0 = 1_767_225_600_000L;
    private static final String DEFINITION = "{\"name\":\"m\",\"model\":\"models:/churn@champion\"}";

    AbstractMonitorStoreTest() {
        super(PredictionLogStore::monitorStore);
    }

    @Test
    void putMonitorCreatesAMonitorThatCanBeRead() {
        String name = newName();
        StoredMonitor created = store.putMonitor(name, DEFINITION, T0, false);

        assertThat(created).isEqualTo(new StoredMonitor(name, DEFINITION, T0, T0));
        assertThat(store.getMonitor(name)).contains(created);
        assertThat(otherStore.getMonitor(name)).contains(created);
    }

    @Test
    void putMonitorWithoutReplaceRefusesAnExistingNameAndKeepsItsDefinition() {
        String name = newName();
        StoredMonitor first = store.putMonitor(name, DEFINITION, T0, false);

        assertThatThrownBy(() -> otherStore.putMonitor(name, "{\"name\":\"m\"}", T0 + 1, false))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        assertThat(store.getMonitor(name)).contains(first);
    }

    @Test
    void creatorsRacingForOneNameLeaveExactlyOneWinner() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                String name = newName();
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<Boolean>> creators = new ArrayList<>();
                for (int creator = 0; creator < 4; creator++) {
                    MonitorStore through = creator % 2 == 0 ? store : otherStore;
                    String definition = "{\"name\":\"m\",\"creator\":" + creator + "}";
                    creators.add(executor.submit(() -> {
                        start.await();
                        try {
                            through.putMonitor(name, definition, T0, false);
                            return true;
                        } catch (SlipwayException e) {
                            assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
                            return false;
                        }
                    }));
                }
                int winners = 0;
                for (Future<Boolean> creator : creators) {
                    winners += creator.get() ? 1 : 0;
                }
                assertThat(winners).as("round %d", round).isEqualTo(1);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void putMonitorReplacesTheDefinitionAndKeepsCreationTimeAndResults() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        MonitorResult result = store.addResult(result(name, T0 + 5, MonitorStatus.OK));

        StoredMonitor replaced = store.putMonitor(name, "{\"name\":\"m\",\"model\":\"models:/other/2\"}", T0 + 10, true);

        assertThat(replaced).isEqualTo(new StoredMonitor(name, "{\"name\":\"m\",\"model\":\"models:/other/2\"}", T0,
                T0 + 10));
        assertThat(store.getMonitor(name)).contains(replaced);
        assertThat(store.results(name, 10)).containsExactly(result);
    }

    @Test
    void unknownMonitorIsAbsent() {
        assertThat(store.getMonitor(newName())).isEmpty();
        assertThat(store.results(newName(), 10)).isEmpty();
        assertThat(store.actions(Optional.of(newName()), 10)).isEmpty();
    }

    @Test
    void listMonitorsIsOrderedByName() {
        String prefix = newName();
        store.putMonitor(prefix + "-b", DEFINITION, T0, false);
        store.putMonitor(prefix + "-a", DEFINITION, T0 + 1, false);
        store.putMonitor(prefix + "-c", DEFINITION, T0 + 2, false);

        List<String> names = store.listMonitors().stream().map(StoredMonitor::name)
                .filter(name -> name.startsWith(prefix)).toList();
        assertThat(names).containsExactly(prefix + "-a", prefix + "-b", prefix + "-c");
        List<String> all = store.listMonitors().stream().map(StoredMonitor::name).toList();
        assertThat(all).isSorted();
    }

    @Test
    void deleteMonitorRemovesItsResultsActionsAndLeaseButNothingElse() {
        String name = newName();
        String kept = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        store.putMonitor(kept, DEFINITION, T0, false);
        MonitorResult result = store.addResult(result(name, T0 + 1, MonitorStatus.ALERT));
        store.addAction(action(name, result.id(), T0 + 2));
        MonitorResult keptResult = store.addResult(result(kept, T0 + 1, MonitorStatus.OK));
        MonitorAction keptAction = store.addAction(action(kept, keptResult.id(), T0 + 2));
        assertThat(store.tryAcquireLease("monitor:" + name, "replica-1", T0, 60_000)).isTrue();
        assertThat(store.tryAcquireLease("monitor:" + kept, "replica-1", T0, 60_000)).isTrue();

        assertThat(store.deleteMonitor(name)).isTrue();

        assertThat(store.getMonitor(name)).isEmpty();
        assertThat(store.results(name, 10)).isEmpty();
        assertThat(store.actions(Optional.of(name), 10)).isEmpty();
        assertThat(store.tryAcquireLease("monitor:" + name, "replica-2", T0, 60_000)).isTrue();
        assertThat(store.results(kept, 10)).containsExactly(keptResult);
        assertThat(store.actions(Optional.of(kept), 10)).containsExactly(keptAction);
        assertThat(store.tryAcquireLease("monitor:" + kept, "replica-2", T0, 60_000)).isFalse();
        assertThat(store.deleteMonitor(name)).isFalse();
    }

    @Test
    void latestResultTimeIsTheNewestResultsTimeOrEmpty() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        assertThat(store.latestResultTime(name)).isEmpty();

        store.addResult(result(name, T0 + 20, MonitorStatus.OK));
        store.addResult(result(name, T0 + 10, MonitorStatus.OK));

        assertThat(otherStore.latestResultTime(name)).hasValue(T0 + 20);
        assertThat(store.latestResultTime(newName())).isEmpty();
    }

    @Test
    void aDeletedMonitorCanBeCreatedAgainWithoutItsOldResults() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        store.addResult(result(name, T0 + 1, MonitorStatus.OK));
        store.deleteMonitor(name);

        assertThat(store.putMonitor(name, DEFINITION, T0 + 5, false).creationTime()).isEqualTo(T0 + 5);
        assertThat(store.results(name, 10)).isEmpty();
    }

    @Test
    void resultsComeNewestFirstByTimeThenIdAndAreLimited() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        MonitorResult middle = store.addResult(result(name, T0 + 20, MonitorStatus.OK));
        MonitorResult oldest = store.addResult(result(name, T0 + 10, MonitorStatus.ERROR));
        MonitorResult newestFirstStored = store.addResult(result(name, T0 + 30, MonitorStatus.ALERT));
        MonitorResult newestLastStored = store.addResult(result(name, T0 + 30, MonitorStatus.NOT_ENOUGH_DATA));

        assertThat(List.of(middle.id(), oldest.id(), newestFirstStored.id(), newestLastStored.id())).isSorted()
                .doesNotHaveDuplicates();
        assertThat(store.results(name, 10)).containsExactly(newestLastStored, newestFirstStored, middle, oldest);
        assertThat(store.results(name, 2)).containsExactly(newestLastStored, newestFirstStored);
        assertThat(store.results(name, 1)).containsExactly(newestLastStored);
    }

    @Test
    void resultFieldsRoundTripIncludingAbsentDriftAndEveryStatus() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        List<MonitorResult> stored = new ArrayList<>();
        for (MonitorStatus status : MonitorStatus.values()) {
            stored.add(store.addResult(new MonitorResult(0, name, T0 + status.ordinal(), T0 - 3_600_000, T0, 42,
                    status, Optional.of(status.ordinal() % 2 == 0), Optional.of(0.25 * status.ordinal()),
                    "{\"rows\":42}")));
        }
        MonitorResult unknownDrift = store.addResult(new MonitorResult(0, name, T0 + 100, T0, T0 + 1, 0,
                MonitorStatus.NOT_ENOUGH_DATA, Optional.empty(), Optional.empty(), "{}"));

        List<MonitorResult> read = store.results(name, 100);
        assertThat(read.get(0)).isEqualTo(unknownDrift);
        assertThat(read.get(0).datasetDrift()).isEmpty();
        assertThat(read.get(0).driftShare()).isEmpty();
        Collections.reverse(stored);
        assertThat(read.subList(1, read.size())).containsExactlyElementsOf(stored);
    }

    @Test
    void largeReportTextRoundTrips() {
        String name = newName();
        store.putMonitor(name, DEFINITION, T0, false);
        StringBuilder report = new StringBuilder("{\"features\":[");
        for (int index = 0; report.length() < 1_100_000; index++) {
            report.append(index == 0 ? "" : ",").append("{\"name\":\"feature_").append(index)
                    .append("_é€😀\",\"score\":0.").append(index).append('}');
        }
        report.append("]}");
        String text = report.toString();

        store.addResult(new MonitorResult(0, name, T0, T0, T0, 1, MonitorStatus.OK, Optional.of(false),
                Optional.of(0.0), text));

        assertThat(store.results(name, 1).get(0).reportJson()).isEqualTo(text);
    }

    @Test
    void addResultOrActionForAnUnknownMonitorIsRefused() {
        String name = newName();
        assertThatThrownBy(() -> store.addResult(result(name, T0, MonitorStatus.OK)))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining(name);
        assertThatThrownBy(() -> store.addAction(action(name, 1, T0)))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining(name);
        assertThat(store.results(name, 10)).isEmpty();
    }

    @Test
    void actionsRoundTripNewestFirstPerMonitorOrAcrossMonitors() {
        String first = newName();
        String second = newName();
        store.putMonitor(first, DEFINITION, T0, false);
        store.putMonitor(second, DEFINITION, T0, false);
        long later = T0 + 1_000_000_000L; // after the actions of the other tests, which share the database
        MonitorAction old = store.addAction(action(first, 7, later + 1));
        MonitorAction failed = store.addAction(new MonitorAction(0, second, 8, later + 3, "dataset_drift",
                "drift_share 0.6 > 0.5", "retrain", "/pipelines/churn", false, "ci exited with 1"));
        MonitorAction recent = store.addAction(action(first, 9, later + 2));

        assertThat(old.id()).isLessThan(failed.id());
        assertThat(failed.id()).isLessThan(recent.id());
        assertThat(store.actions(Optional.of(first), 10)).containsExactly(recent, old);
        assertThat(store.actions(Optional.of(second), 10)).containsExactly(failed);
        assertThat(store.actions(Optional.empty(), 3)).containsExactly(failed, recent, old);
        assertThat(store.actions(Optional.empty(), 1)).containsExactly(failed);
    }

    @Test
    void actionsAreCountedPerMonitorKindAndOutcome() {
        String first = newName();
        String second = newName();
        store.putMonitor(first, DEFINITION, T0, false);
        store.putMonitor(second, DEFINITION, T0, false);
        store.addAction(action(first, 1, T0));
        store.addAction(action(first, 2, T0 + 1));
        store.addAction(new MonitorAction(0, first, 3, T0 + 2, "dataset_drift", "drift", "retrain", "/p", false,
                "exit 1"));
        store.addAction(action(second, 4, T0 + 3));

        List<ActionCount> counts = otherStore.actionCounts().stream()
                .filter(count -> count.monitorName().equals(first) || count.monitorName().equals(second)).toList();

        MonitorAction sample = action(first, 1, T0);
        assertThat(counts).isSortedAccordingTo(Comparator.comparing(ActionCount::monitorName)
                .thenComparing(ActionCount::kind).thenComparing(ActionCount::succeeded));
        assertThat(counts).containsExactlyInAnyOrder(
                new ActionCount(first, "retrain", false, 1),
                new ActionCount(first, sample.kind(), sample.succeeded(), 2),
                new ActionCount(second, sample.kind(), sample.succeeded(), 1));
    }

    @Test
    void freeLeaseIsTakenAndItsOwnerRenewsIt() {
        String lease = newName();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0, 1_000)).isTrue();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0 + 500, 1_000)).isTrue();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0 + 500, 1_000)).isTrue();
        // renewed until T0 + 1500: still refused to another owner at T0 + 1200
        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1_200, 1_000)).isFalse();
    }

    @Test
    void heldLeaseIsRefusedToAnotherOwnerUntilItExpires() {
        String lease = newName();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0, 1_000)).isTrue();

        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1, 1_000)).isFalse();
        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1_000, 1_000)).isFalse();
        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1_001, 1_000)).isTrue();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0 + 1_002, 1_000)).isFalse();
    }

    @Test
    void releasedLeaseIsFreeAndOnlyItsOwnerReleasesIt() {
        String lease = newName();
        assertThat(store.tryAcquireLease(lease, "replica-1", T0, 60_000)).isTrue();

        otherStore.releaseLease(lease, "replica-2");
        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1, 60_000)).isFalse();

        store.releaseLease(lease, "replica-1");
        assertThat(otherStore.tryAcquireLease(lease, "replica-2", T0 + 1, 60_000)).isTrue();
        store.releaseLease(newName(), "replica-1");
    }

    @Test
    void ownersRacingForALeaseNeverBothGetIt() throws Exception {
        int rounds = 20;
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < rounds; round++) {
                String lease = newName();
                // every other round the lease exists but has expired, so the conditional update races too
                if (round % 2 == 1) {
                    assertThat(store.tryAcquireLease(lease, "stale", T0 - 10_000, 1)).isTrue();
                }
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<Boolean>> takers = new ArrayList<>();
                for (int taker = 0; taker < 4; taker++) {
                    MonitorStore through = taker % 2 == 0 ? store : otherStore;
                    String owner = "replica-" + taker;
                    takers.add(executor.submit(() -> {
                        start.await();
                        return through.tryAcquireLease(lease, owner, T0, 60_000);
                    }));
                }
                int winners = 0;
                for (Future<Boolean> taker : takers) {
                    winners += taker.get() ? 1 : 0;
                }
                assertThat(winners).as("winners of round %d", round).isEqualTo(1);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static MonitorResult result(String name, long time, MonitorStatus status) {
        return new MonitorResult(0, name, time, time - 3_600_000, time, 1000, status, Optional.of(true),
                Optional.of(0.6), "{\"rows\":1000,\"dataset_drift\":true,\"drift_share\":0.6}");
    }

    private static MonitorAction action(String name, long resultId, long time) {
        return new MonitorAction(0, name, resultId, time, "dataset_drift", "dataset_drift held: drift_share 0.6",
                "webhook", "https://hooks.example.com/x", true, "HTTP 200");
    }

    private static String newName() {
        return "monitor-" + NAMES.incrementAndGet();
    }
}
