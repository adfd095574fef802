package dev.slipway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsSingleAndCompoundAmountsInEveryUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d8h5m20s")).isEqualTo(Duration.ofSeconds(2 * 86_400 + 8 * 3_600 + 5 * 60 + 20));
        assertThat(Durations.parse(" 1H 30M ")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1m500ms")).isEqualTo(Duration.ofMillis(60_500));
        assertThat(Durations.parse("0s")).isZero();
    }

    @Test
    void readsFractionsToTheMillisecond() {
        assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("0.0004s")).isZero();
    }

    @Test
    void refusesWhatIsNotADurationNamingTheText() {
        for (String bad : new String[] {"", "30", "m", "5 minutes", "1h30", "-5m", "1x", "5m!", "99999999999999d"}) {
            assertThat(Durations.tryParse(bad)).as(bad).isEmpty();
        }
        assertThatThrownBy(() -> Durations.parse("5 minutes")).isInstanceOfSatisfying(SlipwayException.class,
                e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).contains("'5 minutes'").contains("1h30m");
                });
        assertThatThrownBy(() -> Durations.parsePositive("0m")).isInstanceOf(SlipwayException.class)
                .hasMessageContaining("longer than zero");
    }

    @Test
    void writesWhatItReadsInWholeUnits() {
        assertThat(Durations.text(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Durations.text(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(Durations.text(Duration.ofMillis(60_500))).isEqualTo("1m500ms");
        assertThat(Durations.text(Duration.ZERO)).isEqualTo("0s");
        for (Duration duration : new Duration[] {Duration.ofSeconds(1), Duration.ofDays(400),
                Duration.ofMillis(123_456_789)}) {
            assertThat(Durations.parse(Durations.text(duration))).isEqualTo(duration);
        }
    }

    @Test
    void describesInTheLargestWholeUnitForSentences() {
        assertThat(Durations.describe(Duration.ofHours(24))).isEqualTo("24 h");
        assertThat(Durations.describe(Duration.ofDays(7))).isEqualTo("7 d");
        assertThat(Durations.describe(Duration.ofMinutes(90))).isEqualTo("90 min");
        assertThat(Durations.describe(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(Durations.describe(Duration.ofMillis(1_500))).isEqualTo("1500 ms");
    }
}
