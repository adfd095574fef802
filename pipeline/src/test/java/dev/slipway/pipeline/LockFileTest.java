package dev.slipway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.data.HashInfo;
import dev.slipway.data.HashName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LockFileTest {
    @Test
    void longAndMultiLineCommandsAreFoldedAndQuotedAsTheYamlEmitterDoes() {
        // expected text produced by PyYAML's emitter (the algorithm ruamel shares) for the same content
        Map<String, LockEntry> entries = new LinkedHashMap<>();
        entries.put("train", new LockEntry(
                "python src/train.py --data data/prepared --out model.pkl --epochs 10 --learning-rate 0.1 --seed 42 --verbose",
                List.of(new LockEntry.LockedPath("data/a very long folder name/with spaces inside it/and more words here"
                        + " to pass eighty/columns.csv", Optional.empty(), Optional.empty(), Optional.empty(), false)),
                Map.of("params.yaml", Map.of("msg", "it's a: test", "list",
                        List.of("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii")),
                        "b.yaml", Map.of("n", 1), "a.json", Map.of("x", 1.5)),
                List.of()));
        entries.put("multi", new LockEntry("echo one\necho 'two'\n\nlast line that is pretty long and goes past the "
                + "eighty column limit for sure yes", List.of(), Map.of(), List.of()));
        entries.put("q", new LockEntry("echo 'quoted' && x: y z1 z2 z3 z4 z5 z6 z7 z8 z9 z10 z11 z12 z13 z14 z15 z16 "
                + "z17 z18 z19 z20 z21", List.of(), Map.of(), List.of()));

        assertThat(LockFile.toYaml(entries)).isEqualTo("""
                schema: '2.0'
                stages:
                  train:
                    cmd: python src/train.py --data data/prepared --out model.pkl --epochs 10 --learning-rate
                      0.1 --seed 42 --verbose
                    deps:
                    - path: data/a very long folder name/with spaces inside it/and more words here
                        to pass eighty/columns.csv
                    params:
                      params.yaml:
                        list:
                        - a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg
                          hh ii
                        msg: 'it''s a: test'
                      a.json:
                        x: 1.5
                      b.yaml:
                        n: 1
                  multi:
                    cmd: 'echo one

                      echo ''two''


                      last line that is pretty long and goes past the eighty column limit for sure
                      yes'
                  q:
                    cmd: 'echo ''quoted'' && x: y z1 z2 z3 z4 z5 z6 z7 z8 z9 z10 z11 z12 z13 z14 z15
                      z16 z17 z18 z19 z20 z21'
                """);
        assertThat(LockFile.parse(LockFile.toYaml(entries), "dvc.lock")).isEqualTo(entries);
    }

    @Test
    void legacyEntriesAndOldLayoutAreRead() {
        String legacy = """
                prepare:
                  cmd: python prepare.py
                  deps:
                  - path: data.xml
                    md5: a304afb96060aad90176268345e10355
                  outs:
                  - path: prepared
                    md5: 6836f797f3924fb46fcfd6b9f6aa6416.dir
                    size: 10
                    nfiles: 2
                    isexec: true
                """;

        LockEntry entry = LockFile.parse(legacy, "dvc.lock").get("prepare");

        assertThat(entry.deps().get(0).hash()).contains(new HashInfo(HashName.MD5_DOS2UNIX,
                "a304afb96060aad90176268345e10355"));
        assertThat(entry.outs().get(0).fileCount()).contains(2);
        assertThat(entry.outs().get(0).executable()).isTrue();
        assertThat(LockFile.toYaml(Map.of("prepare", entry))).isEqualTo("""
                schema: '2.0'
                stages:
                  prepare:
                    cmd: python prepare.py
                    deps:
                    - path: data.xml
                      md5: a304afb96060aad90176268345e10355
                    outs:
                    - path: prepared
                      md5: 6836f797f3924fb46fcfd6b9f6aa6416.dir
                      size: 10
                      nfiles: 2
                      isexec: true
                """);
    }
}
