package dev.slipway.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Tag;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryRulesTest {
    @Test
    void stagesParseCaseInsensitivelyToTheirCanonicalNames() {
        assertThat(ModelVersionStage.parse("production")).isEqualTo(ModelVersionStage.PRODUCTION);
        assertThat(ModelVersionStage.parse("STAGING").wireName()).isEqualTo("Staging");
        assertThat(ModelVersionStage.parse("none")).isEqualTo(ModelVersionStage.NONE);
        assertThat(ModelVersionStage.parse("Archived")).isEqualTo(ModelVersionStage.ARCHIVED);
    }

    @Test
    void unknownStageIsRejectedWithMlflowsMessage() {
        assertThatThrownBy(() -> ModelVersionStage.parse("Deleted_Internal"))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("Invalid Model Version stage: Deleted_Internal. "
                        + "Value must be one of None, Staging, Production, Archived.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void aliasesFollowMlflowsRule() {
        assertThatCode(() -> RegistryService.validateAlias("champion-2_b")).doesNotThrowAnyException();
        assertThatCode(() -> RegistryService.validateAlias("version1")).doesNotThrowAnyException();
        assertThatThrownBy(() -> RegistryService.validateAlias("")).hasMessageContaining("cannot be empty");
        assertThatThrownBy(() -> RegistryService.validateAlias("a.b")).hasMessageContaining("Invalid alias name: 'a.b'");
        assertThatThrownBy(() -> RegistryService.validateAlias("a b")).hasMessageContaining("Invalid alias name");
        assertThatThrownBy(() -> RegistryService.validateAlias("x".repeat(256))).hasMessageContaining("length limit");
        assertThatCode(() -> RegistryService.validateAlias("x".repeat(255))).doesNotThrowAnyException();
    }

    @Test
    void latestInAnyCaseAndVersionNamesAreReservedAliases() {
        assertThatThrownBy(() -> RegistryService.validateAlias("latest")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> RegistryService.validateAlias("LaTeSt")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> RegistryService.validateAlias("v1")).hasMessage("Version alias name 'v1' is reserved.");
        assertThatThrownBy(() -> RegistryService.validateAlias("V42")).hasMessageContaining("reserved");
        assertThatCode(() -> RegistryService.validateAlias("v1a")).doesNotThrowAnyException();
    }

    @Test
    void modelTagsAllowKeysOf250AndValuesOf5000Characters() {
        assertThatCode(() -> RegistryService.validateTag(new Tag("k".repeat(250), "v".repeat(5000))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> RegistryService.validateTag(new Tag("k".repeat(251), "v")))
                .hasMessageContaining("length limit of 250");
        assertThatThrownBy(() -> RegistryService.validateTag(new Tag("k", "v".repeat(5001))))
                .hasMessageContaining("length limit of 5000");
        assertThatThrownBy(() -> RegistryService.validateTag(new Tag("a$b", "v"))).hasMessageContaining("Invalid tag name");
    }

    @Test
    void modelNamesAreRequiredAndBounded() {
        assertThatThrownBy(() -> RegistryService.validateName(""))
                .hasMessageContaining("Missing value for required parameter 'name'");
        assertThatThrownBy(() -> RegistryService.validateName("m".repeat(257))).hasMessageContaining("length limit");
        assertThatCode(() -> RegistryService.validateName("my model/with:any chars")).doesNotThrowAnyException();
    }

    @Test
    void versionsMustBePositiveIntegers() {
        assertThat(RegistryService.parseVersion("12")).isEqualTo(12L);
        assertThatThrownBy(() -> RegistryService.parseVersion("abc")).hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> RegistryService.parseVersion("0")).hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> RegistryService.parseVersion("-1")).hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> RegistryService.parseVersion("")).hasMessageContaining("must be an integer");
    }

    @Test
    void maxResultsHaveMlflowsDefaultsAndLimits() {
        assertThat(RegistryService.maxResults(Optional.empty(), 100, 1000)).isEqualTo(100);
        assertThat(RegistryService.maxResults(Optional.of(1000L), 100, 1000)).isEqualTo(1000);
        assertThatThrownBy(() -> RegistryService.maxResults(Optional.of(1001L), 100, 1000))
                .hasMessageContaining("max_results");
        assertThatThrownBy(() -> RegistryService.maxResults(Optional.of(0L), 100, 1000))
                .hasMessageContaining("max_results");
        assertThat(RegistryService.maxResults(Optional.empty(), RegistryService.DEFAULT_MODEL_VERSIONS_RESULTS,
                RegistryService.MAX_MODEL_VERSIONS_RESULTS)).isEqualTo(10_000);
    }

    @Test
    void notFoundErrorsUseMlflowsMessages() {
        assertThat(RegisteredModel.notFound("m")).hasMessage("Registered Model with name=m not found")
                .extracting(SlipwayException::errorCode).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThat(ModelVersion.notFound("m", 3)).hasMessage("Model Version (name=m, version=3) not found");
        assertThat(RegisteredModel.alreadyExists("m")).hasMessage("Registered Model (name=m) already exists.")
                .extracting(SlipwayException::errorCode).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
    }
}
