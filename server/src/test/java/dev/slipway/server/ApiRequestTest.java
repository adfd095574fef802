package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.RunStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRequestTest {
    private static ApiRequest json(String body) {
        return RequestReader.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void int64AcceptsNumbersAndNumericStrings() {
        ApiRequest request = json("{\"a\": 12, \"b\": \"-34\", \"c\": 9007199254740993, \"d\": 5.0}");
        assertThat(request.int64("a")).hasValue(12L);
        assertThat(request.int64("b")).hasValue(-34L);
        assertThat(request.int64("c")).hasValue(9007199254740993L);
        assertThat(request.int64("d")).hasValue(5L);
        assertThat(request.int64("missing")).isEmpty();
    }

    @Test
    void int64RejectsFractionsWordsAndOverflowWithMlflowsMessage() {
        assertThatThrownBy(() -> json("{\"step\": 1.5}").int64("step")).isInstanceOf(SlipwayException.class)
                .hasMessage("Invalid value 1.5 for parameter 'step' supplied: Hint: Value was of type 'float'. "
                        + "See the API docs for more information about request parameters.");
        assertThatThrownBy(() -> json("{\"step\": \"foo\"}").int64("step"))
                .hasMessageStartingWith("Invalid value \"foo\" for parameter 'step' supplied: Hint: Value was of type 'str'.");
        assertThatThrownBy(() -> json("{\"step\": 99999999999999999999}").int64("step"))
                .hasMessageContaining("type 'int'");
        assertThatThrownBy(() -> json("{\"step\": true}").int64("step")).hasMessageContaining("type 'bool'");
        assertThatThrownBy(() -> json("{\"n\": 3000000000}").int32("n")).hasMessageStartingWith("Invalid value 3000000000");
    }

    @Test
    void lowerCamelNamesAreFoundForSnakeCaseFields() {
        ApiRequest request = json("{\"runId\": \"r1\", \"maxResults\": 3, \"run_name\": \"snake wins\", \"runName\": \"camel\"}");
        assertThat(request.requiredRunId()).isEqualTo("r1");
        assertThat(request.int32("max_results")).hasValue(3);
        assertThat(request.string("run_name")).hasValue("snake wins");
    }

    @Test
    void runUuidStandsInForRunId() {
        assertThat(json("{\"run_uuid\": \"abc\"}").requiredRunId()).isEqualTo("abc");
        assertThat(json("{\"run_id\": \"\", \"run_uuid\": \"abc\"}").requiredRunId()).isEqualTo("abc");
        assertThatThrownBy(() -> json("{}").requiredRunId()).hasMessage("Missing value for required parameter "
                + "'run_id'. See the API docs for more information about request parameters.");
    }

    @Test
    void emptyStringsAndNullsCountAsMissingForRequiredFields() {
        assertThatThrownBy(() -> json("{\"name\": \"\"}").requiredString("name")).hasMessageStartingWith("Missing value");
        assertThatThrownBy(() -> json("{\"name\": null}").requiredString("name")).hasMessageStartingWith("Missing value");
        assertThat(json("{\"value\": \"\"}").string("value")).hasValue("");
    }

    @Test
    void idsAreStringifiedWhenNumeric() {
        ApiRequest request = json("{\"experiment_id\": 7, \"experiment_ids\": [1, \"2\"]}");
        assertThat(request.requiredId("experiment_id")).isEqualTo("7");
        assertThat(request.ids("experiment_ids")).containsExactly("1", "2");
        assertThatThrownBy(() -> json("{\"experiment_id\": 1.5}").requiredId("experiment_id"))
                .hasMessageStartingWith("Invalid value 1.5");
        assertThatThrownBy(() -> json("{\"experiment_ids\": \"1\"}").ids("experiment_ids"))
                .hasMessageStartingWith("Invalid value \"1\" for parameter 'experiment_ids'");
    }

    @Test
    void queryParametersAreStringsAndRepeatedKeysAreLists() {
        ApiRequest request = ApiRequest.ofQuery(Map.of("run_ids", List.of("a", "b"), "one", List.of("x"),
                "max_results", List.of("25"), "flag", List.of("True"), "off", List.of("FALSE")));
        assertThat(request.strings("run_ids")).containsExactly("a", "b");
        assertThat(request.strings("one")).containsExactly("x");
        assertThat(request.ids("one")).containsExactly("x");
        assertThat(request.int32("max_results")).hasValue(25);
        assertThat(request.bool("flag")).hasValue(true);
        assertThat(request.bool("off")).hasValue(false);
        assertThatThrownBy(() -> ApiRequest.ofQuery(Map.of("flag", List.of("yes"))).bool("flag"))
                .hasMessageStartingWith("Invalid value \"yes\" for parameter 'flag'");
    }

    @Test
    void enumsAreAcceptedByNameOrNumber() {
        assertThat(json("{\"status\": \"FAILED\"}").enumValue("status", RunStatus::parse)).hasValue(RunStatus.FAILED);
        assertThat(json("{\"status\": 3}").enumValue("status", RunStatus::parse)).hasValue(RunStatus.FINISHED);
        assertThat(json("{\"status\": \"5\"}").enumValue("status", RunStatus::parse)).hasValue(RunStatus.KILLED);
        assertThatThrownBy(() -> json("{\"status\": [1]}").enumValue("status", RunStatus::parse))
                .hasMessageContaining("type 'list'");
    }

    @Test
    void doublesAcceptProtobufSpellingsOfSpecialValues() {
        assertThat(json("{\"v\": NaN}").requiredDouble("v")).isNaN();
        assertThat(json("{\"v\": \"NaN\"}").requiredDouble("v")).isNaN();
        assertThat(json("{\"v\": \"Infinity\"}").requiredDouble("v")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(json("{\"v\": -Infinity}").requiredDouble("v")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(json("{\"v\": \"-inf\"}").requiredDouble("v")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(json("{\"v\": \"2.5e3\"}").requiredDouble("v")).isEqualTo(2500);
        assertThat(json("{\"v\": 7}").requiredDouble("v")).isEqualTo(7);
        assertThatThrownBy(() -> json("{\"v\": \"0x10\"}").requiredDouble("v")).hasMessageContaining("type 'str'");
        assertThatThrownBy(() -> json("{\"v\": false}").requiredDouble("v")).hasMessageContaining("type 'bool'");
    }

    @Test
    void nestedObjectsNameTheirPathInMessages() {
        ApiRequest request = json("{\"metrics\": [{\"key\": \"a\", \"value\": 1, \"timestamp\": 2}, {\"key\": \"b\"}]}");
        List<ApiRequest> metrics = request.objects("metrics");
        assertThat(metrics.get(0).requiredInt64("timestamp")).isEqualTo(2);
        assertThatThrownBy(() -> metrics.get(1).requiredInt64("timestamp"))
                .hasMessageStartingWith("Missing value for required parameter 'metrics[1].timestamp'.");
        assertThatThrownBy(() -> json("{\"d\": [{\"dataset\": 5}]}").objects("d").get(0).object("dataset"))
                .hasMessageStartingWith("Invalid value 5 for parameter 'd[0].dataset'");
    }

    @Test
    void bodiesAreObjectsPossiblyEncodedAsAJsonString() {
        assertThat(json("").has("x")).isFalse();
        assertThat(json("null").has("x")).isFalse();
        assertThat(json("\"{\\\"x\\\": 1}\"").int64("x")).hasValue(1L);
        assertThatThrownBy(() -> json("[1]")).hasMessageStartingWith("Request body must be a JSON object");
        assertThatThrownBy(() -> json("{\"x\": 1} {}")).hasMessageStartingWith("Malformed JSON");
    }

    @Test
    void longInvalidValuesAreAbbreviatedInMessages() {
        String big = "[" + "1,".repeat(5000) + "1]";
        assertThatThrownBy(() -> json("{\"name\": " + big + "}").requiredString("name"))
                .satisfies(failure -> assertThat(failure.getMessage()).hasSizeLessThan(400));
    }
}
