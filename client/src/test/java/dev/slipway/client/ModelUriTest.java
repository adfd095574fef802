package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersionStage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelUriTest {

    @Test
    void parsesVersionAliasStageAndLatest() {
        assertThat(ModelUri.parse("models:/churn/3")).isEqualTo(new ModelUri.RegistryVersion("models:/churn/3", "churn", 3));
        assertThat(ModelUri.parse("models:/churn@champion"))
                .isEqualTo(new ModelUri.RegistryAlias("models:/churn@champion", "churn", "champion"));
        assertThat(ModelUri.parse("models:/churn/production"))
                .isEqualTo(new ModelUri.RegistryLatest("models:/churn/production", "churn",
                        Optional.of(ModelVersionStage.PRODUCTION)));
        assertThat(ModelUri.parse("models:/churn/latest"))
                .isEqualTo(new ModelUri.RegistryLatest("models:/churn/latest", "churn", Optional.empty()));
    }

    @Test
    void acceptsExtraSlashesAfterTheScheme() {
        assertThat(ModelUri.parse("models:///churn/3")).isInstanceOf(ModelUri.RegistryVersion.class);
        assertThat(ModelUri.parse("  models:/churn@c  ")).isInstanceOf(ModelUri.RegistryAlias.class);
    }

    @Test
    void parsesALoggedModelIdWithoutASlash() {
        assertThat(ModelUri.parse("models:/m-0123456789abcdef0123456789abcdef"))
                .isEqualTo(new ModelUri.LoggedModel("models:/m-0123456789abcdef0123456789abcdef",
                        "m-0123456789abcdef0123456789abcdef"));
        assertThat(ModelUri.parse("models:///m-42")).isEqualTo(new ModelUri.LoggedModel("models:///m-42", "m-42"));
    }

    @Test
    void registryUrisOfModelsNamedLikeLoggedModelIdsKeepTheirMeaning() {
        assertThat(ModelUri.parse("models:/m-churn/2")).isEqualTo(new ModelUri.RegistryVersion("models:/m-churn/2",
                "m-churn", 2));
        assertThat(ModelUri.parse("models:/m-churn@prod"))
                .isEqualTo(new ModelUri.RegistryAlias("models:/m-churn@prod", "m-churn", "prod"));
        assertThat(ModelUri.parse("models:/m-churn/latest")).isInstanceOf(ModelUri.RegistryLatest.class);
    }

    @Test
    void rejectsMalformedLoggedModelIdsWithTheAcceptedForms() {
        for (String bad : new String[] {"models:/m-", "models:/m-a b", "models:/m-x!y", "models:/m-abc/"}) {
            assertThatThrownBy(() -> ModelUri.parse(bad)).as(bad).isInstanceOf(SlipwayException.class)
                    .hasMessageContaining("Invalid model URI '" + bad + "'")
                    .hasMessageContaining("models:/m-<logged model id>");
        }
    }

    @Test
    void parsesRunUrisWithAndWithoutPath() {
        assertThat(ModelUri.parse("runs:/abc123/model/")).isEqualTo(new ModelUri.RunArtifacts("runs:/abc123/model/",
                "abc123", "model"));
        assertThat(ModelUri.parse("runs:/abc123")).isEqualTo(new ModelUri.RunArtifacts("runs:/abc123", "abc123", ""));
    }

    @Test
    void everythingElseIsALocation() {
        assertThat(ModelUri.parse("mlflow-artifacts:/1/abc/artifacts/model"))
                .isEqualTo(new ModelUri.Location("mlflow-artifacts:/1/abc/artifacts/model"));
        assertThat(ModelUri.parse("/tmp/model")).isEqualTo(new ModelUri.Location("/tmp/model"));
        assertThat(ModelUri.parse("file:///tmp/model")).isEqualTo(new ModelUri.Location("file:///tmp/model"));
    }

    @Test
    void rejectsMalformedRegistryUrisWithTheAcceptedForms() {
        for (String bad : new String[] {"models:/churn", "models:/churn/", "models:/churn/0", "models:/churn/bogus",
                "models:/a/b/3", "models:/@x", "models:/churn@", "models:/"}) {
            assertThatThrownBy(() -> ModelUri.parse(bad)).as(bad).isInstanceOf(SlipwayException.class)
                    .hasMessageContaining("Invalid model URI '" + bad + "'")
                    .hasMessageContaining("models:/<name>@<alias>");
        }
    }

    @Test
    void rejectsRunUrisWithoutAValidRunId() {
        assertThatThrownBy(() -> ModelUri.parse("runs:/../x")).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("runs:/<run_id>/<path>");
        assertThatThrownBy(() -> ModelUri.parse("runs:/")).isInstanceOf(SlipwayException.class);
    }

    @Test
    void rejectsAnEmptyUri() {
        assertThatThrownBy(() -> ModelUri.parse("  ")).hasMessageContaining("empty");
    }
}
