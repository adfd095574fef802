package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
    @Test
    void noOriginIsAllowedByDefault() {
        CorsPolicy policy = new CorsPolicy(List.of());
        assertThat(policy.allows("https://notebooks.example.org")).isFalse();
        assertThat(policy.allows("http://localhost:5000")).isFalse();
    }

    @Test
    void originsMatchBySchemeHostAndPortIgnoringCaseAndDefaultPorts() {
        CorsPolicy policy = new CorsPolicy(List.of("https://Notebooks.example.org/", "http://localhost:3000"));
        assertThat(policy.allows("https://notebooks.example.org")).isTrue();
        assertThat(policy.allows("https://NOTEBOOKS.example.org:443")).isTrue();
        assertThat(policy.allows("http://localhost:3000")).isTrue();
        assertThat(policy.allows("http://notebooks.example.org")).isFalse();
        assertThat(policy.allows("https://notebooks.example.org:8443")).isFalse();
        assertThat(policy.allows("https://notebooks.example.org.evil.example")).isFalse();
        assertThat(policy.allows("http://localhost:3001")).isFalse();
        assertThat(policy.allows("null")).isFalse();
        assertThat(policy.allows("not an origin")).isFalse();
    }

    @Test
    void aStarAllowsEveryOriginButNull() {
        CorsPolicy policy = new CorsPolicy(List.of("*"));
        assertThat(policy.allows("https://anything.example")).isTrue();
        assertThat(policy.allows("null")).isFalse();
    }

    @Test
    void somethingThatIsNotAnOriginIsRefusedUpFront() {
        for (String bad : List.of("notebooks.example.org", "https://example.org/path", "https://user@example.org",
                "https://example.org?x=1")) {
            assertThatThrownBy(() -> new CorsPolicy(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme://host[:port]");
        }
    }

    @Test
    void onlyApiPathsTakePartInCors() {
        assertThat(CorsPolicy.isApi("/api/2.0/mlflow/runs/get")).isTrue();
        assertThat(CorsPolicy.isApi("/ajax-api/2.0/mlflow/runs/get")).isTrue();
        assertThat(CorsPolicy.isApi("/get-artifact")).isTrue();
        assertThat(CorsPolicy.isApi("/experiments/1/rename")).isFalse();
        assertThat(CorsPolicy.isApi("/")).isFalse();
    }
}
