package dev.slipway.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.Durations;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentSpecTest {
    private static final String FULL = """
            name: churn
            model: models:/churn/7
            replicas: 2
            port: 8081
            resources: {cpu: "1", memory: 1Gi}
            canary: {candidate: models:/churn/8, steps: [10, 25, 50, 100], pause: 5m,
                     analysis: {max_error_rate: 0.01, max_p99_ms: 500, min_quality: {accuracy: 0.8}}, failure_limit: 3}
            shadow: models:/churn/9
            monitors: [churn-drift]
            sync: {self_heal: true, prune: false}
            """;

    @Test
    void parsesEveryField() {
        DeploymentSpec spec = DeploymentSpec.fromYaml(FULL, "envs/prod/churn.yaml");

        assertThat(spec.name()).isEqualTo("churn");
        assertThat(spec.model()).isEqualTo("models:/churn/7");
        assertThat(spec.modelName()).isEqualTo("churn");
        assertThat(spec.modelVersion()).isEqualTo(7);
        assertThat(spec.replicas()).isEqualTo(2);
        assertThat(spec.port()).isEqualTo(8081);
        assertThat(spec.resources()).isEqualTo(Map.of("cpu", "1", "memory", "1Gi"));
        DeploymentSpec.Canary canary = spec.canary().orElseThrow();
        assertThat(canary.candidate()).isEqualTo("models:/churn/8");
        assertThat(canary.steps()).containsExactly(10, 25, 50, 100);
        assertThat(canary.pause()).isEqualTo(Duration.ofMinutes(5));
        assertThat(canary.analysis().maxErrorRate()).hasValue(0.01);
        assertThat(canary.analysis().maxP99Millis()).hasValue(500);
        assertThat(canary.analysis().minQuality()).isEqualTo(Map.of("accuracy", 0.8));
        assertThat(canary.failureLimit()).isEqualTo(3);
        assertThat(spec.shadow()).hasValue("models:/churn/9");
        assertThat(spec.monitors()).isEqualTo(List.of("churn-drift"));
        assertThat(spec.selfHeal()).isTrue();
        assertThat(spec.prune()).isFalse();
    }

    @Test
    void appliesDefaults() {
        DeploymentSpec spec = DeploymentSpec.fromYaml("name: churn\nmodel: models:/churn/7\n", "churn.yaml");

        assertThat(spec).isEqualTo(DeploymentSpec.of("churn", "models:/churn/7"));
        assertThat(spec.replicas()).isEqualTo(1);
        assertThat(spec.port()).isEqualTo(8080);
        assertThat(spec.canary()).isEmpty();
        assertThat(spec.selfHeal()).isFalse();
    }

    @Test
    void roundTripsThroughYaml() {
        DeploymentSpec spec = DeploymentSpec.fromYaml(FULL, "envs/prod/churn.yaml");

        String yaml = spec.toYaml();

        assertThat(DeploymentSpec.fromYaml(yaml, "again")).isEqualTo(spec);
        assertThat(yaml).contains("model: models:/churn/7").contains("pause: 5m").contains("cpu: \"1\"");
        DeploymentSpec minimal = DeploymentSpec.of("churn", "models:/churn/7");
        assertThat(DeploymentSpec.fromYaml(minimal.toYaml(), "minimal")).isEqualTo(minimal);
    }

    @Test
    void refusesAnAliasWithAClearMessage() {
        assertInvalid("name: churn\nmodel: models:/churn@champion\n", "model 'models:/churn@champion' names an alias");
        assertInvalid("name: churn\nmodel: models:/churn/latest\n", "names 'latest'");
        assertInvalid("name: churn\nmodel: runs:/abc/model\n", "is not a model version URI");
        assertInvalid("name: churn\nmodel: models:/churn/7\nshadow: models:/churn@shadow\n", "shadow 'models:/churn@shadow' names an alias");
    }

    @Test
    void refusesUnknownKeysNamingFileAndField() {
        assertInvalid("name: churn\nmodel: models:/churn/7\nreplica: 2\n", "envs/prod/churn.yaml: replica is not a known field");
        assertInvalid("name: churn\nmodel: models:/churn/7\nsync: {selfHeal: true}\n", "sync.selfHeal is not a known field");
        assertInvalid("name: churn\nmodel: models:/churn/7\ncanary: {candidate: models:/churn/8, step: [10]}\n",
                "canary.step is not a known field");
    }

    @Test
    void refusesBadNamesPortsStepsAndDurations() {
        assertInvalid("name: Churn_Model\nmodel: models:/churn/7\n", "name 'Churn_Model' is not a DNS-1123 label");
        assertInvalid("model: models:/churn/7\n", "name is missing");
        assertInvalid("name: churn\nmodel: models:/churn/7\nport: 70000\n", "port must be in 1..65535");
        assertInvalid("name: churn\nmodel: models:/churn/7\nport: http\n", "port must be a whole number");
        assertInvalid("name: churn\nmodel: models:/churn/7\ncanary: {candidate: models:/churn/8, steps: [50, 25]}\n",
                "must increase strictly");
        assertInvalid("name: churn\nmodel: models:/churn/7\ncanary: {candidate: models:/churn/8, steps: [10, 120]}\n",
                "weight 120 is outside 1..100");
        assertInvalid("name: churn\nmodel: models:/churn/7\ncanary: {candidate: models:/churn/8, pause: 5 minutes}\n",
                "Invalid duration '5 minutes'");
        assertInvalid("name: churn\nmodel: models:/churn/7\ncanary: {candidate: models:/churn/8, analysis: {max_error_rate: 2}}\n",
                "max_error_rate must be in 0..1");
        assertInvalid("name: [churn\n", "is not valid YAML");
    }

    @Test
    void readsAndWritesCompoundDurations() {
        assertThat(DeploymentSpec.parseDuration("1h30m", "pause")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DeploymentSpec.parseDuration("500ms", "pause")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.text(Duration.ofSeconds(90))).isEqualTo("1m30s");
    }

    private static void assertInvalid(String yaml, String message) {
        assertThatThrownBy(() -> DeploymentSpec.fromYaml(yaml, "envs/prod/churn.yaml"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("envs/prod/churn.yaml")
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }
}
