package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.gitops.HealthStatus;
import dev.slipway.core.gitops.SyncStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How deployments are matched to model versions and how an event's evidence is rendered, without a server. */
class DeploymentPagesTest {
    private static DeploymentStatus status(String name, String model, Optional<String> live, Optional<String> canary) {
        return new DeploymentStatus("prod", name, Optional.empty(), model, live, canary, canary.isPresent() ? 25 : 0,
                canary.map(uri -> 2), SyncStatus.SYNCED, HealthStatus.HEALTHY, "", Optional.empty(), "agent", 1);
    }

    @Test
    void placementsFindTheStableModelTheCanaryAndARolloutInProgress() {
        List<DeploymentStatus> statuses = List.of(
                status("stable", "models:/churn/1", Optional.of("models:/churn/1"), Optional.empty()),
                status("canary", "models:/churn/1", Optional.empty(), Optional.of("models:/churn/2")),
                status("rolling", "models:/churn/2", Optional.of("models:/churn/1"), Optional.empty()),
                status("other", "models:/fraud/1", Optional.of("models:/fraud/1"), Optional.empty()));
        assertThat(Lineage.placements(statuses, "churn", 1))
                .extracting(placement -> placement.status().name() + ":" + placement.role())
                .containsExactly("stable:STABLE", "canary:STABLE", "rolling:LIVE");
        assertThat(Lineage.placements(statuses, "churn", 2))
                .extracting(placement -> placement.status().name() + ":" + placement.role())
                .containsExactly("canary:CANARY", "rolling:PENDING");
        assertThat(Lineage.placements(statuses, "churn", 3)).isEmpty();
        assertThat(DeploymentPages.placements(Lineage.placements(statuses, "churn", 2), "none"))
                .contains("<a href=\"/deployments/prod/canary\">prod/canary</a>", "canary at 25%, step 2",
                        "stable, not live yet");
    }

    @Test
    void aModelUriThatNamesNoVersionIsNotLinked() {
        assertThat(DeploymentPages.modelLink("models:/churn/7"))
                .isEqualTo("<a href=\"/models/churn/versions/7\"><code>models:/churn/7</code></a>");
        assertThat(DeploymentPages.modelLink("/srv/models/<churn>")).isEqualTo("<code>/srv/models/&lt;churn&gt;</code>");
    }

    @Test
    void aCanaryCheckShowsEachMeasureAgainstItsBound() {
        String html = DeploymentPages.evidence("{\"requests\":40,\"errors\":3,\"error_rate\":0.075,"
                + "\"p99_ms\":\"+Inf\",\"max_error_rate\":0.05,\"max_p99_ms\":500,\"verdict\":\"fail\","
                + "\"quality\":{},\"steps\":[10,100],\"decision\":\"roll_back\"}");
        assertThat(html).startsWith("<dl class=\"evidence\"><dt>Verdict</dt><dd><span class=\"badge bad\">fail</span>")
                .contains("<dt>Error rate</dt><dd><span class=\"measure fail\">7.5%</span> <span class=\"muted\">"
                        + "above the max 5%</span>")
                .contains("<dt>p99 latency</dt><dd><span class=\"measure fail\">+Inf ms</span>")
                .contains("<dt>Live quality</dt><dd><span class=\"muted\">none</span>")
                .contains("<dt>Steps</dt><dd>10%, 100%</dd>", "<dt>Decision</dt><dd>roll_back</dd>")
                .doesNotContain("Max error rate", "{");
    }

    @Test
    void evidenceIsEscapedAndUnreadableEvidenceIsSaidSo() {
        assertThat(DeploymentPages.evidence("{\"<key>\":\"<script>x</script>\",\"nested\":{\"a&b\":true}}"))
                .contains("<dt>&lt;key&gt;</dt><dd>&lt;script&gt;x&lt;/script&gt;</dd>",
                        "<span class=\"muted\">a&amp;b</span> yes")
                .doesNotContain("<script>");
        assertThat(DeploymentPages.evidence("{}")).isEqualTo("<span class=\"muted\">\u2013</span>");
        assertThat(DeploymentPages.evidence("[1, 2")).contains("unreadable evidence", "<pre>[1, 2</pre>");
    }
}
