package dev.slipway.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RandomForestLearnerTest {
    @Test
    void floatThresholdSplitsEveryFloatLikeTheDoubleThreshold() {
        float below = 1.1f;
        float above = Math.nextUp(below);
        double split = (below + (double) above) / 2;

        float threshold = RandomForestLearner.floatAtOrBelow(split);

        assertThat(threshold).isEqualTo(below);
        assertThat(below <= threshold).isEqualTo(below <= split);
        assertThat(above <= threshold).isEqualTo(above <= split);
        assertThat(RandomForestLearner.floatAtOrBelow(2.5)).isEqualTo(2.5f);
    }
}
