package dev.slipway.client;

import static dev.slipway.client.MultipartSettings.CHUNK_SIZE_VARIABLE;
import static dev.slipway.client.MultipartSettings.ENABLE_VARIABLE;
import static dev.slipway.client.MultipartSettings.MINIMUM_FILE_SIZE_VARIABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartSettingsTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void isOffUnlessMlflowsVariableTurnsItOn() {
        assertThat(MultipartSettings.fromVariables(Map.of())).isEqualTo(MultipartSettings.disabled());
        assertThat(MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, " ")))
                .isEqualTo(MultipartSettings.disabled());
        assertThat(MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "false")).enabled()).isFalse();
        assertThat(MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "0")).enabled()).isFalse();
        assertThat(MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "TRUE")).enabled()).isTrue();
        assertThat(MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "1")).enabled()).isTrue();
    }

    @Test
    void defaultsAreMlflows500MibMinimumAnd100MibParts() {
        MultipartSettings settings = MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "true"));

        assertThat(settings).isEqualTo(new MultipartSettings(true, 500 * MIB, 100 * MIB));
        assertThat(settings.appliesTo(500 * MIB - 1)).isFalse();
        assertThat(settings.appliesTo(500 * MIB)).isTrue();
        assertThat(settings.partCount(500 * MIB)).isEqualTo(5);
        assertThat(settings.partCount(500 * MIB + 1)).isEqualTo(6);
        assertThat(MultipartSettings.disabled().appliesTo(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void sizesComeFromTheirVariables() {
        MultipartSettings settings = MultipartSettings.fromVariables(Map.of(ENABLE_VARIABLE, "true",
                MINIMUM_FILE_SIZE_VARIABLE, "1048576", CHUNK_SIZE_VARIABLE, " 5242880 "));

        assertThat(settings).isEqualTo(new MultipartSettings(true, MIB, 5 * MIB));
        assertThat(settings.partCount(11 * MIB)).isEqualTo(3);
    }

    @Test
    void badValuesAreRejectedNamingTheVariable() {
        assertInvalid(Map.of(ENABLE_VARIABLE, "yes"), "Invalid value 'yes' for " + ENABLE_VARIABLE);
        assertInvalid(Map.of(ENABLE_VARIABLE, "true", MINIMUM_FILE_SIZE_VARIABLE, "500MB"),
                "Invalid value '500MB' for " + MINIMUM_FILE_SIZE_VARIABLE + ": expected a whole number of bytes");
        assertInvalid(Map.of(ENABLE_VARIABLE, "true", MINIMUM_FILE_SIZE_VARIABLE, "0"),
                "Invalid value 0 for " + MINIMUM_FILE_SIZE_VARIABLE);
        assertInvalid(Map.of(ENABLE_VARIABLE, "true", CHUNK_SIZE_VARIABLE, "1048576"),
                "Invalid value 1048576 for " + CHUNK_SIZE_VARIABLE + ": expected 5242880 (5 MiB, the smallest part");
        assertInvalid(Map.of(ENABLE_VARIABLE, "true", CHUNK_SIZE_VARIABLE, "6000000000"),
                "Invalid value 6000000000 for " + CHUNK_SIZE_VARIABLE);
        assertInvalid(Map.of(ENABLE_VARIABLE, "true", CHUNK_SIZE_VARIABLE, "1e8"),
                "Invalid value '1e8' for " + CHUNK_SIZE_VARIABLE);
    }

    @Test
    void sizesAreNotReadWhileMultipartIsOff() {
        assertThat(MultipartSettings.fromVariables(Map.of(CHUNK_SIZE_VARIABLE, "tiny")))
                .isEqualTo(MultipartSettings.disabled());
    }

    @Test
    void constructorChecksTheSizes() {
        assertThatThrownBy(() -> new MultipartSettings(true, MIB, 4 * MIB))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid value 4194304 for chunkSize");
        assertThatThrownBy(() -> new MultipartSettings(true, -1, 5 * MIB))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("Invalid value -1 for minimumFileSize");
    }

    private static void assertInvalid(Map<String, String> variables, String message) {
        assertThatThrownBy(() -> MultipartSettings.fromVariables(variables))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                .hasMessageContaining(message);
    }
}
