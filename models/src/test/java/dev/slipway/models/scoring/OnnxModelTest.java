package dev.slipway.models.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.TextRow;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.NewModel;
import dev.slipway.models.format.Schema;
import dev.slipway.models.format.Signature;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);
    private static final List<String> COLUMNS = List.of("x2", "x1");

    @TempDir
    Path folder;

    private ModelDirectory model(ColumnType x2Type) {
        Signature signature = new Signature(Schema.ofColumns(List.of(ColumnSpec.of("x1", ColumnType.DOUBLE),
                ColumnSpec.of("x2", x2Type))), Optional.empty(), Optional.empty());
        return ModelDirectory.write(folder.resolve("model-" + x2Type.mlflowName()), NewModel.of(
                TestOnnxModels.logisticRegression(2f, 1f, -1f, List.of("0", "1")), signature,
                Map.of("slipway_task", "classification", "slipway_classes", List.of("0", "1"))), CLOCK);
    }

    @Test
    void scoresRowsThatDoNotComeFromAFile() {
        try (OnnxModel model = OnnxModel.load(model(ColumnType.DOUBLE), 1)) {
            FeatureBatch batch = model.newBatch(COLUMNS, Set.of(), "request body", 10);
            batch.addRow(new TextRow("request body", 1, COLUMNS, List.of("1", "0.5")));
            batch.addRow(new TextRow("request body", 2, COLUMNS, List.of("-4", "1")));

            Predictions predictions = model.predict(batch);

            assertThat(predictions.rowCount()).isEqualTo(2);
            assertThat(predictions.probability(0, 1)).isCloseTo((float) (1 / (1 + Math.exp(-1.0))), within(1e-6f));
            assertThat(predictions.label(0)).isEqualTo("1");
            assertThat(predictions.probability(1, 1)).isCloseTo((float) (1 / (1 + Math.exp(3.0))), within(1e-6f));
            assertThat(predictions.label(1)).isEqualTo("0");
            assertThat(predictions.columns()).containsExactly("prediction", "probability_0", "probability_1");
        }
    }

    @Test
    void aRefilledBatchIsScoredOnItsNewValuesWhetherTheRowCountStaysOrChanges() {
        try (OnnxModel model = OnnxModel.load(model(ColumnType.DOUBLE), 1)) {
            FeatureBatch batch = model.newBatch(COLUMNS, Set.of(), "request body", 10);
            float sigmoidOfOne = (float) (1 / (1 + Math.exp(-1.0)));
            float sigmoidOfMinusThree = (float) (1 / (1 + Math.exp(3.0)));
            batch.addRow(new TextRow("request body", 1, COLUMNS, List.of("1", "0.5")));
            assertThat(model.predict(batch).probability(0, 1)).isCloseTo(sigmoidOfOne, within(1e-6f));

            batch.clear();
            batch.addRow(new TextRow("request body", 1, COLUMNS, List.of("-4", "1")));
            assertThat(model.predict(batch).probability(0, 1)).isCloseTo(sigmoidOfMinusThree, within(1e-6f));

            batch.addRow(new TextRow("request body", 2, COLUMNS, List.of("1", "0.5")));
            Predictions two = model.predict(batch);
            assertThat(two.rowCount()).isEqualTo(2);
            assertThat(two.probability(1, 1)).isCloseTo(sigmoidOfOne, within(1e-6f));

            batch.clear();
            batch.addRow(new TextRow("request body", 1, COLUMNS, List.of("1", "0.5")));
            Predictions one = model.predict(batch);
            assertThat(one.rowCount()).isEqualTo(1);
            assertThat(one.probability(0, 1)).isCloseTo(sigmoidOfOne, within(1e-6f));
        }
    }

    @Test
    void rejectsAFractionInAWholeNumberColumnOfTheSignature() {
        try (OnnxModel model = OnnxModel.load(model(ColumnType.LONG), 1)) {
            FeatureBatch batch = model.newBatch(COLUMNS, Set.of(), "request body", 10);
            batch.addRow(new TextRow("request body", 1, COLUMNS, List.of("3", "0.5")));

            assertThatThrownBy(() -> batch.addRow(new TextRow("request body", 2, COLUMNS, List.of("3.5", "1"))))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessage("request body row 2, column 'x2': '3.5' is not a whole number");
            assertThatThrownBy(() -> batch.addRow(new TextRow("request body", 3, COLUMNS, List.of("1", "abc"))))
                    .hasMessage("request body row 3, column 'x1': 'abc' is not a number");
        }
    }
}
