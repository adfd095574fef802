package dev.slipway.models.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
    @Test
    void computesMaeRmseAndR2OfTheScikitLearnExample() {
        RegressionMetrics metrics = new RegressionMetrics();
        double[] actual = {3, -0.5, 2, 7};
        double[] predicted = {2.5, 0.0, 2, 8};
        for (int i = 0; i < actual.length; i++) {
            metrics.add(actual[i], predicted[i]);
        }

        Map<Metric, Double> values = metrics.metrics();

        assertThat(values.get(Metric.MAE)).isCloseTo(0.5, within(1e-12));
        assertThat(values.get(Metric.RMSE)).isCloseTo(Math.sqrt(0.375), within(1e-12));
        assertThat(values.get(Metric.R2)).isCloseTo(0.9486081370449679, within(1e-12));
    }

    @Test
    void r2OfAConstantTargetIsOneOnlyForPerfectPredictions() {
        RegressionMetrics perfect = new RegressionMetrics();
        perfect.add(2, 2);
        perfect.add(2, 2);
        RegressionMetrics off = new RegressionMetrics();
        off.add(2, 2);
        off.add(2, 3);

        assertThat(perfect.metrics().get(Metric.R2)).isEqualTo(1.0);
        assertThat(off.metrics().get(Metric.R2)).isEqualTo(0.0);
        assertThat(new RegressionMetrics().metrics()).isEmpty();
    }
}
