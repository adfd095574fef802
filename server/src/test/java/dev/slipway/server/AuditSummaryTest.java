package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.audit.AuditEntry;
import org.junit.jupiter.api.Test;

class AuditSummaryTest {
    private static ObjectNode object() {
        return ApiClient.JSON.createObjectNode();
    }

    @Test
    void secretFieldsAndTheValuesOfSecretTagsAreRedacted() {
        ObjectNode request = object().put("name", "churn").put("password", "p").put("Authorization", "Basic x")
                .put("api_key", "k").put("client_secret", "s").put("refreshToken", "t");
        request.putArray("tags").add(object().put("key", "db_password").put("value", "v"))
                .add(object().put("key", "team").put("value", "churn"));
        request.putObject("headers").put("X-Api-Key", "k2");

        JsonNode summary = AuditSummary.summary(request);

        assertThat(summary.get("name").asText()).isEqualTo("churn");
        for (String field : new String[] {"password", "Authorization", "api_key", "client_secret", "refreshToken"}) {
            assertThat(summary.get(field).asText()).as(field).isEqualTo(AuditSummary.REDACTED);
        }
        assertThat(summary.get("tags").get(0).get("value").asText()).isEqualTo(AuditSummary.REDACTED);
        assertThat(summary.get("tags").get(1).get("value").asText()).isEqualTo("churn");
        assertThat(summary.get("headers").get("X-Api-Key").asText()).isEqualTo(AuditSummary.REDACTED);
    }

    @Test
    void summariesShortenStringsUrlsArraysAndDeepObjects() {
        ObjectNode request = object().put("long", "x".repeat(1000))
                .put("webhook", "https://hooks.slack.com/services/T000/B000/secretpart")
                .put("plain_url", "https://example.org")
                .put("git", "https://user:pw@git.example.org/repo.git")
                .put("s3", "s3://bucket/path/model?versionId=abc");
        ArrayNode many = request.putArray("rows");
        for (int index = 0; index < 100; index++) {
            many.add(index);
        }
        request.putObject("a").putObject("b").putObject("c").putObject("d").put("e", 1);

        JsonNode summary = AuditSummary.summary(request);

        assertThat(summary.get("long").asText()).startsWith("x".repeat(AuditSummary.MAX_STRING_LENGTH))
                .endsWith("... (1000 characters)");
        assertThat(summary.get("webhook").asText()).isEqualTo("https://hooks.slack.com/...");
        assertThat(summary.get("plain_url").asText()).isEqualTo("https://example.org");
        assertThat(summary.get("git").asText()).isEqualTo("https://git.example.org/...");
        assertThat(summary.get("s3").asText()).isEqualTo("s3://bucket/path/model");
        assertThat(summary.get("rows")).isEqualTo(object().put("count", 100));
        assertThat(summary.get("a").get("b").get("c").get("d")).isEqualTo(object().put("count", 1));
    }

    @Test
    void statesKeepEverythingButSecretsAndUrlPasswords() {
        ObjectNode state = object().put("source", "s3://bucket/path/model?versionId=abc")
                .put("run_link", "https://user:pw@tracking.example.org/#/runs/1")
                .put("description", "d".repeat(1000));
        state.putArray("tags").add(object().put("key", "token").put("value", "v"));

        JsonNode redacted = AuditSummary.redacted(state);

        assertThat(redacted.get("source").asText()).isEqualTo("s3://bucket/path/model?versionId=abc");
        assertThat(redacted.get("run_link").asText()).isEqualTo("https://tracking.example.org/");
        assertThat(redacted.get("description").asText()).hasSize(1000);
        assertThat(redacted.get("tags").get(0).get("value").asText()).isEqualTo(AuditSummary.REDACTED);
    }

    @Test
    void aSummaryTooLongFallsBackToTheFieldNames() {
        ObjectNode request = object();
        for (int index = 0; index < 200; index++) {
            request.put("field" + index, "y".repeat(190));
        }

        JsonNode summary = AuditSummary.summary(request);

        assertThat(summary.get("truncated").asBoolean()).isTrue();
        assertThat(summary.get("fields")).hasSize(200);
    }

    @Test
    void textLongerThanAnEntryKeepsIsReplacedByItsLength() {
        ObjectNode state = object().put("description", "z".repeat(AuditEntry.MAX_JSON_LENGTH));

        assertThat(AuditSummary.text(state)).startsWith("{\"truncated\":true,\"length\":");
    }
}
