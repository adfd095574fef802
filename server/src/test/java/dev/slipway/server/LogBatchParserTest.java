package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.tracking.Metric;
import dev.slipway.core.tracking.Param;
import dev.slipway.core.tracking.Tag;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LogBatchParserTest {
    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAPlainBodyStraightIntoRecords() {
        LogBatchParser.LogBatch batch = LogBatchParser.tryParse(json("{\"run_id\": \"abc\", \"ignored\": {\"x\": [1]},"
                + "\"metrics\": [{\"key\": \"m\", \"value\": 1, \"timestamp\": 5, \"step\": -2},"
                + "{\"key\": \"n\", \"value\": NaN, \"timestamp\": 6}],"
                + "\"params\": [{\"key\": \"p\", \"value\": \"\"}], \"tags\": [{\"value\": \"v\", \"key\": \"t\"}]}"))
                .orElseThrow();
        assertThat(batch.runId()).isEqualTo("abc");
        assertThat(batch.metrics()).containsExactly(new Metric("m", 1.0, 5, -2), new Metric("n", Double.NaN, 6, 0));
        assertThat(batch.params()).containsExactly(new Param("p", ""));
        assertThat(batch.tags()).containsExactly(new Tag("t", "v"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"{\\\"run_id\\\": \\\"abc\\\"}\"",                                          // doubly encoded body
        "{\"metrics\": []}",                                                        // no run id
        "{\"run_id\": 31}",                                                         // mistyped run id
        "{\"run_id\": \"a\", \"metrics\": [{\"key\": \"m\", \"value\": \"1\", \"timestamp\": 5}]}",   // number as string
        "{\"run_id\": \"a\", \"metrics\": [{\"key\": \"m\", \"value\": 1}]}",       // no timestamp
        "{\"run_id\": \"a\", \"metrics\": [{\"key\": \"m\", \"value\": 1, \"timestamp\": 1.5}]}",
        "{\"run_id\": \"a\", \"metrics\": \"foo\"}",
        "{\"run_id\": \"a\", \"params\": [{\"key\": \"p\"}]}",                     // value left out
        "{\"run_id\": \"a\", \"tags\": [{\"key\": \"t\", \"value\": 41}]}",
        "{\"run_id\": \"a\"} trailing",
        "{\"run_id\": \"a\", \"run_uuid\": \"b\"}",
        "not json"})
    void leavesAnythingUnusualToTheGeneralParser(String body) {
        assertThat(LogBatchParser.tryParse(json(body))).isEmpty();
    }
}
