package dev.slipway.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubernetesYamlTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void stringsThatAPlainScalarWouldMisreadAreQuotedAndReadBackUnchanged() throws IOException {
        List<String> tricky = List.of("true", "No", "null", "~", "1", "1Gi", "0.5", "a: b", "- x", "#x", "",
                " lead",
                "models:/churn/7", "$(SLIPWAY_MODEL_URI)", "quote\"back\\slash", "line\nbreak", "tab\there", "{x}", "@a");
        Map<String, Object> document = new LinkedHashMap<>();
        for (int index = 0; index < tricky.size(); index++) {
            document.put("k" + (char) ('a' + index), tricky.get(index));
        }
        document.put("list", tricky);

        Map<?, ?> read = YAML.readValue(KubernetesYaml.write(List.of(document)), Map.class);

        assertThat(read).isEqualTo(document);
    }

    @Test
    void emptyCollectionsNumbersAndBooleansAreWrittenInline() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("empty-list", List.of());
        document.put("empty-map", Map.of());
        document.put("count", 3);
        document.put("enabled", false);
        assertThat(KubernetesYaml.write(List.of(document, Map.of("kind", "Service"))))
                .isEqualTo("count: 3\nempty-list: []\nempty-map: {}\nenabled: false\n---\nkind: Service\n");
    }

    @Test
    void keysThatYamlReadsAsBooleansAreQuoted() {
        assertThat(KubernetesYaml.write(List.of(Map.of("y", 1)))).isEqualTo("\"y\": 1\n");
    }

    @Test
    void valuesThatAreNotYamlAreRefused() {
        assertThatThrownBy(() -> KubernetesYaml.write(List.of(Map.of("a", 1.5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Double");
    }
}
