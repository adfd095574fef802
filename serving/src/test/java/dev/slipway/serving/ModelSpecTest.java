package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void registryUrisAreServedUnderTheRegisteredModelName() {
        assertThat(ModelSpec.of("models:/churn@champion").name()).isEqualTo("churn");
        assertThat(ModelSpec.of("models:/churn/3").name()).isEqualTo("churn");
        assertThat(ModelSpec.of("models:/churn/Production").name()).isEqualTo("churn");
        assertThat(ModelSpec.of("models:/churn/latest").name()).isEqualTo("churn");
    }

    @Test
    void otherUrisAreServedUnderTheFolderName() {
        assertThat(ModelSpec.of("runs:/0a1b2c/model").name()).isEqualTo("model");
        assertThat(ModelSpec.of("runs:/0a1b2c").name()).isEqualTo("0a1b2c");
        assertThat(ModelSpec.of("mlflow-artifacts:/1/abc/artifacts/churn-model/").name()).isEqualTo("churn-model");
        assertThat(ModelSpec.of("/data/models/fraud").name()).isEqualTo("fraud");
        assertThat(ModelSpec.of("file:///data/models/fraud").name()).isEqualTo("fraud");
        assertThat(ModelSpec.of(".").name()).isEqualTo(Path.of("").toAbsolutePath().getFileName().toString());
    }

    @Test
    void nameCanBeOverriddenAndCanaryAndShadowAdded() {
        ModelSpec spec = ModelSpec.of("models:/churn@champion").withName("scores")
                .withCanary("models:/churn/7", 10).withShadow("models:/churn/8");
        assertThat(spec.name()).isEqualTo("scores");
        assertThat(spec.canary()).contains(new ModelSpec.Canary("models:/churn/7", TrafficSplit.of(10)));
        assertThat(spec.shadowUri()).contains("models:/churn/8");
    }

    @Test
    void malformedUriOrNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> ModelSpec.of("models:/churn")).hasMessageContaining("models:/churn");
        assertThatThrownBy(() -> new ModelSpec("a/b", "models:/churn/1", Optional.empty(), Optional.empty()))
                .hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> ModelSpec.of("models:/churn/1").withCanary("models:/churn/2", 150))
                .hasMessageContaining("150");
    }
}
