package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportMarkdownTest {
    @Test
    void rendersHeadingsTablesAndInlineCodeOfAGateReport() {
        String html = ReportMarkdown.toHtml("""
                ## Slipway CI: `churn` PASS

                **PASS: beats the champion**

                | metric | candidate | champion |
                |:--|--:|--:|
                | roc_auc | 0.912 | 0.897 |
                - registered `models:/churn/7`
                """);
        assertThat(html).contains("<h3>Slipway CI: <code>churn</code> PASS</h3>",
                "<p><strong>PASS: beats the champion</strong></p>", "<th scope=\"col\">metric</th>",
                "<td>roc_auc</td><td>0.912</td><td>0.897</td>", "<li>registered <code>models:/churn/7</code></li>");
        assertThat(html).doesNotContain("--");
    }

    @Test
    void escapesEverythingSoAReportCannotInjectMarkup() {
        String html = ReportMarkdown.toHtml("# <script>alert(1)</script>\n\n| `<b>` | x |\n\n<img src=x onerror=alert(1)>");
        assertThat(html).doesNotContain("<script>", "<b>", "<img").contains("&lt;script&gt;", "<code>&lt;b&gt;</code>",
                "&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void dropsTheEmptyHeaderRowOfKeyValueTables() {
        String html = ReportMarkdown.toHtml("| | |\n|:--|:--|\n| Candidate | 0.9 |\n");
        assertThat(html).doesNotContain("<th").contains("<tr><td>Candidate</td><td>0.9</td></tr>");
    }
}
