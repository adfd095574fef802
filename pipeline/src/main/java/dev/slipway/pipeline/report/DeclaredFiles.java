package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The params, metrics and plots files a {@code dvc.yaml} declares: its top-level {@code params}, {@code metrics} and
 * {@code plots}, and each stage's {@code params}, {@code metrics} and {@code plots} (plain paths or
 * {@code {path: {flags}}}), with stage paths taken relative to the stage's {@code wdir}. {@code params.yaml} is
 * always a params file.
 *
 * <p>This is a deliberately small reader of its own: templated paths ({@code ${...}}, as {@code foreach} and
 * {@code matrix} stages use) are skipped, and nothing else of the stage definition is validated. It should be
 * replaced by the pipeline engine's {@code dvc.yaml} parser once that exists, so that both agree on every detail.
 *
 * @param params each params file (relative to the repository root, {@code /}-separated) and the keys declared in it;
 *     an empty list means the whole file
 * @param metrics the metrics files
 * @param plots the plot definitions, in declaration order
 */
public record DeclaredFiles(Map<String, List<String>> params, List<String> metrics, List<PlotDefinition> plots) {
    public static final String PIPELINE_FILE = "dvc.yaml";
    public static final String DEFAULT_PARAMS_FILE = "params.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public DeclaredFiles {
        requireNonNull(params, "params is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        params.forEach((file, keys) -> copy.put(requireNonNull(file, "file is null"), List.copyOf(keys)));
        params = Collections.unmodifiableMap(copy);
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
        plots = List.copyOf(requireNonNull(plots, "plots is null"));
    }

    /** Nothing declared (no {@code dvc.yaml}). */
    public static DeclaredFiles empty() {
        return new DeclaredFiles(Map.of(), List.of(), List.of());
    }

    /**
     * Reads a {@code dvc.yaml}.
     *
     * @param text the file's content
     * @param source where it comes from, for messages ({@code dvc.yaml}, {@code HEAD:dvc.yaml})
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file when it is not YAML or not a mapping
     */
    public static DeclaredFiles parse(String text, String source) {
        requireNonNull(text, "text is null");
        requireNonNull(source, "source is null");
        Object tree;
        try {
            tree = text.isBlank() ? Map.of() : YAML.readValue(text, Object.class);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("'%s' is not valid YAML: %s", source,
                    e.getMessage().lines().findFirst().orElse(""));
        }
        if (tree == null) {
            tree = Map.of();
        }
        if (!(tree instanceof Map<?, ?> top)) {
            throw SlipwayException.invalidParameter("'%s' must be a mapping at the top level", source);
        }
        Map<String, Set<String>> params = new LinkedHashMap<>();
        Set<String> metrics = new LinkedHashSet<>();
        List<PlotDefinition> plots = new ArrayList<>();
        for (Object file : list(top.get("params"))) {
            if (file instanceof String path && usable(path)) {
                params.computeIfAbsent(normalize(path), key -> new LinkedHashSet<>()).clear();
            }
        }
        for (String path : paths(top.get("metrics"))) {
            metrics.add(normalize(path));
        }
        topLevelPlots(top.get("plots"), plots);
        if (top.get("stages") instanceof Map<?, ?> stages) {
            for (Object definition : stages.values()) {
                if (definition instanceof Map<?, ?> stage) {
                    Object body = stage.get("do") instanceof Map<?, ?> template ? template : stage;
                    stage((Map<?, ?>) body, params, metrics, plots);
                }
            }
        }
        Map<String, List<String>> declaredParams = new LinkedHashMap<>();
        params.forEach((file, keys) -> declaredParams.put(file, List.copyOf(keys)));
        return new DeclaredFiles(declaredParams, List.copyOf(metrics), plots);
    }

    /** The params files with {@code params.yaml} first when it is present ({@code exists}), as DVC lists them. */
    public Map<String, List<String>> paramsWithDefault(boolean defaultFileExists) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        if (defaultFileExists || params.containsKey(DEFAULT_PARAMS_FILE)) {
            all.put(DEFAULT_PARAMS_FILE, params.getOrDefault(DEFAULT_PARAMS_FILE, List.of()));
        }
        params.forEach(all::putIfAbsent);
        return Collections.unmodifiableMap(all);
    }

    private static void stage(Map<?, ?> stage, Map<String, Set<String>> params, Set<String> metrics,
            List<PlotDefinition> plots) {
        String wdir = stage.get("wdir") instanceof String folder && usable(folder) ? folder : "";
        for (Object item : list(stage.get("params"))) {
            if (item instanceof String key && usable(key)) {
                addKeys(params, DEFAULT_PARAMS_FILE, List.of(key));
            } else if (item instanceof Map<?, ?> byFile) {
                byFile.forEach((file, keys) -> {
                    if (file instanceof String path && usable(path)) {
                        List<String> names = list(keys).stream().filter(String.class::isInstance)
                                .map(String.class::cast).filter(DeclaredFiles::usable).toList();
                        String resolved = normalize(resolve(wdir, path));
                        if (names.isEmpty()) {
                            params.computeIfAbsent(resolved, name -> new LinkedHashSet<>()).clear();
                        } else {
                            addKeys(params, resolved, names);
                        }
                    }
                });
            }
        }
        for (String path : paths(stage.get("metrics"))) {
            metrics.add(normalize(resolve(wdir, path)));
        }
        for (Object item : list(stage.get("plots"))) {
            if (item instanceof String path && usable(path)) {
                plots.add(PlotDefinition.ofFile(normalize(resolve(wdir, path))));
            } else if (item instanceof Map<?, ?> withFlags) {
                withFlags.forEach((path, flags) -> {
                    if (path instanceof String file && usable(file)) {
                        String resolved = normalize(resolve(wdir, file));
                        Map<?, ?> options = flags instanceof Map<?, ?> map ? map : Map.of();
                        List<String> y = fieldNames(options.get("y"));
                        plots.add(definition(resolved, Map.of(resolved, y), options));
                    }
                });
            }
        }
    }

    /** A stage's keys add to what other stages declared; a whole-file declaration (empty set) wins. */
    private static void addKeys(Map<String, Set<String>> params, String file, List<String> keys) {
        Set<String> existing = params.get(file);
        if (existing == null) {
            params.put(file, new LinkedHashSet<>(keys));
        } else if (!existing.isEmpty()) {
            existing.addAll(keys);
        }
    }

    private static void topLevelPlots(Object plotsNode, List<PlotDefinition> plots) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>();
        if (plotsNode instanceof Map<?, ?> map) {
            entries.addAll(map.entrySet());
        }
        for (Object item : list(plotsNode)) {
            if (item instanceof String path && usable(path)) {
                plots.add(PlotDefinition.ofFile(normalize(path)));
            } else if (item instanceof Map<?, ?> map) {
                entries.addAll(map.entrySet());
            }
        }
        for (Map.Entry<?, ?> entry : entries) {
            if (!(entry.getKey() instanceof String id) || !usable(id)) {
                continue;
            }
            Map<?, ?> options = entry.getValue() instanceof Map<?, ?> map ? map : Map.of();
            Map<String, List<String>> fields = new LinkedHashMap<>();
            if (options.get("y") instanceof Map<?, ?> byFile) {
                byFile.forEach((file, names) -> {
                    if (file instanceof String path && usable(path)) {
                        fields.put(normalize(path), fieldNames(names));
                    }
                });
            } else {
                fields.put(normalize(id), fieldNames(options.get("y")));
            }
            plots.add(definition(id, fields, options));
        }
    }

    private static PlotDefinition definition(String id, Map<String, List<String>> fields, Map<?, ?> options) {
        Optional<String> x = Optional.empty();
        if (options.get("x") instanceof String field) {
            x = Optional.of(field);
        } else if (options.get("x") instanceof Map<?, ?> byFile && !byFile.isEmpty()
                && byFile.values().iterator().next() instanceof String field) {
            x = Optional.of(field);
        }
        String template = options.get("template") instanceof String name ? name : PlotDefinition.DEFAULT_TEMPLATE;
        boolean header = !(options.get("header") instanceof Boolean flag) || flag;
        return new PlotDefinition(id, fields, x, template, text(options.get("title")), text(options.get("x_label")),
                text(options.get("y_label")), header);
    }

    private static Optional<String> text(Object value) {
        return value instanceof String string ? Optional.of(string) : Optional.empty();
    }

    private static List<String> fieldNames(Object value) {
        if (value instanceof String name) {
            return List.of(name);
        }
        return list(value).stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }

    /** Paths of a list of plain paths and {@code {path: {flags}}} items. */
    private static List<String> paths(Object value) {
        List<String> found = new ArrayList<>();
        for (Object item : list(value)) {
            if (item instanceof String path && usable(path)) {
                found.add(path);
            } else if (item instanceof Map<?, ?> map) {
                for (Object key : map.keySet()) {
                    if (key instanceof String path && usable(path)) {
                        found.add(path);
                    }
                }
            }
        }
        return found;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static boolean usable(String text) {
        return !text.isBlank() && !text.contains("${");
    }

    private static String resolve(String wdir, String path) {
        return wdir.isEmpty() || wdir.equals(".") ? path : wdir + "/" + path;
    }

    private static String normalize(String path) {
        String normalized = Path.of(path).normalize().toString().replace('\\', '/');
        return normalized.startsWith("./") ? normalized.substring(2) : normalized;
    }
}
