package dev.slipway.models.training;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.slipway.models.onnx.ColumnEncoding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a Slipway ONNX model in ONNX Runtime, feeding one rank-1 tensor per column as the contract says. */
final class OnnxScoring {
    record Outputs(String[] labels, float[][] probabilities, float[] predictions) {
    }

    private OnnxScoring() {
    }

    static Outputs score(byte[] model, List<ColumnEncoding> columns, TrainingTable table) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = environment.createSession(model, options)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (ColumnEncoding column : columns) {
                    int index = table.header().indexOf(column.name());
                    if (column instanceof ColumnEncoding.Numeric) {
                        float[] values = new float[table.rowCount()];
                        for (int row = 0; row < values.length; row++) {
                            String cell = table.cell(row, index);
                            values[row] = cell.isBlank() ? Float.NaN : (float) Double.parseDouble(cell);
                        }
                        inputs.put(column.name(), OnnxTensor.createTensor(environment, values));
                    } else {
                        String[] values = new String[table.rowCount()];
                        for (int row = 0; row < values.length; row++) {
                            values[row] = table.cell(row, index);
                        }
                        inputs.put(column.name(), OnnxTensor.createTensor(environment, values));
                    }
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    if (result.get("prediction").isPresent()) {
                        return new Outputs(null, null, (float[]) result.get("prediction").get().getValue());
                    }
                    return new Outputs((String[]) result.get("label").get().getValue(),
                            (float[][]) result.get("probabilities").get().getValue(), null);
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
