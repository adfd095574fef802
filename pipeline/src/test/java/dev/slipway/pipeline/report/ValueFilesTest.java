package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueFilesTest {
    @Test
    void tomlTablesDottedKeysAndValuesFlattenAsDvcDoes() {
        String toml = """
                title = "run" # comment
                [model]
                depth = 3
                rate = 1e-3
                layers = [1, 2, 3]
                opt.name = 'adam'
                [model.extra]
                flag = true
                big = 1_000
                inline = { a = 1, b = "x" }
                """;
        Map<String, Object> values = FlatValues.parse("config.toml", toml.getBytes(UTF_8), true);
        assertThat(values).containsExactly(Map.entry("title", "run"), Map.entry("model.depth", 3L),
                Map.entry("model.rate", 0.001), Map.entry("model.layers", List.of(1L, 2L, 3L)),
                Map.entry("model.opt.name", "adam"), Map.entry("model.extra.flag", true),
                Map.entry("model.extra.big", 1000L), Map.entry("model.extra.inline.a", 1L),
                Map.entry("model.extra.inline.b", "x"));
        assertThat(FlatValues.parse("config.toml", toml.getBytes(UTF_8), false)).doesNotContainKey("model.layers");
    }

    @Test
    void yamlAndJsonKeepNumbersStringsAndBooleans() {
        String yaml = "lr: 1e-3\nepochs: 10\nname: x\nflag: false\nnothing: null\nlayers: [8, 4]\n";
        assertThat(FlatValues.parse("params.yaml", yaml.getBytes(UTF_8), true)).containsExactly(
                Map.entry("lr", 0.001), Map.entry("epochs", 10L), Map.entry("name", "x"), Map.entry("flag", false),
                Map.entry("layers", List.of(8L, 4L)));
        assertThat(FlatValues.parse("m.json", "{\"a\": {\"b\": 1.5, \"c\": [1]}}".getBytes(UTF_8), false))
                .containsExactly(Map.entry("a.b", 1.5));
        assertThat(FlatValues.parse("m.json", "{\"loss\": NaN}".getBytes(UTF_8), false))
                .containsEntry("loss", Double.NaN);
    }

    @Test
    void malformedFileIsAnErrorNamingIt() {
        assertThatThrownBy(() -> FlatValues.parse("bad.toml", "x = ".getBytes(UTF_8), true))
                .hasMessageContaining("'bad.toml' cannot be parsed");
        assertThatThrownBy(() -> FlatValues.parse("params.yaml", "a: [".getBytes(UTF_8), true))
                .hasMessageContaining("'params.yaml' cannot be parsed");
        assertThatThrownBy(() -> FlatValues.parse("list.json", "[1]".getBytes(UTF_8), true))
                .hasMessageContaining("must hold a mapping");
    }

    @Test
    void pythonParamsKeepTopLevelAndClassLiterals() {
        String python = """
                import os
                LR = 0.01
                NAME = "base"
                DEBUG = False
                PATH = os.path.join("a")

                class Train:
                    epochs = 10
                    optimizer: str = 'sgd'
                """;
        assertThat(FlatValues.parse("params.py", python.getBytes(UTF_8), true)).containsExactly(
                Map.entry("LR", 0.01), Map.entry("NAME", "base"), Map.entry("DEBUG", false),
                Map.entry("Train.epochs", 10L), Map.entry("Train.optimizer", "sgd"));
    }

    @Test
    void tableCellsFollowPythonsRoundAndRepr() {
        assertThat(DisplayValues.format(0.9 - 0.8, 5)).isEqualTo("0.1");
        assertThat(DisplayValues.format(0.0000123, 5)).isEqualTo("1e-05");
        assertThat(DisplayValues.format(0.0000123, -1)).isEqualTo("1.23e-05");
        assertThat(DisplayValues.format(100.0, 5)).isEqualTo("100.0");
        assertThat(DisplayValues.format(1e16, -1)).isEqualTo("1e+16");
        assertThat(DisplayValues.format(-2.5, 0)).isEqualTo("-2.0");
        assertThat(DisplayValues.format(7L, 5)).isEqualTo("7");
        assertThat(DisplayValues.format(true, 5)).isEqualTo("True");
        assertThat(DisplayValues.format(List.of(1L, "a"), 5)).isEqualTo("[1, 'a']");
        assertThat(DisplayValues.format(null, 5)).isEqualTo("-");
    }

    @Test
    void declaredFilesReadStagesWdirFlagsAndSkipTemplates() {
        DeclaredFiles declared = DeclaredFiles.parse("""
                params: [extra.json]
                metrics: [summary.json]
                stages:
                  train:
                    wdir: src
                    cmd: x
                    params:
                    - lr
                    - cfg.toml: [a.b]
                    - whole.yaml:
                    metrics: [{out/m.json: {cache: false}}]
                  loop:
                    foreach: [a, b]
                    do:
                      cmd: y
                      metrics:
                      - out/${item}.json
                      - fixed.json
                """, "dvc.yaml");
        assertThat(declared.params()).containsExactly(Map.entry("extra.json", List.of()),
                Map.entry("params.yaml", List.of("lr")), Map.entry("src/cfg.toml", List.of("a.b")),
                Map.entry("src/whole.yaml", List.of()));
        assertThat(declared.metrics()).containsExactly("summary.json", "src/out/m.json", "fixed.json");
        assertThatThrownBy(() -> DeclaredFiles.parse("- a", "HEAD:dvc.yaml")).hasMessageContaining("HEAD:dvc.yaml");
    }
}
