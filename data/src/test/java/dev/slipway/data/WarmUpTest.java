package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpTest {
    /** Its pointer file and listing stay valid as parsing changes: a warm-up that failed would only waste its thread. */
    @Test
    void everyStepOfTheWarmUpRuns() {
        assertThat(WarmUp.run()).isTrue();
    }
}
