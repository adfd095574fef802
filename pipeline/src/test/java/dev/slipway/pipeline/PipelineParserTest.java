package dev.slipway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineParserTest {
    @TempDir
    Path root;
    private PipelineFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new PipelineFixture(root);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void readsEveryStageKey() {
        fixture.write("dvc.yaml", """
                stages:
                  train:
                    desc: trains the model
                    cmd: |
                      python train.py
                      echo done
                    wdir: src
                    deps:
                    - ../data
                    params:
                    - lr
                    - config.json:
                      - model.depth
                    - other.toml:
                    outs:
                    - model.bin
                    - cache_free.bin:
                        cache: false
                        persist: true
                        desc: a file
                    metrics:
                    - metrics.json:
                        cache: false
                    plots:
                    - loss.csv:
                        x: step
                        y: loss
                    frozen: true
                    always_changed: false
                    meta:
                      owner: me
                """);

        Stage stage = fixture.pipeline().stage("train").orElseThrow();

        assertThat(stage.cmd()).isEqualTo("python train.py\necho done\n");
        assertThat(stage.commands()).containsExactly("python train.py", "echo done");
        assertThat(stage.wdir()).isEqualTo(root.resolve("src"));
        assertThat(stage.deps()).extracting(Stage.Dependency::absolute).containsExactly(root.resolve("data"));
        assertThat(stage.params()).extracting(Stage.ParamsDependency::path, Stage.ParamsDependency::keys)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("params.yaml", List.of("lr")),
                        org.assertj.core.groups.Tuple.tuple("config.json", List.of("model.depth")),
                        org.assertj.core.groups.Tuple.tuple("other.toml", List.of()));
        assertThat(stage.outs()).extracting(Stage.Output::path, Stage.Output::kind, Stage.Output::cache,
                Stage.Output::persist).containsExactly(
                org.assertj.core.groups.Tuple.tuple("model.bin", Stage.OutputKind.OUT, true, false),
                org.assertj.core.groups.Tuple.tuple("cache_free.bin", Stage.OutputKind.OUT, false, true),
                org.assertj.core.groups.Tuple.tuple("metrics.json", Stage.OutputKind.METRIC, false, false),
                org.assertj.core.groups.Tuple.tuple("loss.csv", Stage.OutputKind.PLOT, true, false));
        assertThat(stage.frozen()).isTrue();
        assertThat(stage.desc()).contains("trains the model");
    }

    @Test
    void templatesResolveFromParamsYamlVarsFilesAndInlineVars() {
        fixture.write("params.yaml", "train:\n  lr: 0.01\n  epochs: 10\n  flags:\n    verbose: true\n    quiet: false\n"
                        + "    layers: [2, 3]\n")
                .write("config.yaml", "data:\n  path: raw.csv\nunused: 1\n")
                .write("dvc.yaml", """
                        vars:
                        - config.yaml:data
                        - name: model
                          sizes: [1, 2]
                        stages:
                          flags:
                            cmd: ${train.flags}
                          train:
                            cmd: python train.py --lr ${train.lr} --epochs ${ train.epochs } ${train.flags} \\${literal} ${sizes[1]}
                            deps:
                            - ${data.path}
                            outs:
                            - ${name}.bin
                            frozen: ${train.flags.verbose}
                        """);

        Stage stage = fixture.pipeline().stage("train").orElseThrow();

        assertThat(fixture.pipeline().stage("flags").orElseThrow().cmd()).isEqualTo("--verbose --layers 2 3");
        assertThat(stage.cmd()).isEqualTo(
                "python train.py --lr 0.01 --epochs 10 --verbose --layers 2 3 ${literal} 2");
        assertThat(stage.deps()).extracting(Stage.Dependency::path).containsExactly("raw.csv");
        assertThat(stage.outs()).extracting(Stage.Output::path).containsExactly("model.bin");
        assertThat(stage.frozen()).isTrue();
    }

    @Test
    void foreachOverListsAndDictsAndReferencesGeneratesDvcNames() {
        fixture.write("params.yaml", "models:\n  small: {size: 1}\n  large: {size: 9}\n")
                .write("dvc.yaml", """
                        stages:
                          fetch:
                            foreach: [a, 1.5, true]
                            do:
                              cmd: echo ${item} > ${item}.txt
                              outs:
                              - ${item}.txt
                          build:
                            foreach: ${models}
                            do:
                              cmd: echo ${key} ${item.size}
                          nested:
                            foreach:
                            - {x: 1}
                            - {x: 2}
                            do:
                              cmd: echo ${item.x}
                        """);

        Pipeline pipeline = fixture.pipeline();

        assertThat(pipeline.stages()).extracting(Stage::name).containsExactly("fetch@a", "fetch@1.5", "fetch@True",
                "build@small", "build@large", "nested@0", "nested@1");
        assertThat(pipeline.stage("fetch@True").orElseThrow().cmd()).isEqualTo("echo true > true.txt");
        assertThat(pipeline.stage("build@large").orElseThrow().cmd()).isEqualTo("echo large 9");
        assertThat(pipeline.resolve("fetch")).hasSize(3);
    }

    @Test
    void matrixGeneratesTheCartesianProduct() {
        fixture.write("dvc.yaml", """
                stages:
                  train:
                    matrix:
                      model: [cnn, rnn]
                      lr: [0.1, 0.01]
                      opts: [{a: 1}]
                    cmd: train ${item.model} ${item.lr} ${item.opts.a} ${key}
                """);

        Pipeline pipeline = fixture.pipeline();

        assertThat(pipeline.stages()).extracting(Stage::name).containsExactly("train@cnn-0.1-opts0",
                "train@cnn-0.01-opts0", "train@rnn-0.1-opts0", "train@rnn-0.01-opts0");
        assertThat(pipeline.stage("train@rnn-0.01-opts0").orElseThrow().cmd())
                .isEqualTo("train rnn 0.01 1 rnn-0.01-opts0");
    }

    @Test
    void graphLinksOutputsToDependenciesInsideAndAroundFolders() {
        fixture.write("dvc.yaml", """
                stages:
                  a:
                    cmd: x
                    outs:
                    - data/raw
                  b:
                    cmd: x
                    deps:
                    - data/raw/file.csv
                    outs:
                    - features
                  c:
                    cmd: x
                    deps:
                    - .
                    outs:
                    - report.txt
                    frozen: true
                  d:
                    cmd: x
                    deps:
                    - report.txt
                    - features
                """);

        Pipeline pipeline = fixture.pipeline();

        assertThat(pipeline.upstreamOf(pipeline.stage("b").orElseThrow())).extracting(Stage::name).containsExactly("a");
        assertThat(pipeline.upstreamOf(pipeline.stage("c").orElseThrow())).extracting(Stage::name)
                .containsExactly("a", "b");
        assertThat(pipeline.plan(pipeline.resolve("d"), false, false)).extracting(Stage::name)
                .containsExactly("a", "b", "c", "d");
        assertThat(pipeline.plan(List.of(), false, false)).extracting(Stage::name).containsExactly("a", "b", "c", "d");
        assertThat(pipeline.plan(pipeline.resolve("a"), true, false)).extracting(Stage::name)
                .containsExactly("a", "b", "d");
    }

    @Test
    void cycleIsOneMessageNamingFileLineAndStage() {
        fixture.write("dvc.yaml", """
                stages:
                  a:
                    cmd: x
                    deps: [b.txt]
                    outs: [a.txt]
                  b:
                    cmd: x
                    deps: [a.txt]
                    outs: [b.txt]
                """);

        assertThatThrownBy(fixture::pipeline).isInstanceOf(SlipwayException.class)
                .hasMessage("dvc.yaml:2: stage 'a': the pipeline has a cycle: a -> b -> a");
    }

    @Test
    void unknownKeysAreErrors() {
        fixture.write("dvc.yaml", "stages:\n  a:\n    cmd: x\n    dep: [y]\n");
        assertThatThrownBy(fixture::pipeline).hasMessageStartingWith("dvc.yaml:4: stage 'a': unknown key 'dep'");

        fixture.write("dvc.yaml", "stage:\n  a:\n    cmd: x\n");
        assertThatThrownBy(fixture::pipeline).hasMessageStartingWith("dvc.yaml:1: unknown key 'stage'");

        fixture.write("dvc.yaml", "stages:\n  a:\n    cmd: x\n    outs:\n    - o:\n        cahce: false\n");
        assertThatThrownBy(fixture::pipeline).hasMessage("dvc.yaml:6: stage 'a': unknown key 'cahce' for output 'o'");
    }

    @Test
    void outputClaimedTwiceOrNestedIsAnError() {
        fixture.write("dvc.yaml", "stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: x\n    outs:\n    - o\n");
        assertThatThrownBy(fixture::pipeline)
                .hasMessage("dvc.yaml:8: stage 'b': output 'o' is already an output of stage 'a'");

        fixture.write("dvc.yaml", "stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: x\n    outs:\n    - o/p\n");
        assertThatThrownBy(fixture::pipeline)
                .hasMessage("dvc.yaml:8: stage 'b': output 'o/p' overlaps output 'o' of stage 'a'");
    }

    @Test
    void badTemplateReferenceNamesTheLineAndStage() {
        fixture.write("dvc.yaml", "vars:\n- x: 1\nstages:\n  a:\n    cmd: echo ${y.z}\n");
        assertThatThrownBy(fixture::pipeline).hasMessage("dvc.yaml:5: stage 'a': Could not find 'y' (in '${y.z}')");

        fixture.write("dvc.yaml", "vars:\n- x: {k: 1}\nstages:\n  a:\n    cmd: echo\n    deps:\n    - in-${x}\n");
        assertThatThrownBy(fixture::pipeline).hasMessageStartingWith(
                "dvc.yaml:7: stage 'a': Cannot interpolate data of type 'dict'");
    }

    @Test
    void yamlSyntaxErrorsAndBadNamesAreErrors() {
        fixture.write("dvc.yaml", "stages:\n  a:\n    cmd: [x\n");
        assertThatThrownBy(fixture::pipeline).hasMessageStartingWith("dvc.yaml:").hasMessageContaining("cannot parse YAML");

        fixture.write("dvc.yaml", "stages:\n  a.b:\n    cmd: x\n");
        assertThatThrownBy(fixture::pipeline).hasMessageStartingWith("dvc.yaml:2: stage 'a.b': invalid stage name");

        fixture.write("dvc.yaml", "stages:\n  a:\n    deps: [x]\n");
        assertThatThrownBy(fixture::pipeline).hasMessage("dvc.yaml:2: stage 'a': 'cmd' is required");
    }

    @Test
    void paramsFilesOfEachFormatAreRead() {
        fixture.write("p.toml", "# comment\nlr = 0.5\n[model]\ndepth = 3\nname = \"tree\"\nlayers = [1, 2]\n"
                        + "[model.extra]\nflag = true\n")
                .write("p.json", "{\"a\": {\"b\": [1, 2.5]}}");

        Map<String, Object> toml = ParamsFiles.load(root.resolve("p.toml"), "p.toml");
        Map<String, Object> json = ParamsFiles.load(root.resolve("p.json"), "p.json");

        assertThat(toml).containsEntry("lr", 0.5);
        fixture.write("p.yaml", "eps: 1e-5\nbig: 1.5e+3\nflag: yes\n");
        assertThat(ParamsFiles.load(root.resolve("p.yaml"), "p.yaml")).containsEntry("eps", 1e-5)
                .containsEntry("big", 1500.0).containsEntry("flag", "yes");
        assertThat(ParamsFiles.lookup(toml, "model.depth")).contains(3);
        assertThat(ParamsFiles.lookup(toml, "model.extra.flag")).contains(true);
        assertThat(ParamsFiles.lookup(toml, "model.layers")).contains(List.of(1, 2));
        assertThat(ParamsFiles.lookup(json, "a.b")).contains(List.of(1, 2.5));
        fixture.write("bad.toml", "a = 1\nb = [1, 2\n");
        assertThatThrownBy(() -> ParamsFiles.load(root.resolve("bad.toml"), "bad.toml"))
                .hasMessageStartingWith("bad.toml:");
        fixture.write("bad.json", "{\n\"a\": }");
        assertThatThrownBy(() -> ParamsFiles.load(root.resolve("bad.json"), "bad.json"))
                .hasMessageStartingWith("bad.json:2: cannot parse JSON");
    }

    @Test
    void floatsAreWrittenAsPythonRepr() {
        assertThat(PythonValues.repr(1e-05)).isEqualTo("1e-05");
        assertThat(PythonValues.repr(0.001)).isEqualTo("0.001");
        assertThat(PythonValues.repr(1e16)).isEqualTo("1e+16");
        assertThat(PythonValues.repr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PythonValues.repr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PythonValues.repr(-2.5e-10)).isEqualTo("-2.5e-10");
        assertThat(PythonValues.repr(100.0)).isEqualTo("100.0");
        assertThat(PythonValues.repr(5e-324)).isEqualTo("5e-324");
        assertThat(PythonValues.json(Map.of("b", List.of(1, 0.5, true), "a", "é\u007f")))
                .isEqualTo("{\"a\": \"\\u00e9\\u007f\", \"b\": [1, 0.5, true]}");
    }
}
