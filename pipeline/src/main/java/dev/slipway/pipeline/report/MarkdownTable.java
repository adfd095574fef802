package dev.slipway.pipeline.report;

import java.util.List;

/** A GitHub-flavoured pipe table with columns padded to their widest cell, as DVC's {@code --md} prints. */
final class MarkdownTable {
    private MarkdownTable() {}

    static String of(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = escape(header.get(column)).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], escape(row.get(column)).length());
            }
        }
        StringBuilder table = new StringBuilder();
        line(table, header, widths);
        table.append('|');
        for (int width : widths) {
            table.append("-".repeat(width + 2)).append('|');
        }
        table.append('\n');
        rows.forEach(row -> line(table, row, widths));
        return table.toString();
    }

    private static void line(StringBuilder table, List<String> cells, int[] widths) {
        table.append('|');
        for (int column = 0; column < cells.size(); column++) {
            String cell = escape(cells.get(column));
            table.append(' ').append(cell).append(" ".repeat(widths[column] - cell.length())).append(" |");
        }
        table.append('\n');
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replaceAll("\\R", " ");
    }
}
