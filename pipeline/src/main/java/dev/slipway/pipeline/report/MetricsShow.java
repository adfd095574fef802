package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The metrics files of one or more versions, as {@code dvc metrics show} reports them.
 *
 * @param versions in the order asked for
 */
public record MetricsShow(List<Version> versions) {
    /**
     * One version's metrics files, in declaration order.
     *
     * @param name {@code workspace} or the revision
     */
    public record Version(String name, List<MetricsFile> files) {
        public Version {
            requireNonNull(name, "name is null");
            files = List.copyOf(requireNonNull(files, "files is null"));
        }
    }

    /**
     * One file: its values (nested as in the file, only numbers, strings and booleans kept), or why it could not be
     * read.
     *
     * @param errorType DVC's error type name ({@code FileNotFoundError}, {@code ParseError}) when {@code error} is present
     */
    public record MetricsFile(String path, Map<String, Object> values, Optional<String> errorType,
            Optional<String> error) {
        public MetricsFile {
            requireNonNull(path, "path is null");
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requireNonNull(values, "values is null")));
            requireNonNull(errorType, "errorType is null");
            requireNonNull(error, "error is null");
        }

        /** The values with nested keys flattened with {@code .}, in file order. */
        public Map<String, Object> flatValues() {
            Map<String, Object> flat = new java.util.LinkedHashMap<>();
            flatten("", values, flat);
            return flat;
        }

        private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> into) {
            map.forEach((key, value) -> {
                if (value instanceof Map<?, ?> nested) {
                    flatten(prefix + key + ".", nested, into);
                } else {
                    into.put(prefix + key, value);
                }
            });
        }
    }

    public MetricsShow {
        versions = List.copyOf(requireNonNull(versions, "versions is null"));
    }

    /** DVC's {@code --json}: {@code {rev: {"data": {path: {"data": {...}}}}}}, or {@code "error": {type, msg}}. */
    public ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (Version version : versions) {
            ObjectNode data = root.putObject(version.name()).putObject("data");
            for (MetricsFile file : version.files()) {
                ObjectNode node = data.putObject(file.path());
                if (file.error().isPresent()) {
                    node.putObject("error").put("type", file.errorType().orElse("Error")).put("msg", file.error().get());
                } else {
                    node.set("data", toNode(file.values()));
                }
            }
        }
        return root;
    }

    private static ObjectNode toNode(Map<String, Object> values) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        values.forEach((key, value) -> node.set(key,
                value instanceof Map<?, ?> nested ? toNode(castMap(nested)) : ValueDiff.JsonValues.of(value)));
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** The table's header: Revision (when more than one version), Path, then every flattened key in order seen. */
    public List<String> header() {
        List<String> header = new ArrayList<>();
        if (versions.size() > 1) {
            header.add("Revision");
        }
        header.add("Path");
        header.addAll(keys());
        return List.copyOf(header);
    }

    /** One row per readable file, values rounded to {@code precision} decimal places, {@code -} where absent. */
    public List<List<String>> rows(int precision) {
        Set<String> keys = keys();
        List<List<String>> rows = new ArrayList<>();
        for (Version version : versions) {
            for (MetricsFile file : version.files()) {
                if (file.error().isPresent()) {
                    continue;
                }
                Map<String, Object> flat = file.flatValues();
                List<String> row = new ArrayList<>();
                if (versions.size() > 1) {
                    row.add(version.name());
                }
                row.add(file.path());
                keys.forEach(key -> row.add(DisplayValues.format(flat.get(key), precision)));
                rows.add(List.copyOf(row));
            }
        }
        return List.copyOf(rows);
    }

    /** The table as Markdown. */
    public String toMarkdown(int precision) {
        return MarkdownTable.of(header(), rows(precision));
    }

    /** Every file that could not be read, as {@code version: path: message}. */
    public List<String> errors() {
        List<String> errors = new ArrayList<>();
        for (Version version : versions) {
            for (MetricsFile file : version.files()) {
                file.error().ifPresent(error -> errors.add(version.name() + ": " + file.path() + ": " + error));
            }
        }
        return List.copyOf(errors);
    }

    private Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        versions.forEach(version -> version.files().stream().filter(file -> file.error().isEmpty())
                .forEach(file -> keys.addAll(file.flatValues().keySet())));
        return keys;
    }
}
