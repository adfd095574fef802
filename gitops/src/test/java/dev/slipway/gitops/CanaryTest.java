package dev.slipway.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.gitops.CanaryAnalysis.Check;
import dev.slipway.gitops.CanaryAnalysis.QualityReading;
import dev.slipway.gitops.CanaryAnalysis.Verdict;
import dev.slipway.gitops.CanaryRollout.Decision;
import dev.slipway.gitops.DeploymentSpec.Analysis;
import dev.slipway.gitops.DeploymentSpec.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CanaryTest {
    private static final String METRICS = """
            # HELP slipway_serving_requests_total Scoring requests, by model, version, variant and protocol.
            # TYPE slipway_serving_requests_total counter
            slipway_serving_requests_total{model="churn",version="7",variant="stable",protocol="mlflow"} 900
            slipway_serving_requests_total{model="churn",version="8",variant="canary",protocol="mlflow"} 80
            slipway_serving_requests_total{model="churn",version="8",variant="canary",protocol="v2"} 20
            slipway_serving_requests_total{model="fraud",version="1",variant="canary",protocol="v2"} 5000
            slipway_serving_errors_total{model="churn",version="8",variant="canary",protocol="mlflow"} 10
            slipway_serving_request_duration_seconds_bucket{model="churn",version="8",variant="canary",le="0.01"} 50
            slipway_serving_request_duration_seconds_bucket{model="churn",version="8",variant="canary",le="0.1"} 89
            slipway_serving_request_duration_seconds_bucket{model="churn",version="8",variant="canary",le="1.0"} 90
            slipway_serving_request_duration_seconds_bucket{model="churn",version="8",variant="canary",le="+Inf"} 90
            slipway_serving_request_duration_seconds_sum{model="churn",version="8",variant="canary"} 2.5
            slipway_serving_model_swaps_total 3
            """;

    @Test
    void trafficIsReadPerModelAndVariantAcrossVersionsAndProtocols() {
        VariantTraffic canary = VariantTraffic.parse(METRICS, "churn", "canary");

        assertThat(canary.requests()).isEqualTo(100);
        assertThat(canary.errors()).isEqualTo(10);
        assertThat(canary.errorRate()).isEqualTo(OptionalDouble.of(0.1));
        assertThat(canary.latencyQuantileMillis(0.5)).isEqualTo(OptionalDouble.of(10));
        assertThat(canary.latencyQuantileMillis(0.99)).isEqualTo(OptionalDouble.of(1000));
        assertThat(VariantTraffic.parse(METRICS, "churn", "stable").requests()).isEqualTo(900);
        assertThat(VariantTraffic.parse(METRICS, "churn", "shadow")).satisfies(none -> {
            assertThat(none.requests()).isZero();
            assertThat(none.errorRate()).isEmpty();
            assertThat(none.latencyQuantileMillis(0.99)).isEmpty();
        });
    }

    @Test
    void trafficSinceAnEarlierReadingSubtractsAndSurvivesARestart() {
        VariantTraffic before = new VariantTraffic(40, 2, List.of(0.01, 0.1, 1.0), List.of(30L, 38L, 38L, 38L));
        VariantTraffic now = VariantTraffic.parse(METRICS, "churn", "canary");

        VariantTraffic window = now.since(before);
        assertThat(window.requests()).isEqualTo(60);
        assertThat(window.errors()).isEqualTo(8);
        assertThat(window.bucketCounts()).containsExactly(20L, 51L, 52L, 52L);
        assertThat(now.since(VariantTraffic.NONE)).isEqualTo(now);
        assertThat(before.since(now)).as("counters went back: the server restarted").isEqualTo(before);
    }

    @Test
    void analysisFailsOnErrorsAndLatencyAndWaitsForTrafficAndFeedback() {
        Analysis bounds = new Analysis(OptionalDouble.of(0.05), OptionalDouble.of(500), Map.of("accuracy", 0.8));
        VariantTraffic canary = VariantTraffic.parse(METRICS, "churn", "canary");

        Check failed = CanaryAnalysis.evaluate(bounds, canary, Optional.of(new QualityReading(50, Map.of("accuracy", 0.7))));
        assertThat(failed.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(failed.reasons()).containsExactly("error rate 0.1000 above 0.05 (10 of 100 requests failed)",
                "p99 latency 1000 ms above 500 ms", "accuracy 0.7 below 0.8");
        assertThat(failed.evidence()).containsEntry("requests", 100L).containsEntry("error_rate", 0.1).containsEntry("verdict", "fail");

        Check quiet = CanaryAnalysis.evaluate(bounds, new VariantTraffic(5, 0, List.of(), List.of(0L)), Optional.of(new QualityReading(0, Map.of())));
        assertThat(quiet.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
        assertThat(quiet.summary()).contains("5 requests reached the candidate").contains("no prediction of the candidate has feedback yet");

        Analysis errorsOnly = new Analysis(OptionalDouble.of(0.2), OptionalDouble.empty(), Map.of());
        assertThat(CanaryAnalysis.evaluate(errorsOnly, canary, Optional.empty()).verdict()).isEqualTo(Verdict.PASS);
        assertThat(CanaryAnalysis.evaluate(Analysis.NONE, VariantTraffic.NONE, Optional.empty()).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void rolloutAdvancesAfterEachPauseWhilePassingAndPromotesAfterTheLastStep() {
        Canary canary = new Canary("models:/churn/8", List.of(25, 100), Duration.ofSeconds(10), Analysis.NONE, 2);
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        CanaryRollout rollout = new CanaryRollout(canary, start, VariantTraffic.NONE);
        Check pass = new Check(Verdict.PASS, List.of(), Map.of());
        VariantTraffic later = new VariantTraffic(100, 0, List.of(), List.of(0L));

        assertThat(rollout.weight()).isEqualTo(25);
        assertThat(rollout.checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(rollout.checkDue(start.plusSeconds(4))).isFalse();
        assertThat(rollout.checkDue(start.plusSeconds(5))).isTrue();
        assertThat(rollout.record(start.plusSeconds(5), pass, later)).isEqualTo(Decision.HOLD);
        assertThat(rollout.record(start.plusSeconds(10), pass, later)).isEqualTo(Decision.ADVANCE);
        assertThat(rollout.weight()).isEqualTo(100);
        assertThat(rollout.stepBaseline()).isEqualTo(later);
        assertThat(rollout.record(start.plusSeconds(15), new Check(Verdict.INCONCLUSIVE, List.of("quiet"), Map.of()), later))
                .isEqualTo(Decision.HOLD);
        assertThat(rollout.record(start.plusSeconds(20), pass, later)).isEqualTo(Decision.PROMOTE);
    }

    @Test
    void rolloutRollsBackAfterTheFailureLimit() {
        Canary canary = new Canary("models:/churn/8", List.of(50, 100), Duration.ZERO, Analysis.NONE, 2);
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        CanaryRollout rollout = new CanaryRollout(canary, start, VariantTraffic.NONE);
        Check fail = new Check(Verdict.FAIL, List.of("error rate 1 above 0.01"), Map.of());

        assertThat(rollout.checkInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(rollout.record(start.plusSeconds(1), fail, VariantTraffic.NONE)).isEqualTo(Decision.HOLD);
        assertThat(rollout.record(start.plusSeconds(2), fail, VariantTraffic.NONE)).isEqualTo(Decision.ROLL_BACK);
        assertThat(rollout.failedChecks()).isEqualTo(2);
        assertThat(rollout.weight()).isEqualTo(50);
    }
}
