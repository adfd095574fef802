package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MLmodelSummaryTest {
    @Test
    void readsFlavorsAndAFoldedSignatureFromAnMLmodelFile() {
        MLmodelSummary summary = MLmodelSummary.parse("""
                artifact_path: model
                flavors:
                  python_function:
                    loader_module: mlflow.sklearn
                  sklearn:
                    pickled_model: model.pkl
                model_uuid: 1234
                signature:
                  inputs: '[{"type": "double", "name": "age"}, {"type": "string", "name":
                    "city''s"}]'
                  outputs: '[{"type": "long"}]'
                  params: null
                """);
        assertThat(summary.flavors()).containsExactly("python_function", "sklearn");
        assertThat(summary.field("model_uuid")).contains("1234");
        assertThat(summary.signature("inputs"))
                .contains("[{\"type\": \"double\", \"name\": \"age\"}, {\"type\": \"string\", \"name\": \"city's\"}]");
        assertThat(summary.signature("outputs")).contains("[{\"type\": \"long\"}]");
        assertThat(summary.signature("params")).isEmpty();
    }
}
