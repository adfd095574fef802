package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

    @Test
    void percentIsKeptInHundredthsOfAPercent() {
        assertThat(TrafficSplit.of(10).basisPoints()).isEqualTo(1000);
        assertThat(TrafficSplit.of(2.5).basisPoints()).isEqualTo(250);
        assertThat(TrafficSplit.of(2.5).percent()).isEqualTo(2.5);
    }

    @Test
    void percentOutsideZeroToHundredIsRefused() {
        assertThatThrownBy(() -> TrafficSplit.of(101)).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("between 0 and 100, got 101");
        assertThatThrownBy(() -> TrafficSplit.of(-1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> TrafficSplit.of(Double.NaN)).hasMessageContaining("got NaN");
    }

    @Test
    void zeroSendsNothingAndHundredSendsEverythingToTheCanary() {
        for (int i = 0; i < 1000; i++) {
            assertThat(TrafficSplit.of(0).toCanary(Optional.of("key-" + i))).isFalse();
            assertThat(TrafficSplit.of(0).toCanary(Optional.empty())).isFalse();
            assertThat(TrafficSplit.of(100).toCanary(Optional.of("key-" + i))).isTrue();
            assertThat(TrafficSplit.of(100).toCanary(Optional.empty())).isTrue();
        }
    }

    @Test
    void keyBucketIsFnv1aOfTheUtf8BytesModuloTenThousand() {
        // FNV-1a 32 of "" is 0x811c9dc5, of "a" is 0xe40c292c (published test vectors)
        assertThat(TrafficSplit.bucket("")).isEqualTo(Integer.remainderUnsigned(0x811c9dc5, 10_000));
        assertThat(TrafficSplit.bucket("a")).isEqualTo(Integer.remainderUnsigned(0xe40c292c, 10_000));
        assertThat(TrafficSplit.bucket("é")).isNotEqualTo(TrafficSplit.bucket("e"));
    }

    @Test
    void raisingThePercentOnlyMovesKeysFromStableToCanary() {
        for (int i = 0; i < 2000; i++) {
            Optional<String> key = Optional.of("user-" + i);
            if (TrafficSplit.of(5).toCanary(key)) {
                assertThat(TrafficSplit.of(20).toCanary(key)).isTrue();
            }
        }
    }
}
