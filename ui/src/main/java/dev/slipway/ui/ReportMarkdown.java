package dev.slipway.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Markdown subset Slipway's own reports use (the gate reports of {@code slipway models evaluate} and
 * {@code slipway ci}): headings, pipe tables, bullet lists, paragraphs, {@code `code`} and {@code **bold**}. Every
 * piece of text is escaped; nothing else of Markdown (links, raw HTML) is honoured, so a report cannot inject markup.
 */
final class ReportMarkdown {
    private static final Pattern INLINE = Pattern.compile("`([^`]+)`|\\*\\*([^*]+)\\*\\*");
    private static final Pattern SEPARATOR_ROW = Pattern.compile("\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?");

    private ReportMarkdown() {}

    static String toHtml(String markdown) {
        StringBuilder html = new StringBuilder(markdown.length() * 2);
        List<String> paragraph = new ArrayList<>();
        List<String> lines = markdown.lines().toList();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i).strip();
            if (line.startsWith("|")) {
                flush(html, paragraph);
                List<String> rows = new ArrayList<>();
                while (i < lines.size() && lines.get(i).strip().startsWith("|")) {
                    rows.add(lines.get(i).strip());
                    i++;
                }
                table(html, rows);
                continue;
            }
            if (line.startsWith("- ") || line.startsWith("* ")) {
                flush(html, paragraph);
                html.append("<ul>");
                while (i < lines.size() && (lines.get(i).strip().startsWith("- ") || lines.get(i).strip().startsWith("* "))) {
                    html.append("<li>").append(inline(lines.get(i).strip().substring(2))).append("</li>");
                    i++;
                }
                html.append("</ul>\n");
                continue;
            }
            if (line.startsWith("#")) {
                flush(html, paragraph);
                int level = 0;
                while (level < line.length() && line.charAt(level) == '#') {
                    level++;
                }
                // reports sit under the page's h2 sections: their headings start at h3
                int tag = Math.min(6, Math.max(3, level + 1));
                html.append("<h").append(tag).append('>').append(inline(line.substring(level).strip()))
                        .append("</h").append(tag).append(">\n");
            } else if (line.isEmpty()) {
                flush(html, paragraph);
            } else {
                paragraph.add(line);
            }
            i++;
        }
        flush(html, paragraph);
        return html.toString();
    }

    private static void flush(StringBuilder html, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            html.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    private static void table(StringBuilder html, List<String> rows) {
        html.append("<div class=\"table-scroll\"><table class=\"grid report-table\">");
        boolean header = rows.size() > 1 && SEPARATOR_ROW.matcher(rows.get(1)).matches();
        for (int r = 0; r < rows.size(); r++) {
            if (header && (r == 1 || r == 0 && cells(rows.get(0)).stream().allMatch(String::isEmpty))) {
                continue; // the separator row, and a header row of empty cells ("| | |" heads key-value tables)
            }
            String cellTag = header && r == 0 ? "th" : "td";
            html.append("<tr>");
            for (String cell : cells(rows.get(r))) {
                html.append('<').append(cellTag).append(cellTag.equals("th") ? " scope=\"col\">" : ">")
                        .append(inline(cell)).append("</").append(cellTag).append('>');
            }
            html.append("</tr>");
        }
        html.append("</table></div>\n");
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1);
        if (inner.endsWith("|")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static String inline(String text) {
        StringBuilder html = new StringBuilder();
        Matcher matcher = INLINE.matcher(text);
        int last = 0;
        while (matcher.find()) {
            html.append(Html.text(text.substring(last, matcher.start())));
            if (matcher.group(1) != null) {
                html.append("<code>").append(Html.text(matcher.group(1))).append("</code>");
            } else {
                html.append("<strong>").append(Html.text(matcher.group(2))).append("</strong>");
            }
            last = matcher.end();
        }
        html.append(Html.text(text.substring(last)));
        return html.toString();
    }
}
