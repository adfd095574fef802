package dev.slipway.core.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeploymentRecordsTest {
    @Test
    void statusWireNamesParseInAnyCase() {
        assertThat(SyncStatus.parse("Synced")).isEqualTo(SyncStatus.SYNCED);
        assertThat(SyncStatus.parse("outofsync")).isEqualTo(SyncStatus.OUT_OF_SYNC);
        assertThat(SyncStatus.parse("UNKNOWN")).isEqualTo(SyncStatus.UNKNOWN);
        assertThat(HealthStatus.parse("healthy")).isEqualTo(HealthStatus.HEALTHY);
        assertThat(HealthStatus.parse("Progressing")).isEqualTo(HealthStatus.PROGRESSING);
        assertThat(SyncStatus.OUT_OF_SYNC.wireName()).isEqualTo("OutOfSync");
        assertThat(HealthStatus.MISSING.wireName()).isEqualTo("Missing");
        for (SyncStatus status : SyncStatus.values()) {
            assertThat(SyncStatus.parse(status.wireName())).isEqualTo(status);
        }
        for (HealthStatus status : HealthStatus.values()) {
            assertThat(HealthStatus.parse(status.wireName())).isEqualTo(status);
        }
    }

    @Test
    void unknownStatusNamesAreRefusedNamingTheAllowedValues() {
        expectInvalid(() -> SyncStatus.parse("out_of_sync"), "'sync'", "Synced, OutOfSync, Unknown");
        expectInvalid(() -> HealthStatus.parse("fine"), "'health'",
                "Healthy, Progressing, Degraded, Suspended, Missing, Unknown");
    }

    @Test
    void statusParsesTheModelAndCanaryUris() {
        DeploymentStatus status = status("models:/churn/7", Optional.of("models:/churn-v2/12"), 25);

        assertThat(status.modelName()).isEqualTo("churn");
        assertThat(status.modelVersion()).isEqualTo(7);
        assertThat(status.canaryModelName()).contains("churn-v2");
        assertThat(status.canaryModelVersion()).contains(12L);
        assertThat(status("models:/a b/1", Optional.empty(), 0).canaryModelName()).isEmpty();
    }

    @Test
    void emptyOptionalTextsBecomeAbsent() {
        DeploymentStatus status = new DeploymentStatus("prod", "churn", Optional.of(""), "models:/churn/7",
                Optional.of(""), Optional.of(""), 0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY, "",
                Optional.of(""), "agent", 0);

        assertThat(status.revision()).isEmpty();
        assertThat(status.liveModel()).isEmpty();
        assertThat(status.canary()).isEmpty();
        assertThat(status.endpoint()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prod", "-prod", "prod-", "pr_od", "p.rod", ""})
    void environmentAndNameMustBeDnsLabels(String label) {
        expectInvalid(() -> new DeploymentStatus(label, "churn", Optional.empty(), "models:/churn/7",
                Optional.empty(), Optional.empty(), 0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY, "",
                Optional.empty(), "agent", 0), "'env'");
        expectInvalid(() -> new DeploymentEvent(0, "prod", label, 0, "synced", Optional.empty(), "", "{}"),
                "'name'");
    }

    @Test
    void labelsMayHave63Characters() {
        String longest = "a".repeat(63);
        assertThat(status(longest, "models:/churn/7").env()).isEqualTo(longest);
        expectInvalid(() -> status("a".repeat(64), "models:/churn/7"), "'env'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"churn", "models:/churn", "models:/churn@champion", "models:/churn/latest",
        "runs:/abc/model", "models:/churn/7/extra"})
    void modelMustBeAModelVersionUri(String uri) {
        expectInvalid(() -> status("prod", uri), "'model'");
        expectInvalid(() -> status("models:/churn/7", Optional.of(uri), 10), "'canary'");
    }

    @Test
    void canaryWeightIsAPercentageAndNeedsACanary() {
        expectInvalid(() -> status("models:/churn/7", Optional.of("models:/churn/8"), 101), "'canary_weight'");
        expectInvalid(() -> status("models:/churn/7", Optional.of("models:/churn/8"), -1), "'canary_weight'");
        expectInvalid(() -> status("models:/churn/7", Optional.empty(), 10), "'canary_weight'");
        expectInvalid(() -> new DeploymentStatus("prod", "churn", Optional.empty(), "models:/churn/7",
                Optional.empty(), Optional.empty(), 0, Optional.of(1), SyncStatus.SYNCED, HealthStatus.HEALTHY, "",
                Optional.empty(), "agent", 0), "'canary_step'");
        assertThat(status("models:/churn/7", Optional.of("models:/churn/8"), 100).canaryWeight()).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Synced", "canary-step", "canary step",
        "kind_with_more_than_forty_characters_is_refused"})
    void eventKindIsAShortLowerCaseWord(String kind) {
        expectInvalid(() -> new DeploymentEvent(0, "prod", "churn", 0, kind, Optional.empty(), "", "{}"), "'kind'");
    }

    @Test
    void eventKeepsItsFieldsAndTakesAnId() {
        DeploymentEvent event = new DeploymentEvent(0, "prod", "churn", 5, "canary_rolled_back", Optional.of(""),
                "p99 too high", "{\"p99_ms\": 900}");

        assertThat(event.revision()).isEmpty();
        assertThat(event.withId(42)).isEqualTo(new DeploymentEvent(42, "prod", "churn", 5, "canary_rolled_back",
                Optional.empty(), "p99 too high", "{\"p99_ms\": 900}"));
    }

    private static DeploymentStatus status(String env, String model) {
        return new DeploymentStatus(env, "churn", Optional.of("abc123"), model, Optional.empty(), Optional.empty(),
                0, Optional.empty(), SyncStatus.SYNCED, HealthStatus.HEALTHY, "", Optional.empty(), "agent", 0);
    }

    private static DeploymentStatus status(String model, Optional<String> canary, int weight) {
        return new DeploymentStatus("prod", "churn", Optional.empty(), model, Optional.empty(), canary, weight,
                canary.map(uri -> 0), SyncStatus.OUT_OF_SYNC, HealthStatus.PROGRESSING, "rolling out",
                Optional.of("http://churn.prod:8080"), "agent", 1);
    }

    private static void expectInvalid(ThrowingCallable call, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContainingAll(fragments);
    }
}
