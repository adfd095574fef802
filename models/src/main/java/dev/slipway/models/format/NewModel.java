package dev.slipway.models.format;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * What a new model folder is written from (see {@link ModelDirectory#write(java.nio.file.Path,
 * NewModel, java.time.Clock)}): the serialized ONNX model, its signature, Slipway's
 * {@code metadata} (slipway_task, slipway_target, slipway_classes, slipway_algorithm), an optional
 * input example, and the optional run it belongs to.
 *
 * @param onnxModel the bytes of a serialized {@code ModelProto}
 * @param signature the input (and output) schema written into MLmodel
 * @param metadata MLmodel's {@code metadata}: strings, numbers, booleans, lists and maps
 * @param inputExample a few rows, written to input_example.json and serving_input_example.json
 * @param runId the run that logged the model ({@code run_id})
 * @param artifactPath the model's path under the run's artifacts ({@code artifact_path})
 */
public record NewModel(byte[] onnxModel, Signature signature, Map<String, Object> metadata,
        Optional<InputExample> inputExample, Optional<String> runId, Optional<String> artifactPath) {
    public NewModel {
        onnxModel = requireNonNull(onnxModel, "onnxModel is null").clone();
        if (onnxModel.length == 0) {
            throw new IllegalArgumentException("onnxModel is empty");
        }
        requireNonNull(signature, "signature is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(inputExample, "inputExample is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(artifactPath, "artifactPath is null");
    }

    /** A model without example, run or artifact path. */
    public static NewModel of(byte[] onnxModel, Signature signature, Map<String, Object> metadata) {
        return new NewModel(onnxModel, signature, metadata, Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Override
    public byte[] onnxModel() {
        return onnxModel.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NewModel that && Arrays.equals(onnxModel, that.onnxModel)
                && signature.equals(that.signature) && metadata.equals(that.metadata)
                && inputExample.equals(that.inputExample) && runId.equals(that.runId)
                && artifactPath.equals(that.artifactPath);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(onnxModel) + signature.hashCode();
    }

    @Override
    public String toString() {
        return "NewModel[onnxModel=%d bytes, signature=%s, metadata=%s]".formatted(onnxModel.length, signature,
                metadata);
    }
}
