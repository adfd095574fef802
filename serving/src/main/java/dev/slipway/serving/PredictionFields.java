package dev.slipway.serving;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvWriter;
import dev.slipway.models.scoring.ModelTask;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.Predictions;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The output columns of scored rows, as MLflow's onnx pyfunc returns them in a DataFrame: a classifier's
 * {@code label} and {@code probability_<class>} per class, a regressor's {@code prediction}, and a foreign model's
 * outputs as they are. Thread-safe (stateless).
 */
final class PredictionFields {
    private PredictionFields() {}

    /** The output column names of these predictions. */
    static List<String> names(Predictions predictions) {
        if (predictions.task().isEmpty()) {
            return predictions.columns();
        }
        List<String> names = new ArrayList<>();
        if (predictions.task().get() == ModelTask.CLASSIFICATION) {
            names.add(OnnxModel.LABEL_OUTPUT);
            if (predictions.hasProbabilities()) {
                for (String label : predictions.classes()) {
                    names.add(OnnxModel.PROBABILITY_OUTPUT_PREFIX + label);
                }
            }
        } else {
            names.add(OnnxModel.PREDICTION_OUTPUT);
        }
        return names;
    }

    /** Writes the fields of one row (inside an object the caller opened). */
    static void write(JsonGenerator generator, Predictions predictions, int row) throws IOException {
        if (predictions.task().isEmpty()) {
            writeRaw(generator, predictions, row);
            return;
        }
        if (predictions.task().get() == ModelTask.CLASSIFICATION) {
            generator.writeStringField(OnnxModel.LABEL_OUTPUT, predictions.label(row));
            if (predictions.hasProbabilities()) {
                List<String> classes = predictions.classes();
                for (int j = 0; j < classes.size(); j++) {
                    generator.writeFieldName(OnnxModel.PROBABILITY_OUTPUT_PREFIX + classes.get(j));
                    generator.writeNumber(predictions.probability(row, j));
                }
            }
        } else {
            generator.writeFieldName(OnnxModel.PREDICTION_OUTPUT);
            writeNumber(generator, predictions.value(row));
        }
    }

    static void writeNumber(JsonGenerator generator, double value) throws IOException {
        if (Double.isFinite(value)) {
            float narrow = (float) value;
            if (narrow == value) {
                generator.writeNumber(narrow);
            } else {
                generator.writeNumber(value);
            }
        } else {
            generator.writeNull();
        }
    }

    /** A foreign model's outputs, as Predictions writes them to CSV: numbers where they parse, else text. */
    private static void writeRaw(JsonGenerator generator, Predictions predictions, int row) throws IOException {
        List<String> columns = predictions.columns();
        StringWriter text = new StringWriter();
        try (CsvWriter writer = CsvWriter.of(text, "response")) {
            writer.writeRow(columns);
            predictions.writeRow(row, writer);
        }
        try (CsvReader reader = CsvReader.of(new StringReader(text.toString()), "response")) {
            if (!reader.next()) {
                return;
            }
            for (int column = 0; column < columns.size(); column++) {
                generator.writeFieldName(columns.get(column));
                String value = reader.get(column);
                try {
                    writeNumber(generator, Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    generator.writeString(value);
                }
            }
        } catch (SlipwayException e) {
            throw new IOException("could not convert the model's outputs: " + e.getMessage(), e);
        }
    }
}
