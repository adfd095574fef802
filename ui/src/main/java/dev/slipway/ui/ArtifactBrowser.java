package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.artifacts.ArtifactPaths;
import dev.slipway.core.artifacts.ArtifactRepository;
import dev.slipway.core.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A run's artifact tree and the previews of its files: text, JSON (pretty-printed), YAML, CSV (as a table of the
 * first rows), images and HTML (in a sandboxed frame that runs no scripts). Previews read at most
 * {@value #MAX_PREVIEW_BYTES} bytes; a file that cannot be read becomes a message in the preview, not a failed page.
 */
final class ArtifactBrowser {
    static final int MAX_PREVIEW_BYTES = 256 * 1024;
    static final int MAX_CSV_ROWS = 50;
    static final int MAX_TREE_ENTRIES = 1000;
    static final int MAX_TREE_DEPTH = 6;
    static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg", "gif", "webp", "svg", "bmp");
    static final Set<String> TEXT = Set.of("txt", "log", "py", "md", "yaml", "yml", "xml", "sh", "cfg", "ini",
            "toml", "properties", "r", "sql", "java", "js", "ts", "conf", "mlmodel", "mlproject", "requirements");

    enum Kind { TEXT, JSON, CSV, TSV, IMAGE, HTML, OTHER }

    private final ObjectMapper json;

    ArtifactBrowser(ObjectMapper json) {
        this.json = requireNonNull(json, "json is null");
    }

    static Kind kind(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? name : name.substring(dot + 1);
        if (extension.equals("json")) {
            return Kind.JSON;
        }
        if (extension.equals("csv")) {
            return Kind.CSV;
        }
        if (extension.equals("tsv")) {
            return Kind.TSV;
        }
        if (extension.equals("html") || extension.equals("htm")) {
            return Kind.HTML;
        }
        if (IMAGES.contains(extension)) {
            return Kind.IMAGE;
        }
        if (TEXT.contains(extension) || name.equals("mlmodel") || name.equals("mlproject") || dot < 0) {
            return Kind.TEXT;
        }
        return Kind.OTHER;
    }

    /** The tree under the root as nested lists of links, or an empty state. */
    String tree(String runId, ArtifactRepository repository, Optional<String> selected) {
        int[] budget = {MAX_TREE_ENTRIES};
        StringBuilder out = new StringBuilder();
        try {
            appendLevel(out, runId, repository, "", 0, budget, selected);
        } catch (IOException | RuntimeException e) {
            return Layout.error("The artifacts of this run cannot be listed: " + e.getMessage());
        }
        if (out.isEmpty()) {
            return Layout.empty("This run has no artifacts.",
                    "<p class=\"muted\">Log files with <code>mlflow.log_artifact</code>.</p>");
        }
        if (budget[0] <= 0) {
            out.append("<p class=\"muted\">Showing the first ").append(MAX_TREE_ENTRIES).append(" entries.</p>");
        }
        return out.toString();
    }

    private void appendLevel(StringBuilder out, String runId, ArtifactRepository repository, String path, int depth,
            int[] budget, Optional<String> selected) throws IOException {
        List<FileInfo> files = repository.list(path);
        if (files.isEmpty()) {
            return;
        }
        out.append(depth == 0 ? "<ul class=\"artifact-tree\" id=\"artifact-tree\">" : "<ul>");
        for (FileInfo file : files) {
            if (budget[0]-- <= 0) {
                break;
            }
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            if (file.isDir()) {
                boolean open = selected.map(s -> s.startsWith(file.path() + "/")).orElse(false) || depth == 0;
                out.append("<li><details").append(open ? " open" : "").append("><summary>")
                        .append(Html.text(name)).append("/</summary>");
                if (depth < MAX_TREE_DEPTH) {
                    appendLevel(out, runId, repository, file.path(), depth + 1, budget, selected);
                }
                out.append("</details></li>");
            } else {
                String href = "/runs/" + Html.path(runId) + "?artifact=" + Html.query(file.path());
                out.append("<li><a class=\"artifact-link\" href=\"").append(Html.attr(href))
                        .append("\" hx-get=\"").append(Html.attr(href))
                        .append("\" hx-select=\"#artifact-preview\" hx-target=\"#artifact-preview\" ")
                        .append("hx-swap=\"outerHTML\" hx-push-url=\"true\" data-path=\"").append(Html.attr(file.path()))
                        .append('"');
                if (selected.filter(file.path()::equals).isPresent()) {
                    out.append(" aria-current=\"true\"");
                }
                out.append('>').append(Html.text(name)).append("</a>");
                file.fileSize().ifPresent(size -> out.append(" <span class=\"muted\">").append(size(size))
                        .append("</span>"));
                out.append("</li>");
            }
        }
        out.append("</ul>");
    }

    /** The preview region for the selected file (or a hint to select one). */
    String preview(String runId, ArtifactRepository repository, Optional<String> selected) {
        StringBuilder out = new StringBuilder("<section id=\"artifact-preview\" class=\"artifact-preview\" "
                + "aria-live=\"polite\" aria-label=\"Artifact preview\">");
        if (selected.isEmpty()) {
            return out.append("<p class=\"muted\">Select a file to preview it.</p></section>").toString();
        }
        String raw = selected.get();
        try {
            String path = ArtifactPaths.validate(raw);
            String download = "/get-artifact?run_id=" + Html.query(runId) + "&path=" + Html.query(path);
            out.append("<h3 class=\"artifact-name\">").append(Html.text(path)).append("</h3><p><a href=\"")
                    .append(Html.attr(download)).append("\">Download</a></p>");
            Optional<Long> size = repository.size(path);
            if (size.isEmpty()) {
                return out.append(Layout.error("Artifact '" + path + "' not found in this run.")).append("</section>")
                        .toString();
            }
            String rawUrl = "/ui/data/artifact?run_id=" + Html.query(runId) + "&path=" + Html.query(path);
            switch (kind(path)) {
                case IMAGE -> out.append("<img class=\"artifact-image\" src=\"").append(Html.attr(rawUrl))
                        .append("\" alt=\"").append(Html.attr(path)).append("\">");
                case HTML -> out.append("<iframe class=\"artifact-html\" sandbox=\"\" src=\"").append(Html.attr(rawUrl))
                        .append("\" title=\"").append(Html.attr("HTML artifact " + path)).append("\"></iframe>");
                case JSON -> out.append(jsonPreview(read(repository, path)));
                case CSV -> out.append(csvPreview(read(repository, path), ','));
                case TSV -> out.append(csvPreview(read(repository, path), '\t'));
                case TEXT -> out.append(textPreview(read(repository, path)));
                case OTHER -> out.append("<p class=\"muted\">No preview for this file type; download it instead.</p>");
            }
        } catch (IOException | RuntimeException e) {
            out.append(Layout.error("This artifact cannot be read: " + e.getMessage()));
        }
        return out.append("</section>").toString();
    }

    private record Content(String text, boolean truncated) {}

    private static Content read(ArtifactRepository repository, String path) throws IOException {
        Optional<InputStream> opened = repository.open(path);
        if (opened.isEmpty()) {
            throw new IOException("the file is gone");
        }
        try (InputStream in = opened.get()) {
            byte[] bytes = in.readNBytes(MAX_PREVIEW_BYTES + 1);
            boolean truncated = bytes.length > MAX_PREVIEW_BYTES;
            int length = Math.min(bytes.length, MAX_PREVIEW_BYTES);
            for (int index = 0; index < Math.min(length, 8000); index++) {
                if (bytes[index] == 0) {
                    throw new IOException("it is a binary file");
                }
            }
            return new Content(new String(bytes, 0, length, StandardCharsets.UTF_8), truncated);
        }
    }

    private static String truncatedNote(Content content) {
        return content.truncated() ? "<p class=\"muted\">Showing the first " + MAX_PREVIEW_BYTES / 1024
                + " KiB.</p>" : "";
    }

    private static String textPreview(Content content) {
        return truncatedNote(content) + "<pre class=\"artifact-text\" tabindex=\"0\">" + Html.text(content.text())
                + "</pre>";
    }

    private String jsonPreview(Content content) {
        if (!content.truncated()) {
            try {
                JsonNode node = json.readTree(content.text());
                return "<pre class=\"artifact-json\" tabindex=\"0\">"
                        + Html.text(json.writerWithDefaultPrettyPrinter().writeValueAsString(node)) + "</pre>";
            } catch (JsonProcessingException e) {
                return Layout.error("This file is not valid JSON: " + e.getOriginalMessage()) + textPreview(content);
            }
        }
        return textPreview(content);
    }

    private static String csvPreview(Content content, char separator) {
        List<List<String>> rows = parseCsv(content.text(), separator, MAX_CSV_ROWS + 1);
        if (rows.isEmpty()) {
            return "<p class=\"muted\">This file is empty.</p>";
        }
        StringBuilder out = new StringBuilder("<div class=\"table-scroll\"><table class=\"grid artifact-csv\"><thead><tr>");
        for (String header : rows.get(0)) {
            out.append("<th scope=\"col\">").append(Html.text(header)).append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (List<String> row : rows.subList(1, rows.size())) {
            out.append("<tr>");
            for (String cell : row) {
                out.append("<td>").append(Html.text(cell)).append("</td>");
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></div><p class=\"muted\">First ").append(rows.size() - 1)
                .append(" rows.</p>");
        return out.toString();
    }

    /** RFC 4180 rows (quotes, doubled quotes, quoted newlines), at most {@code limit} of them. */
    static List<List<String>> parseCsv(String text, char separator, int limit) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int index = 0; index < text.length() && rows.size() < limit; index++) {
            char c = text.charAt(index);
            if (quoted) {
                if (c == '"' && index + 1 < text.length() && text.charAt(index + 1) == '"') {
                    cell.append('"');
                    index++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == separator) {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && index + 1 < text.length() && text.charAt(index + 1) == '\n') {
                    index++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if ((!row.isEmpty() || !cell.isEmpty()) && rows.size() < limit) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }

    /** Bytes as B, KiB or MiB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** The MLmodel file of a model directory as its flavors and signature, or absent when there is none. */
    Optional<String> modelSummary(ArtifactRepository repository, String directory, String title) {
        String path = directory.isEmpty() ? "MLmodel" : directory + "/MLmodel";
        String text;
        try {
            Optional<InputStream> opened = repository.open(path);
            if (opened.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = opened.get()) {
                text = new String(in.readNBytes(MAX_PREVIEW_BYTES), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("<div class=\"card logged-model\"><h3>" + Html.text(title) + "</h3>"
                    + Layout.error("Its MLmodel file cannot be read: " + e.getMessage()) + "</div>");
        }
        MLmodelSummary summary = MLmodelSummary.parse(text);
        StringBuilder out = new StringBuilder("<div class=\"card logged-model\"><h3>").append(Html.text(title))
                .append("</h3><dl class=\"facts\"><dt>Flavors</dt><dd class=\"flavors\">");
        out.append(summary.flavors().isEmpty() ? "\u2013" : Html.text(String.join(", ", summary.flavors())))
                .append("</dd>");
        summary.field("model_uuid").ifPresent(id -> out.append("<dt>Model UUID</dt><dd>").append(Html.text(id))
                .append("</dd>"));
        summary.field("utc_time_created").ifPresent(time -> out.append("<dt>Created</dt><dd>")
                .append(Html.text(time)).append("</dd>"));
        out.append("</dl>");
        for (String part : List.of("inputs", "outputs")) {
            Optional<String> schema = summary.signature(part);
            out.append("<h4>Signature ").append(part).append("</h4>");
            if (schema.isEmpty()) {
                out.append("<p class=\"muted\">None.</p>");
                continue;
            }
            try {
                JsonNode columns = json.readTree(schema.get());
                out.append("<table class=\"grid signature-").append(part)
                        .append("\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Type</th></tr></thead><tbody>");
                for (JsonNode column : columns) {
                    String type = column.path("type").asText("");
                    if (column.has("tensor-spec")) {
                        type = column.path("tensor-spec").path("dtype").asText("") + " "
                                + column.path("tensor-spec").path("shape").toString();
                    }
                    out.append("<tr><td>").append(Html.text(column.path("name").asText("\u2013")))
                            .append("</td><td>").append(Html.text(type.trim())).append("</td></tr>");
                }
                out.append("</tbody></table>");
            } catch (JsonProcessingException e) {
                out.append("<pre>").append(Html.text(schema.get())).append("</pre>");
            }
        }
        return Optional.of(out.append("</div>").toString());
    }
}
