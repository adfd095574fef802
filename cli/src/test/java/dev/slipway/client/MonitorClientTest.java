package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.monitors.MonitorAction;
import dev.slipway.core.monitors.MonitorResult;
import dev.slipway.core.monitors.MonitorStatus;
import dev.slipway.core.monitors.StoredMonitor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MonitorClient against a real Slipway server on an ephemeral port over SQLite. */
class MonitorClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path folder;

    private static RunningServer server;
    private static MonitorClient monitors;

    @BeforeAll
    static void startServer() {
        // the client's round trips only: a server that ran the monitors on their schedules would add its own results
        // (a monitor that never ran is due at once) between the ones these tests add and read back
        server = RunningServer.onFolder(folder, "--no-monitors");
        monitors = server.client().monitors();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void monitorRoundTripsThroughCreateGetListReplaceAndDelete() throws Exception {
        String name = newName();
        StoredMonitor created = monitors.create(definition(name, "models:/churn@champion"), false);

        assertThat(created.name()).isEqualTo(name);
        assertThat(JSON.readTree(created.definitionJson()).get("model").asText()).isEqualTo("models:/churn@champion");
        assertThat(created.lastUpdateTime()).isEqualTo(created.creationTime());
        assertThat(monitors.get(name)).isEqualTo(new MonitorView(created, Optional.empty()));
        assertThat(monitors.list()).contains(new MonitorView(created, Optional.empty()));
        expectError(() -> monitors.create(definition(name, "models:/churn/2"), false),
                ErrorCode.RESOURCE_ALREADY_EXISTS);

        StoredMonitor replaced = monitors.create(definition(name, "models:/churn/2"), true);
        assertThat(replaced.creationTime()).isEqualTo(created.creationTime());
        assertThat(JSON.readTree(monitors.get(name).monitor().definitionJson()).get("model").asText())
                .isEqualTo("models:/churn/2");

        monitors.delete(name);
        expectError(() -> monitors.get(name), ErrorCode.RESOURCE_DOES_NOT_EXIST);
        expectError(() -> monitors.delete(name), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void resultsRoundTripNewestFirstAndTheLatestIsShownWithTheMonitor() throws Exception {
        String name = newName();
        monitors.create(definition(name, "models:/churn@champion"), false);
        MonitorResult first = monitors.addResult(new MonitorResult(0, name, T0, T0 - 3_600_000, T0, 1000,
                MonitorStatus.ALERT, Optional.of(true), Optional.of(0.6),
                "{\"rows\": 1000, \"features\": [{\"name\": \"tenure\", \"score\": 0.001}]}"));
        MonitorResult second = monitors.addResult(new MonitorResult(0, name, T0 + 1, T0, T0 + 1, 0,
                MonitorStatus.NOT_ENOUGH_DATA, Optional.empty(), Optional.empty(), "{}"));

        assertThat(first.id()).isPositive();
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(first.status()).isEqualTo(MonitorStatus.ALERT);
        assertThat(first.datasetDrift()).contains(true);
        assertThat(first.driftShare()).contains(0.6);
        assertThat(JSON.readTree(first.reportJson()).get("features").get(0).get("name").asText()).isEqualTo("tenure");
        assertThat(second.datasetDrift()).isEmpty();
        assertThat(second.driftShare()).isEmpty();
        assertThat(monitors.results(name, 10)).containsExactly(second, first);
        assertThat(monitors.results(name, 1)).containsExactly(second);
        assertThat(monitors.get(name).latestResult()).contains(second);
        assertThat(monitors.list()).filteredOn(view -> view.monitor().name().equals(name))
                .extracting(MonitorView::latestResult).containsExactly(Optional.of(second));
    }

    @Test
    void actionsRoundTripPerMonitorAndForAll() {
        String name = newName();
        monitors.create(definition(name, "models:/churn@champion"), false);
        long later = 5_000_000_000_000L;
        MonitorAction webhook = monitors.addAction(new MonitorAction(0, name, 3, later, "dataset_drift",
                "drift_share 0.6 >= 0.5", "webhook", "https://hooks.example.org/x", true, "HTTP 200"));
        MonitorAction retrain = monitors.addAction(new MonitorAction(0, name, 3, later + 1, "dataset_drift",
                "drift_share 0.6 >= 0.5", "retrain", "/srv/churn", false, "ci failed: exit 1"));

        assertThat(retrain.id()).isGreaterThan(webhook.id());
        assertThat(webhook).isEqualTo(new MonitorAction(webhook.id(), name, 3, later, "dataset_drift",
                "drift_share 0.6 >= 0.5", "webhook", "https://hooks.example.org/x", true, "HTTP 200"));
        assertThat(monitors.actions(Optional.of(name), 10)).containsExactly(retrain, webhook);
        assertThat(monitors.actions(Optional.empty(), 1)).containsExactly(retrain);
    }

    @Test
    void badInputIsRefusedWithTheServersError() {
        String name = newName();
        expectError(() -> monitors.addResult(new MonitorResult(0, name, T0, T0, T0, 1, MonitorStatus.OK,
                Optional.empty(), Optional.empty(), "{}")), ErrorCode.RESOURCE_DOES_NOT_EXIST);
        monitors.create(definition(name, "models:/churn@champion"), false);
        expectError(() -> monitors.addResult(new MonitorResult(0, name, T0, T0, T0, 1, MonitorStatus.OK,
                Optional.empty(), Optional.empty(), "[1, 2]")), ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> monitors.results(name, 0), ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> monitors.create(definition("bad name", "models:/churn/1"), false),
                ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(monitors.results(name, 10)).isEmpty();
        assertThat(List.of(monitors.get(name).latestResult())).containsExactly(Optional.empty());
    }

    private static ObjectNode definition(String name, String model) {
        ObjectNode definition = JSON.createObjectNode().put("name", name).put("model", model).put("window", "1h");
        definition.putArray("alerts").addObject().put("when", "dataset_drift")
                .put("webhook", "https://hooks.example.org/x");
        return definition;
    }

    private static void expectError(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    private static String newName() {
        return "client-monitor-" + NAMES.incrementAndGet();
    }
}
