package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DvcFileTest {
    @Test
    void writesAFileOutputAsDvc3Does() {
        DvcFile file = DvcFile.of(DvcOutput.file("foo", HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"), 3, false));

        assertThat(file.toYaml()).isEqualTo("""
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  hash: md5
                  path: foo
                """);
    }

    @Test
    void writesAFolderOutputAsTheSpecExample() {
        DvcFile file = DvcFile.of(DvcOutput.directory("data", HashInfo.md5("bb773407cec47399d8af89b3e79958e3.dir"), 54, 5));

        assertThat(file.toYaml()).isEqualTo("""
                outs:
                - md5: bb773407cec47399d8af89b3e79958e3.dir
                  size: 54
                  nfiles: 5
                  hash: md5
                  path: data
                """);
    }

    @Test
    void writesIsexecBeforeHashAndNonAsciiPathsRaw() {
        DvcFile file = DvcFile.of(DvcOutput.file("d\u00e9j\u00e0 vu.sh", HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"), 3, true));

        assertThat(file.toYaml()).isEqualTo("""
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  isexec: true
                  hash: md5
                  path: d\u00e9j\u00e0 vu.sh
                """);
    }

    @Test
    void quotesPathsAndMd5sThatWouldNotReadBackAsStrings() {
        DvcFile file = DvcFile.of(DvcOutput.file("true", HashInfo.md5("12345678901234567890123456789012"), 3, false));

        String yaml = file.toYaml();

        assertThat(yaml).contains("- md5: '12345678901234567890123456789012'\n").contains("  path: 'true'\n");
        assertThat(DvcFile.parse(yaml, "x.dvc")).isEqualTo(file);
        assertThat(DvcFile.of(DvcOutput.file("0189", HashInfo.md5("01890123456789012345678901234567"), 3, false))
                .toYaml()).contains("md5: '01890123456789012345678901234567'").contains("path: '0189'");
        assertThat(DvcFile.of(DvcOutput.file("x", HashInfo.md5("1234e567890123456789012345678901"), 3, false))
                .toYaml()).contains("md5: '1234e567890123456789012345678901'");
        assertThat(DvcFile.of(DvcOutput.file("a b", HashInfo.md5("1234e56789012345678901234567890a"), 3, false))
                .toYaml()).contains("md5: 1234e56789012345678901234567890a\n").contains("path: a b\n");
    }

    @Test
    void readsADvc3FileBack() {
        DvcFile file = DvcFile.parse("""
                outs:
                - md5: bb773407cec47399d8af89b3e79958e3.dir
                  size: 54
                  nfiles: 5
                  hash: md5
                  path: data
                """, "data.dvc");

        DvcOutput out = file.outs().get(0);
        assertThat(out.hash()).contains(HashInfo.md5("bb773407cec47399d8af89b3e79958e3.dir"));
        assertThat(out.size()).contains(54L);
        assertThat(out.fileCount()).contains(5);
        assertThat(out.isLegacy()).isFalse();
        assertThat(out.path()).isEqualTo("data");
    }

    @Test
    void readsALegacyDvc2EntryWithTheDos2UnixRule() {
        DvcFile file = DvcFile.parse("""
                outs:
                - md5: 987929d61c9b69f0c6406b840aa77fd8
                  size: 20
                  path: crlf.txt
                """, "crlf.txt.dvc");

        DvcOutput out = file.outs().get(0);
        assertThat(out.isLegacy()).isTrue();
        assertThat(out.hash()).contains(new HashInfo(HashName.MD5_DOS2UNIX, "987929d61c9b69f0c6406b840aa77fd8"));
        assertThat(file.toYaml()).doesNotContain("hash:");
    }

    @Test
    void keepsUnknownKeysAndTopLevelKeysInPlace() {
        String text = """
                desc: training images
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  hash: md5
                  path: foo
                  remote: backup
                  push: false
                  labels:
                  - raw
                  - v2
                meta:
                  owner: data-team
                """;

        DvcFile file = DvcFile.parse(text, "foo.dvc");

        assertThat(file.keysBeforeOuts()).containsEntry("desc", "training images");
        assertThat(file.outs().get(0).extra()).containsKeys("remote", "push", "labels");
        assertThat(file.toYaml()).isEqualTo(text);
    }

    @Test
    void roundTripsAnImportStageByteForByte() {
        String text = """
                md5: 0a8d2fe2c4c1ac0e8c1d1b5e3f2e1c0a
                frozen: true
                deps:
                - path: data/data.xml
                  repo:
                    url: https://github.com/iterative/dataset-registry
                    rev_lock: f31f5c4cdae787b4bdeb97a717687d44667d9e62
                outs:
                - md5: 22a1a2931c8370d3aeedd7183606fd7f
                  size: 14445097
                  hash: md5
                  path: data.xml
                """;

        DvcFile file = DvcFile.parse(text, "data.xml.dvc");

        assertThat(file.keysBeforeOuts()).containsOnlyKeys("md5", "frozen", "deps");
        assertThat(file.toYaml()).isEqualTo(text);
    }

    @Test
    void anOutputWithoutAHashYetIsAccepted() {
        DvcFile file = DvcFile.parse("outs:\n- path: data\n", "data.dvc");

        assertThat(file.outs()).containsExactly(
                new DvcOutput("data", Optional.empty(), Optional.empty(), Optional.empty(), false, Map.of()));
        assertThat(file.toYaml()).isEqualTo("outs:\n- path: data\n");
    }

    @Test
    void badInputNamesTheFileAndTheField() {
        assertThatThrownBy(() -> DvcFile.parse("outs:\n- md5: nothex\n  path: a\n", "a.dvc"))
                .hasMessageContaining("a.dvc").hasMessageContaining("nothex");
        assertThatThrownBy(() -> DvcFile.parse("outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n", "b.dvc"))
                .hasMessageContaining("b.dvc").hasMessageContaining("path");
        assertThatThrownBy(() -> DvcFile.parse("outs:\n- path: c\n  size: -1\n", "c.dvc"))
                .hasMessageContaining("c.dvc").hasMessageContaining("size");
        assertThatThrownBy(() -> DvcFile.parse("outs:\n- path: d\n  hash: sha256\n", "d.dvc"))
                .hasMessageContaining("d.dvc").hasMessageContaining("sha256");
        assertThatThrownBy(() -> DvcFile.parse("outs: [unclosed\n", "e.dvc"))
                .hasMessageContaining("e.dvc");
        assertThatThrownBy(() -> DvcFile.parse("- just a list\n", "f.dvc"))
                .hasMessageContaining("f.dvc");
    }

    @Test
    void writesSeveralOutputsInOrder() {
        DvcFile file = new DvcFile(Map.of(), List.of(
                DvcOutput.file("b", HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"), 3, false),
                DvcOutput.file("a", HashInfo.md5("37b51d194a7513e45b56f6524f2d51f2"), 3, false)), Map.of());

        assertThat(DvcFile.parse(file.toYaml(), "two.dvc")).isEqualTo(file);
        assertThat(file.toYaml()).containsSubsequence("path: b", "path: a");
    }

    @Test
    void keepsCommentsAndUnknownKeysWhenAnOutputGetsANewHash() {
        String original = """
                # Training data, refreshed weekly.
                # Owner: data team
                desc: raw training images
                outs:
                # the images folder
                - md5: bb773407cec47399d8af89b3e79958e3.dir
                  size: 54
                  nfiles: 5
                  hash: md5
                  path: data

                  # where it came from
                  desc: scraped images
                  meta:
                    source: crawler
                    tags:
                    - raw
                    - v1
                  remote: archive
                meta:
                  team: vision
                  reviewed: true
                # end of file
                """;
        DvcFile file = DvcFile.parse(original, "data.dvc");

        assertThat(file.toYaml()).as("unchanged file round-trips byte for byte").isEqualTo(original);

        DvcOutput updated = file.outs().get(0).withHash(HashInfo.md5("0123456789abcdef0123456789abcdef.dir"), 60,
                Optional.of(6), false);
        assertThat(file.withOuts(List.of(updated)).toYaml())
                .isEqualTo(original.replace("bb773407cec47399d8af89b3e79958e3", "0123456789abcdef0123456789abcdef")
                        .replace("size: 54", "size: 60").replace("nfiles: 5", "nfiles: 6"));
    }

    @Test
    void commentsBeforeAnOutputsLaterKeysStayWithThoseKeys() {
        String original = """
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  hash: md5
                  # the path is relative to this file
                  path: foo
                # second output
                - md5: 37b51d194a7513e45b56f6524f2d51f2
                  size: 3
                  hash: md5
                  path: bar
                """;

        assertThat(DvcFile.parse(original, "two.dvc").toYaml()).isEqualTo(original);
    }

    @Test
    void fileWithoutCommentsHasNone() {
        DvcFile file = DvcFile.parse("outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n"
                + "  path: foo\n", "foo.dvc");

        assertThat(file.comments()).isEqualTo(DvcFile.Comments.none());
    }

    @Test
    void multiLineTextReadsBackUnchanged() {
        DvcFile file = DvcFile.parse("""
                desc: |
                  first line
                  second line\ttabbed "quoted"
                outs:
                - md5: acbd18db4cc2f85cedef654fccc4a4d8
                  size: 3
                  hash: md5
                  path: foo
                """, "foo.dvc");

        String written = file.toYaml();

        assertThat(written).startsWith("desc: \"first line\\nsecond line\\ttabbed \\\"quoted\\\"\\n\"\n");
        assertThat(DvcFile.parse(written, "foo.dvc").keysBeforeOuts())
                .containsEntry("desc", "first line\nsecond line\ttabbed \"quoted\"\n");
    }
}
