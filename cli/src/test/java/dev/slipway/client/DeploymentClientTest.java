package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.gitops.DeploymentEvent;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeploymentClient against a real {@code slipway server} on an ephemeral port over SQLite. */
class DeploymentClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path folder;

    private static RunningServer server;
    private static DeploymentClient deployments;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(folder);
        deployments = server.client().deployments();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    @Test
    void statusRoundTripsThroughReportGetListAndDelete() {
        String env = newEnv();
        DeploymentStatus status = new DeploymentStatus(env, "churn", Optional.of("4f2a9c1e"), "models:/churn/7",
                Optional.of("models:/churn/6"), Optional.of("models:/churn/8"), 25, Optional.of(1),
                SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "canary at 25% é€😀",
                Optional.of("http://churn.prod.svc:8080"), "slipway-agent@host-1", 5);
        long before = System.currentTimeMillis();

        DeploymentStatus reported = deployments.report(status);

        assertThat(reported.updatedTime()).isBetween(before, System.currentTimeMillis());
        assertThat(reported).isEqualTo(status.withUpdatedTime(reported.updatedTime()));
        assertThat(deployments.get(env, "churn")).contains(reported);
        assertThat(deployments.list(Optional.of(env), Optional.empty())).containsExactly(reported);
        assertThat(deployments.list(Optional.empty(), Optional.empty())).contains(reported);

        deployments.delete(env, "churn");
        assertThat(deployments.get(env, "churn")).isEmpty();
        assertThat(deployments.list(Optional.of(env), Optional.empty())).isEmpty();
        expectError(() -> deployments.delete(env, "churn"), ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void emptyOptionalsRoundTripAndAReportReplacesThePreviousOne() {
        String env = newEnv();
        deployments.report(new DeploymentStatus(env, "fraud", Optional.of("rev-1"), "models:/fraud/1",
                Optional.of("models:/fraud/1"), Optional.of("models:/fraud/2"), 50, Optional.of(2), SyncStatus.SYNCED,
                HealthStatus.PROGRESSING, "canary", Optional.of("http://fraud:8080"), "agent-1", 0));
        DeploymentStatus bare = new DeploymentStatus(env, "fraud", Optional.empty(), "models:/fraud/2",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.UNKNOWN, HealthStatus.MISSING, "",
                Optional.empty(), "agent-2", 0);

        DeploymentStatus reported = deployments.report(bare);

        assertThat(reported).isEqualTo(bare.withUpdatedTime(reported.updatedTime()));
        assertThat(deployments.get(env, "fraud")).contains(reported);
    }

    @Test
    void listFiltersByModelNameOfTheModelOrTheCanary() {
        String prod = newEnv() + "-prod";
        String staging = prod.replace("-prod", "-staging");
        String model = "model-" + NAMES.incrementAndGet();
        DeploymentStatus serving = deployments.report(status(prod, "a", "models:/" + model + "/3", Optional.empty()));
        DeploymentStatus canary = deployments.report(status(prod, "b", "models:/other/1",
                Optional.of("models:/" + model + "/4")));
        deployments.report(status(prod, "c", "models:/other/2", Optional.empty()));
        DeploymentStatus elsewhere = deployments.report(status(staging, "a", "models:/" + model + "/4",
                Optional.empty()));

        assertThat(deployments.list(Optional.empty(), Optional.of(model))).containsExactly(serving, canary, elsewhere);
        assertThat(deployments.list(Optional.of(prod), Optional.of(model))).containsExactly(serving, canary);
        assertThat(deployments.list(Optional.of(staging), Optional.of("other"))).isEmpty();
    }

    @Test
    void eventsRoundTripNewestFirstWithTheirEvidence() throws Exception {
        String env = newEnv();
        DeploymentEvent started = deployments.appendEvent(env, "churn", "started", Optional.empty(),
                "model server started", "{}");
        DeploymentEvent check = deployments.appendEvent(env, "churn", "canary_check", Optional.of("4f2a9c1e"),
                "p99 912 ms > 500 ms", "{\"p99_ms\": 912, \"max_p99_ms\": 500, \"passed\": false}");
        DeploymentEvent other = deployments.appendEvent(env, "fraud", "synced", Optional.empty(), "", "{}");

        assertThat(check.id()).isGreaterThan(started.id());
        assertThat(check.time()).isGreaterThanOrEqualTo(started.time());
        assertThat(check.kind()).isEqualTo("canary_check");
        assertThat(check.revision()).contains("4f2a9c1e");
        assertThat(check.message()).isEqualTo("p99 912 ms > 500 ms");
        assertThat(JSON.readTree(check.evidenceJson())).isEqualTo(JSON.readTree(
                "{\"p99_ms\": 912, \"max_p99_ms\": 500, \"passed\": false}"));
        assertThat(started.revision()).isEmpty();
        assertThat(started.evidenceJson()).isEqualTo("{}");
        assertThat(deployments.events(env, Optional.of("churn"), 10)).containsExactly(check, started);
        assertThat(deployments.events(env, Optional.empty(), 10)).containsExactly(other, check, started);
        assertThat(deployments.events(env, Optional.empty(), 1)).containsExactly(other);
        assertThat(DeploymentClient.toJson(check).get("evidence").get("p99_ms").asInt()).isEqualTo(912);
    }

    @Test
    void badInputIsRefused() {
        String env = newEnv();
        expectError(() -> deployments.appendEvent(env, "churn", "synced", Optional.empty(), "", "[1, 2]"),
                ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.appendEvent(env, "churn", "synced", Optional.empty(), "", "{not json"),
                ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.appendEvent(env, "churn", "Not-A-Kind", Optional.empty(), "", "{}"),
                ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.events(env, Optional.empty(), 0), ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.events(env, Optional.empty(), 1001), ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.list(Optional.of("Not A Label"), Optional.empty()),
                ErrorCode.INVALID_PARAMETER_VALUE);
        expectError(() -> deployments.report(new DeploymentStatus(env, "churn", Optional.empty(), "models:/churn/1",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY,
                "m".repeat(16 * 1024 + 1), Optional.empty(), "agent", 0)), ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(deployments.events(env, Optional.empty(), 10)).isEmpty();
        assertThat(deployments.get(env, "churn")).isEmpty();
    }

    private static DeploymentStatus status(String env, String name, String model, Optional<String> canary) {
        return new DeploymentStatus(env, name, Optional.empty(), model, Optional.empty(), canary,
                canary.isPresent() ? 10 : 0, canary.map(uri -> 0), SyncStatus.SYNCED, HealthStatus.HEALTHY, "",
                Optional.empty(), "agent", 0);
    }

    private static void expectError(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    private static String newEnv() {
        return "env-" + NAMES.incrementAndGet();
    }
}
