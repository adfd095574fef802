package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FormattingTest {
    @Test
    void tableAlignsColumnsUnderTheirHeaders() {
        StringWriter out = new StringWriter();
        new TextTable("ID", "NAME", "STATUS").add("1", "a-long-name", "RUNNING").add("22", "b", "FINISHED")
                .print(new PrintWriter(out, true));

        assertThat(out.toString().lines()).containsExactly(
                "ID  NAME         STATUS",
                "1   a-long-name  RUNNING",
                "22  b            FINISHED");
    }

    @Test
    void tableCellsStayOnOneLine() {
        StringWriter out = new StringWriter();
        new TextTable("KEY", "VALUE").add("note", "two\nlines").print(new PrintWriter(out, true));

        assertThat(out.toString().lines()).containsExactly("KEY   VALUE", "note  two lines");
    }

    @Test
    void timesAreLocalDateAndSecond() {
        HumanFormat format = new HumanFormat(ZoneOffset.UTC);

        assertThat(format.time(1_700_000_000_000L)).isEqualTo("2023-11-14 22:13:20");
        assertThat(format.time(0)).isEqualTo("-");
    }

    @Test
    void durationsUseTheLargestSensibleUnits() {
        assertThat(HumanFormat.duration(850)).isEqualTo("850ms");
        assertThat(HumanFormat.duration(12_345)).isEqualTo("12.3s");
        assertThat(HumanFormat.duration(245_000)).isEqualTo("4m 05s");
        assertThat(HumanFormat.duration(7_380_000)).isEqualTo("2h 03m");
        assertThat(HumanFormat.duration(273_600_000)).isEqualTo("3d 04h");
    }

    @Test
    void wholeNumbersLoseTheirFraction() {
        assertThat(HumanFormat.number(3.0)).isEqualTo("3");
        assertThat(HumanFormat.number(0.25)).isEqualTo("0.25");
        assertThat(HumanFormat.number(Double.NaN)).isEqualTo("NaN");
    }
}
