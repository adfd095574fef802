package dev.slipway.core.logged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggedModelRulesTest {
    @Test
    void statusIsReadFromItsProtobufNameShortNameOrNumber() {
        assertThat(LoggedModelStatus.parse("LOGGED_MODEL_READY")).isEqualTo(LoggedModelStatus.READY);
        assertThat(LoggedModelStatus.parse("ready")).isEqualTo(LoggedModelStatus.READY);
        assertThat(LoggedModelStatus.parse("3")).isEqualTo(LoggedModelStatus.UPLOAD_FAILED);
        assertThat(LoggedModelStatus.parse("logged_model_pending")).isEqualTo(LoggedModelStatus.PENDING);
        assertThat(LoggedModelStatus.UPLOAD_FAILED.wireName()).isEqualTo("LOGGED_MODEL_UPLOAD_FAILED");
        assertThat(LoggedModelStatus.READY.number()).isEqualTo(2);
    }

    @Test
    void unknownAndUnspecifiedStatusesAreRefused() {
        for (String value : List.of("0", "LOGGED_MODEL_STATUS_UNSPECIFIED", "DONE", "4", "")) {
            assertThatThrownBy(() -> LoggedModelStatus.parse(value))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageStartingWith("Invalid value " + value + " for parameter 'status' supplied")
                    .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        }
    }

    @Test
    void namesFollowMlflowsRule() {
        assertThatCode(() -> LoggedModelService.validateName("my-model_2 final")).doesNotThrowAnyException();
        for (String bad : List.of("a/b", "a:b", "a.b", "50%", "say \"hi\"", "it's", "")) {
            assertThatThrownBy(() -> LoggedModelService.validateName(bad))
                    .hasMessageStartingWith("Invalid model name ('" + bad + "') provided");
        }
        assertThatThrownBy(() -> LoggedModelService.validateName("x".repeat(501)))
                .hasMessageContaining("length limit of 500");
    }

    @Test
    void paramsAndTagsUseTheLimitsOfRunParamsAndTags() {
        assertThatCode(() -> LoggedModelService.validateParams(List.of(new Param("k".repeat(250), "v".repeat(6000)))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoggedModelService.validateParams(List.of(new Param("k", "v".repeat(6001)))))
                .hasMessageContaining("length limit of 6000");
        assertThatThrownBy(() -> LoggedModelService.validateParams(List.of(new Param("k".repeat(251), "v"))))
                .hasMessageContaining("length limit of 250");
        assertThatThrownBy(() -> LoggedModelService.validateParams(List.of(new Param("a", "1"), new Param("a", "1"))))
                .hasMessageContaining("Duplicate parameter keys have been submitted: [a]");
        assertThatCode(() -> LoggedModelService.validateTags(List.of(new Tag("k", "v".repeat(8000)))))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> LoggedModelService.validateTags(List.of(new Tag("../k", "v"))))
                .hasMessageContaining("Invalid tag name");
    }

    @Test
    void registrationsAreListedAsPythonsJsonDumpsWritesThem() {
        assertThat(LoggedModelService.registrationsJson(List.of())).isEqualTo("[]");
        assertThat(LoggedModelService.registrationsJson(List.of(new ModelRegistration("churn", "1"),
                new ModelRegistration("say \"é\"\\", "12"))))
                .isEqualTo("[{\"name\": \"churn\", \"version\": 1}, "
                        + "{\"name\": \"say \\\"\\u00e9\\\"\\\\\", \"version\": 12}]");
    }

    @Test
    void filterAndOrderAttributesAcceptMlflowsAliases() {
        assertThat(LoggedModelService.canonicalAttribute("creation_time")).contains("creation_timestamp");
        assertThat(LoggedModelService.canonicalAttribute("last_updated_timestamp_ms"))
                .contains("last_updated_timestamp");
        assertThat(LoggedModelService.canonicalAttribute("source_run_id")).contains("source_run_id");
        assertThat(LoggedModelService.canonicalAttribute("artifact_uri")).isEmpty();
    }
}
