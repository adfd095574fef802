package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesManifestTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void deploymentRunsTheSameCommandWithProbesOnTheV2HealthRoutesAndAServiceInFront() throws IOException {
        KubernetesManifest manifest = new KubernetesManifest("churn", "registry.example.org/slipway:0.1",
                List.of("serve", "-m", "models:/churn@champion", "--port", "8080"), 8080, 2,
                Map.of("MLFLOW_TRACKING_URI", "http://tracking:5000"));
        List<JsonNode> documents;
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(manifest.toYaml())) {
            documents = iterator.readAll();
        }
        assertThat(documents).hasSize(2);
        JsonNode deployment = documents.get(0);
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("registry.example.org/slipway:0.1");
        assertThat(container.path("args").toString())
                .isEqualTo("[\"serve\",\"-m\",\"models:/churn@champion\",\"--port\",\"8080\"]");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/v2/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/v2/health/live");
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(container.path("env").get(0).path("value").asText()).isEqualTo("http://tracking:5000");
        JsonNode service = documents.get(1);
        assertThat(service.path("kind").asText()).isEqualTo("Service");
        assertThat(service.path("spec").path("selector").path("app.kubernetes.io/name").asText()).isEqualTo("churn");
    }

    @Test
    void namesAreMadeValidAndInvalidOnesRefused() {
        assertThat(KubernetesManifest.nameFrom("Churn Model@champion")).isEqualTo("churn-model-champion");
        assertThat(KubernetesManifest.nameFrom("___")).isEqualTo("slipway-model");
        assertThatThrownBy(() -> new KubernetesManifest("Bad_Name", "img", List.of(), 8080, 1, Map.of()))
                .hasMessageContaining("lower-case");
    }
}
