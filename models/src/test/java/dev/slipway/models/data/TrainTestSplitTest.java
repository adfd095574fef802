package dev.slipway.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainTestSplitTest {
    private static final String INPUT = input(1000);

    @Test
    void sameSeedGivesTheSameFilesAndAnotherSeedDifferentOnes() {
        assertThat(split(0.2, 5)).isEqualTo(split(0.2, 5));
        assertThat(split(0.2, 6)).isNotEqualTo(split(0.2, 5));
    }

    @Test
    void everyRowLandsInExactlyOneFileInOrderWithTheHeaderInBoth() {
        List<String> files = split(0.2, 5);
        List<String> training = files.get(0).lines().toList();
        List<String> test = files.get(1).lines().toList();

        assertThat(training.get(0)).isEqualTo("id,name");
        assertThat(test.get(0)).isEqualTo("id,name");
        List<String> rows = new ArrayList<>(training.subList(1, training.size()));
        rows.addAll(test.subList(1, test.size()));
        assertThat(rows).hasSize(1000).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(INPUT.lines().skip(1).toList());
        assertThat(training.subList(1, training.size())).isSorted();
        assertThat(test.size() - 1).isBetween(150, 250);
    }

    @Test
    void quotedFieldsStayQuoted() {
        List<String> files = split("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", 0.5, 1);

        assertThat(files.get(0) + files.get(1)).contains("\"x, y\",\"say \"\"hi\"\"\"\n");
    }

    @Test
    void rejectsAFractionOutsideZeroToOne() {
        assertThatThrownBy(() -> new TrainTestSplit(1, 1)).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> new TrainTestSplit(0, 1)).isInstanceOf(SlipwayException.class);
    }

    private static List<String> split(double fraction, long seed) {
        return split(INPUT, fraction, seed);
    }

    private static List<String> split(String input, double fraction, long seed) {
        StringWriter training = new StringWriter();
        StringWriter test = new StringWriter();
        try (CsvReader reader = CsvReader.of(new StringReader(input), "input")) {
            TrainTestSplit.Counts counts = new TrainTestSplit(fraction, seed).split(reader,
                    CsvWriter.of(training, "training"), CsvWriter.of(test, "test"));
            assertThat(counts.trainingRows() + counts.testRows()).isEqualTo(input.lines().count() - 1);
        }
        return List.of(training.toString(), test.toString());
    }

    private static String input(int rows) {
        StringBuilder text = new StringBuilder("id,name\n");
        for (int row = 0; row < rows; row++) {
            text.append(String.format("%04d", row)).append(",name").append(row).append('\n');
        }
        return text.toString();
    }
}
