package dev.slipway.models.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.slipway.models.onnx.ColumnEncoding;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a Slipway ONNX model in ONNX Runtime as the contract says: one rank-1 tensor per column, or a
 * [N, 1] tensor when the model has a single column; reads {@code label} and the {@code probability_<class>}
 * outputs (in graph order, which is the class order) or {@code prediction}.
 */
final class OnnxScoring {
    record Outputs(String[] labels, float[][] probabilities, float[] predictions) {
    }

    private OnnxScoring() {
    }

    static Outputs score(byte[] model, List<ColumnEncoding> columns, TrainingTable table) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        int rows = table.rowCount();
        long[] shape = columns.size() == 1 ? new long[] {rows, 1} : new long[] {rows};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = environment.createSession(model, options)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (ColumnEncoding column : columns) {
                    int index = table.header().indexOf(column.name());
                    if (column instanceof ColumnEncoding.Numeric) {
                        float[] values = new float[rows];
                        for (int row = 0; row < values.length; row++) {
                            String cell = table.cell(row, index);
                            values[row] = cell.isBlank() ? Float.NaN : (float) Double.parseDouble(cell);
                        }
                        inputs.put(column.name(), OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), shape));
                    } else {
                        String[] values = new String[rows];
                        for (int row = 0; row < values.length; row++) {
                            values[row] = table.cell(row, index);
                        }
                        inputs.put(column.name(), OnnxTensor.createTensor(environment, values, shape));
                    }
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    if (result.get("prediction").isPresent()) {
                        return new Outputs(null, null, (float[]) result.get("prediction").get().getValue());
                    }
                    List<float[]> classColumns = new ArrayList<>();
                    for (String name : session.getOutputNames()) {
                        if (name.startsWith("probability_")) {
                            classColumns.add((float[]) result.get(name).get().getValue());
                        }
                    }
                    float[][] probabilities = new float[rows][classColumns.size()];
                    for (int row = 0; row < rows; row++) {
                        for (int k = 0; k < classColumns.size(); k++) {
                            probabilities[row][k] = classColumns.get(k)[row];
                        }
                    }
                    return new Outputs((String[]) result.get("label").get().getValue(), probabilities, null);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
