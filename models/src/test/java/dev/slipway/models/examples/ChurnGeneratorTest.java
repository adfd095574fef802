package dev.slipway.models.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.training.Algorithm;
import dev.slipway.models.training.Trainer;
import dev.slipway.models.training.TrainingListener;
import dev.slipway.models.training.TrainingRequest;
import dev.slipway.models.training.TrainingResult;
import dev.slipway.models.training.Validation;
import dev.slipway.models.training.ValidationMetrics;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChurnGeneratorTest {
    @TempDir
    Path folder;

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDifferentOnes() {
        assertThat(generate(new ChurnGenerator(7, 0), 500)).isEqualTo(generate(new ChurnGenerator(7, 0), 500));
        assertThat(generate(new ChurnGenerator(8, 0), 500)).isNotEqualTo(generate(new ChurnGenerator(7, 0), 500));
    }

    @Test
    void writesTheDocumentedColumnsWithPlausibleValuesAndAQuarterChurning() {
        Table table = read(generate(ChurnGenerator.of(1), 5000));

        assertThat(table.header).isEqualTo(String.join(",", ChurnGenerator.COLUMNS));
        assertThat(table.rows).isEqualTo(5000);
        assertThat(table.churnRate()).isBetween(0.2, 0.35);
        assertThat(table.contracts).containsExactlyInAnyOrder("month-to-month", "one-year", "two-year");
        assertThat(table.internet).containsExactlyInAnyOrder("fiber", "dsl", "none");
        assertThat(table.payments).containsExactlyInAnyOrder("electronic-check", "mailed-check", "bank-transfer",
                "credit-card");
        assertThat(table.minTenure).isGreaterThanOrEqualTo(1);
        assertThat(table.maxTenure).isEqualTo(72);
    }

    @Test
    void driftMovesTheCustomersAndRaisesChurn() {
        Table base = read(generate(ChurnGenerator.of(3), 5000));
        Table drifted = read(generate(new ChurnGenerator(3, 1), 5000));

        assertThat(drifted.meanTenure()).isLessThan(base.meanTenure() * 0.8);
        assertThat(drifted.meanMonthly()).isGreaterThan(base.meanMonthly() + 8);
        assertThat(drifted.churnRate()).isGreaterThan(base.churnRate() + 0.05);
    }

    @Test
    void aTreeModelFindsAClearButNoisySignal() throws Exception {
        Path csv = folder.resolve("churn.csv");
        Files.writeString(csv, generate(ChurnGenerator.of(11), 4000));

        TrainingResult result = new Trainer(Clock.systemUTC()).train(new TrainingRequest(csv, ChurnGenerator.TARGET,
                Algorithm.XGBOOST, Map.of("n_estimators", "60", "max_depth", "3", "learning_rate", "0.1"), Set.of(),
                Validation.split(0.25), 1, Optional.empty(), folder.resolve("model"), Optional.empty(),
                Optional.empty()), TrainingListener.NONE);

        assertThat(result.metrics().get(ValidationMetrics.ROC_AUC)).isBetween(0.78, 0.92);
    }

    @Test
    void rejectsADriftOutsideZeroToOneAndANegativeRowCount() {
        assertThatThrownBy(() -> new ChurnGenerator(1, 1.5)).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> ChurnGenerator.of(1).write(new StringWriter(), -1))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("-1");
    }

    private static String generate(ChurnGenerator generator, long rows) {
        StringWriter text = new StringWriter();
        generator.write(text, rows);
        return text.toString();
    }

    private static Table read(String text) {
        Table table = new Table();
        try (CsvReader csv = CsvReader.of(new StringReader(text), "churn")) {
            table.header = String.join(",", csv.header());
            int tenure = csv.requireColumn("tenure_months");
            int monthly = csv.requireColumn("monthly_charges");
            int contract = csv.requireColumn("contract");
            int internet = csv.requireColumn("internet_service");
            int payment = csv.requireColumn("payment_method");
            int churned = csv.requireColumn("churned");
            while (csv.next()) {
                table.rows++;
                double months = csv.getDouble(tenure);
                table.tenureSum += months;
                table.minTenure = Math.min(table.minTenure, months);
                table.maxTenure = Math.max(table.maxTenure, months);
                table.monthlySum += csv.getDouble(monthly);
                table.churned += (long) csv.getDouble(churned);
                table.contracts.add(csv.get(contract));
                table.internet.add(csv.get(internet));
                table.payments.add(csv.get(payment));
            }
        }
        return table;
    }

    private static final class Table {
        String header;
        long rows;
        long churned;
        double tenureSum;
        double monthlySum;
        double minTenure = Double.MAX_VALUE;
        double maxTenure;
        final Set<String> contracts = new HashSet<>();
        final Set<String> internet = new HashSet<>();
        final Set<String> payments = new HashSet<>();

        double churnRate() {
            return (double) churned / rows;
        }

        double meanTenure() {
            return tenureSum / rows;
        }

        double meanMonthly() {
            return monthlySum / rows;
        }
    }
}
