package dev.slipway.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TrackingServiceRulesTest {
    @Test
    void sampledStepsKeepFirstAndLast() {
        List<Long> steps = LongStream.range(0, 10).boxed().toList();
        assertThat(TrackingService.sampleSteps(steps, 5)).containsExactly(0L, 2L, 4L, 6L, 8L, 9L);
        assertThat(TrackingService.sampleSteps(steps, 10)).isEqualTo(steps);
        assertThat(TrackingService.sampleSteps(steps, 1)).containsExactly(0L, 9L);
    }

    @Test
    void keyNamesFollowMlflowsRule() {
        assertThatCode(() -> TrackingService.validateKey("metric", "train/loss: epoch-1 v.2")).doesNotThrowAnyException();
        assertThatThrownBy(() -> TrackingService.validateKey("metric", "a$b")).hasMessageContaining("Invalid metric name");
        assertThatThrownBy(() -> TrackingService.validateKey("param", "../a")).hasMessageContaining("normalisation");
        assertThatThrownBy(() -> TrackingService.validateKey("param", "/a")).hasMessageContaining("normalisation");
        assertThatThrownBy(() -> TrackingService.validateKey("param", "a//b")).hasMessageContaining("normalisation");
        assertThatThrownBy(() -> TrackingService.validateKey("tag", "x".repeat(251))).hasMessageContaining("length limit");
        assertThatThrownBy(() -> TrackingService.validateKey("tag", "")).hasMessageContaining("Missing value");
    }

    @Test
    void artifactLocationTricksAreRejected() {
        assertThatThrownBy(() -> TrackingService.validateArtifactLocation("runs:/abc/model")).hasMessageContaining("runs:/");
        assertThatThrownBy(() -> TrackingService.validateArtifactLocation("http:///#/../../../etc/"))
                .hasMessageContaining("fragments");
        assertThatThrownBy(() -> TrackingService.validateArtifactLocation("file:///tmp/x;a=b")).hasMessageContaining("params");
        assertThatThrownBy(() -> TrackingService.validateArtifactLocation("s3://b/p?x=../../y")).hasMessageContaining("query");
        assertThatCode(() -> TrackingService.validateArtifactLocation("s3://bucket/prefix")).doesNotThrowAnyException();
    }

    @Test
    void joinUriHandlesSchemeRoots() {
        assertThat(TrackingService.joinUri("mlflow-artifacts:/", "1")).isEqualTo("mlflow-artifacts:/1");
        assertThat(TrackingService.joinUri("/data/mlruns", "1")).isEqualTo("/data/mlruns/1");
        assertThat(TrackingService.joinUri("s3://b/p/", "1")).isEqualTo("s3://b/p/1");
    }

    @Test
    void latestMetricOrderIsStepThenTimestampThenValue() {
        Metric base = new Metric("m", 1.0, 100, 5);
        assertThat(new Metric("m", 0.0, 0, 6).isLaterThan(base)).isTrue();
        assertThat(new Metric("m", 0.0, 101, 5).isLaterThan(base)).isTrue();
        assertThat(new Metric("m", 2.0, 100, 5).isLaterThan(base)).isTrue();
        assertThat(new Metric("m", 1.0, 100, 5).isLaterThan(base)).isFalse();
    }
}
