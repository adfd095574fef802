package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The churn template's stages, run as its {@code dvc.yaml} writes them (with the {@code ${...}} values of its
 * {@code params.yaml}), each {@code slipway ...} line through the command line in-process, in a copy of the
 * template, with the local store: prepare -> train -> evaluate.
 */
class ChurnPipelineTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-z_.]+)}");

    @TempDir
    Path folder;

    @Test
    void stageCommandsGenerateSplitTrainAndEvaluateIntoMetricsFiles() throws IOException {
        ExampleProject.CHURN.copyTo(folder);
        JsonNode params = YAML.readTree(folder.resolve("params.yaml").toFile());
        ((ObjectNode) params.path("data")).put("rows", 2500);
        JsonNode stages = YAML.readTree(folder.resolve("dvc.yaml").toFile()).path("stages");
        Environment environment = CliRun.environment(folder, Map.of());

        assertThat(stages.fieldNames()).toIterable().containsExactly("prepare", "train", "evaluate");
        for (String stage : List.of("prepare", "train", "evaluate")) {
            for (String command : commands(stages.path(stage).path("cmd"))) {
                String expanded = expand(command, params);
                assertThat(expanded).startsWith("slipway ");
                CliRun run = CliRun.run(environment, expanded.substring("slipway ".length()).split(" +"));
                assertThat(run.exitCode()).as(stage + ": " + expanded + "\n" + run).isZero();
            }
        }

        assertThat(Files.readAllLines(folder.resolve("data/churn.csv"))).hasSize(2501);
        assertThat(folder.resolve("model/MLmodel")).isRegularFile();
        JsonNode trainMetrics = JSON.readTree(folder.resolve("train_metrics.json").toFile());
        assertThat(trainMetrics.fieldNames()).toIterable().contains("val_accuracy", "val_roc_auc");
        JsonNode metrics = JSON.readTree(folder.resolve("metrics.json").toFile());
        assertThat(metrics.isObject()).isTrue();
        assertThat(metrics.fieldNames()).toIterable().contains("roc_auc", "accuracy", "log_loss");
        metrics.fields().forEachRemaining(field -> assertThat(field.getValue().isNumber()).as(field.getKey()).isTrue());
        assertThat(metrics.path("roc_auc").asDouble()).isGreaterThan(0.75);
        assertThat(metrics.path("accuracy").asDouble()).isBetween(0.7, 1.0);
    }

    private static List<String> commands(JsonNode cmd) {
        List<String> commands = new ArrayList<>();
        if (cmd.isArray()) {
            cmd.forEach(line -> commands.add(line.asText()));
        } else {
            cmd.asText().lines().filter(line -> !line.isBlank()).forEach(commands::add);
        }
        return commands;
    }

    /** DVC's {@code ${a.b}} with the value at that path of params.yaml. */
    private static String expand(String command, JsonNode params) {
        Matcher reference = REFERENCE.matcher(command);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            JsonNode value = params;
            for (String key : reference.group(1).split("\\.")) {
                value = value.path(key);
            }
            assertThat(value.isValueNode()).as(reference.group()).isTrue();
            reference.appendReplacement(expanded, Matcher.quoteReplacement(value.asText()));
        }
        return reference.appendTail(expanded).toString();
    }
}
