package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class YamlTreeTest {
    private static final ObjectMapper DATA_BINDING = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {
        "outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n",
        "md5: 12345678901234567890123456789012\nbig: 123456789012345678901234567890\nlong: 12345678901\n",
        "f: 1.5\ne: 1e3\nneg: -7\nhex: 0x1F\noct: 0o17\n",
        "t: true\nf: false\ny: yes\nn: no\non: on\nTrue: True\n",
        "a: null\nb: ~\nc:\nd: ''\ne: \"\"\n",
        "s: 'quoted: colon'\nd: \"esc \\u00e9 \\t\"\nfolded: >\n  one\n  two\nliteral: |\n  x\n  y\n",
        "flow: {a: 1, b: [x, y, {c: d}]}\nempty_list: []\nempty_map: {}\n",
        "dup: 1\ndup: 2\n",
        "# a comment\nouts: # trailing\n- path: données/ünïcode.csv # note\n  md5: 0a\n",
        "meta:\n  owner: team\n  tags: [a, b]\n  nested:\n    deeper: [1, [2, 3]]\nouts: []\n",
        "first: 1\n---\nsecond: 2\n",
        "- just\n- a list\n",
        "plain scalar\n",
        "42\n",
        "anchor: &x [1, 2]\nsame: *x\n",
        "date: 2024-01-02\ntime: 2024-01-02T03:04:05Z\n",
    })
    void readsWhatJacksonDataBindingReads(String text) throws IOException {
        assertThat(YamlTree.read(text)).isEqualTo(DATA_BINDING.readValue(text, Object.class));
    }

    @Test
    void keepsIntegerWidthsAndDocumentOrder() throws IOException {
        Object tree = YamlTree.read("z: 1\ny: 12345678901\nx: 123456789012345678901234567890\nw: 0.5\n");

        assertThat(tree).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) tree;
        assertThat(List.<Object>copyOf(map.keySet())).containsExactly("z", "y", "x", "w");
        assertThat(map.get("z")).isEqualTo(1);
        assertThat(map.get("y")).isEqualTo(12345678901L);
        assertThat(map.get("x")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(map.get("w")).isEqualTo(0.5);
    }

    @Test
    void readsBinaryAsBytes() throws IOException {
        Object tree = YamlTree.read("b: !!binary aGVsbG8=\n");

        assertThat(Arrays.equals((byte[]) ((Map<?, ?>) tree).get("b"), "hello".getBytes())).isTrue();
        assertThat(((Map<?, ?>) DATA_BINDING.readValue("b: !!binary aGVsbG8=\n", Object.class)).get("b"))
                .isEqualTo("hello".getBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n"})
    void rejectsADocumentWithNoContent(String text) {
        assertThatThrownBy(() -> YamlTree.read(text)).isInstanceOf(IOException.class).hasMessageContaining("no content");
    }

    @ParameterizedTest
    @ValueSource(strings = {"outs: [\n", "a: b: c\n", "key: \"unterminated\n", "\tindented: tab\n", "inf: .inf\n"})
    void rejectsWhatDataBindingRejects(String text) {
        assertThatThrownBy(() -> DATA_BINDING.readValue(text, Object.class)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> YamlTree.read(text)).isInstanceOf(IOException.class);
    }

    @Test
    void aDvcFileParsesAsBefore() {
        DvcFile file = DvcFile.parse("outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n",
                "foo.dvc");

        assertThat(file.outs()).hasSize(1);
        assertThat(file.outs().get(0).path()).isEqualTo("foo");
        assertThat(List.copyOf(file.keysBeforeOuts().keySet())).isEmpty();
    }
}
