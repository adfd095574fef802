package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * MLmodel's {@code saved_input_example_info}: where the input example is and how it is encoded,
 * e.g. {@code {artifact_path: input_example.json, type: dataframe, pandas_orient: split,
 * serving_input_path: serving_input_example.json}}.
 */
public record SavedInputExampleInfo(String artifactPath, String type, Optional<String> pandasOrient,
        Optional<String> servingInputPath) {
    public SavedInputExampleInfo {
        requireNonNull(artifactPath, "artifactPath is null");
        requireNonNull(type, "type is null");
        requireNonNull(pandasOrient, "pandasOrient is null");
        requireNonNull(servingInputPath, "servingInputPath is null");
    }

    /** The info of a dataframe example in split orient, as Slipway writes it. */
    public static SavedInputExampleInfo dataframeSplit() {
        return new SavedInputExampleInfo(ModelDirectory.INPUT_EXAMPLE_FILE, "dataframe", Optional.of("split"),
                Optional.of(ModelDirectory.SERVING_INPUT_EXAMPLE_FILE));
    }
}
