package dev.slipway.models.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path folder;

    private static List<CsvRow> readAll(String text) {
        try (CsvReader csv = CsvReader.of(new StringReader(text), "test.csv")) {
            List<CsvRow> rows = new ArrayList<>();
            csv.forEach(rows::add);
            return rows;
        }
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndNewlines() {
        List<CsvRow> rows = readAll("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n3,,last");

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).values()).containsExactly("1", "x, y", "say \"hi\"");
        assertThat(rows.get(1).values()).containsExactly("2", "two\nlines", "");
        assertThat(rows.get(2).values()).containsExactly("3", "", "last");
    }

    @Test
    void numbersRowsFromOneAndLinesFromTheHeader() {
        List<CsvRow> rows = readAll("a,b\n1,\"multi\nline\"\n2,x\n");

        assertThat(rows).extracting(CsvRow::rowNumber).containsExactly(1L, 2L);
        assertThat(rows).extracting(CsvRow::lineNumber).containsExactly(2L, 4L);
    }

    @Test
    void skipsAUtf8ByteOrderMarkInAFile() throws IOException {
        Path file = folder.resolve("bom.csv");
        Files.write(file, "\uFEFFname,value\nü,1.5\n".getBytes(StandardCharsets.UTF_8));

        try (CsvReader csv = CsvReader.open(file)) {
            assertThat(csv.header()).containsExactly("name", "value");
            assertThat(csv.next()).isTrue();
            assertThat(csv.get(0)).isEqualTo("ü");
            assertThat(csv.getDouble(1)).isEqualTo(1.5);
            assertThat(csv.next()).isFalse();
        }
    }

    @Test
    void skipsBlankLinesBetweenRows() {
        assertThat(readAll("a,b\n1,2\n\n3,4\n\n")).extracting(CsvRow::values)
                .containsExactly(List.of("1", "2"), List.of("3", "4"));
    }

    @Test
    void parsesNumbersWithoutLosingPrecision() {
        String[] values = {"0", "-0.5", "3", "1e-7", "2.5E+3", "123456789.123", "0.1", "-17.000001",
            "12345678901234567890", "1.7976931348623157E308", "4.9e-324", " 42 ", "+.5", "5."};
        StringBuilder text = new StringBuilder("x\n");
        for (String value : values) {
            text.append(value).append('\n');
        }
        try (CsvReader csv = CsvReader.of(new StringReader(text.toString()), "numbers.csv")) {
            for (String value : values) {
                assertThat(csv.next()).isTrue();
                assertThat(csv.getDouble(0)).as(value).isEqualTo(Double.parseDouble(value.trim()));
            }
        }
    }

    @Test
    void readsEmptyAndNaCellsAsNaN() {
        try (CsvReader csv = CsvReader.of(new StringReader("x,y\n,NA\nnan,null\n"), "na.csv")) {
            assertThat(csv.next()).isTrue();
            assertThat(csv.getDouble(0)).isNaN();
            assertThat(csv.getDouble(1)).isNaN();
            assertThat(csv.next()).isTrue();
            assertThat(csv.getDouble(0)).isNaN();
            assertThat(csv.getDouble(1)).isNaN();
        }
    }

    @Test
    void rejectsTextInANumberNamingFileRowAndColumn() {
        try (CsvReader csv = CsvReader.of(new StringReader("id,amount\n1,2\n2,abc\n"), "data.csv")) {
            csv.next();
            csv.next();
            assertThatThrownBy(() -> csv.getDouble(1))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessage("data.csv row 2 (line 3), column 'amount': 'abc' is not a number");
        }
    }

    @Test
    void rejectsARowWithTooFewFields() {
        assertThatThrownBy(() -> readAll("a,b,c\n1,2,3\n4,5\n"))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("test.csv row 2 (line 3) has 2 fields but the header has 3: no value for column 'c'");
    }

    @Test
    void rejectsARowWithTooManyFields() {
        assertThatThrownBy(() -> readAll("a,b\n1,2,3\n"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("test.csv row 1 (line 2) has 3 fields but the header has 2")
                .hasMessageContaining("extra value '3' in column 3, after column 'b'");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        Path file = folder.resolve("empty.csv");
        Files.writeString(file, "");

        assertThatThrownBy(() -> CsvReader.open(file))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining(file + " is empty: expected a header row");
    }

    @Test
    void rejectsAMissingHeader() {
        assertThatThrownBy(() -> readAll("\n1,2\n"))
                .hasMessageContaining("test.csv has no header row: line 1 is blank");
        assertThatThrownBy(() -> readAll("a,,c\n1,2,3\n"))
                .hasMessageContaining("test.csv header (line 1): column 2 has no name");
        assertThatThrownBy(() -> readAll("a,b,a\n1,2,3\n"))
                .hasMessageContaining("column 'a' appears twice (columns 1 and 3)");
    }

    @Test
    void rejectsAnUnterminatedQuote() {
        assertThatThrownBy(() -> readAll("a,b\n1,\"open\n2,3\n"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("test.csv row 1 (line 2), field 2: the quote opened on line 2 is never closed");
    }

    @Test
    void reportsAMissingFileAsNotFound() {
        assertThatThrownBy(() -> CsvReader.open(folder.resolve("nope.csv")))
                .isInstanceOf(SlipwayException.class)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void readsRowsLongerThanTheReadBuffer() {
        String longValue = "x".repeat(200_000);
        List<CsvRow> rows = readAll("a,b\n\"" + longValue + "\"," + longValue + "\n");

        assertThat(rows.get(0).get(0)).hasSize(200_000);
        assertThat(rows.get(0).get(1)).isEqualTo(longValue);
    }

    @Test
    void readsTheSameRowsWhateverTheReadChunkSize() {
        StringBuilder text = new StringBuilder("id,text,value\r\n");
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String quoted = "q\"" + i + "\", \r\nmore " + "x".repeat(i % 17);
            text.append(i).append(",\"").append(quoted.replace("\"", "\"\"")).append("\",").append(i * 0.5)
                    .append(i % 3 == 0 ? "\r\n" : "\n");
            expected.add(List.of(Integer.toString(i), quoted, Double.toString(i * 0.5)));
        }
        for (int chunk : new int[] {1, 2, 3, 7, 64, 100_000}) {
            try (CsvReader csv = CsvReader.of(new ChunkedReader(text.toString(), chunk), "chunks.csv")) {
                List<List<String>> rows = new ArrayList<>();
                long lastLine = 0;
                while (csv.next()) {
                    rows.add(csv.values());
                    assertThat(csv.getDouble(2)).isEqualTo(Double.parseDouble(csv.get(2)));
                    lastLine = csv.lineNumber();
                }
                assertThat(rows).as("chunk %d", chunk).isEqualTo(expected);
                assertThat(lastLine).as("chunk %d", chunk).isEqualTo(2 + 299 * 2);
            }
        }
    }

    /** A reader that returns at most {@code chunk} chars per read, to move buffer boundaries around. */
    private static final class ChunkedReader extends java.io.Reader {
        private final String text;
        private final int chunk;
        private int position;

        ChunkedReader(String text, int chunk) {
            this.text = text;
            this.chunk = chunk;
        }

        @Override
        public int read(char[] target, int offset, int length) {
            if (position >= text.length()) {
                return -1;
            }
            int count = Math.min(Math.min(length, chunk), text.length() - position);
            text.getChars(position, position + count, target, offset);
            position += count;
            return count;
        }

        @Override
        public void close() {}
    }

    @Test
    void writerOutputReadsBackToTheSameValues() {
        StringWriter text = new StringWriter();
        try (CsvWriter writer = CsvWriter.of(text, "out")) {
            writer.writeRow(List.of("name", "value", "note"));
            writer.field("a,b").field(1.5f).field("quote \" and\nnewline").endRow();
            writer.field(" padded ").field(Float.NaN).field("").endRow();
        }
        List<CsvRow> rows = readAll(text.toString());

        assertThat(rows.get(0).values()).containsExactly("a,b", "1.5", "quote \" and\nnewline");
        assertThat(rows.get(1).values()).containsExactly(" padded ", "", "");
    }
}
