package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a {@code dvc.yaml} into a {@link Pipeline}: schema checks, vars, templating, foreach and matrix. */
final class PipelineParser {
    private static final Set<String> TOP_KEYS = Set.of("stages", "vars", "params", "metrics", "plots", "artifacts",
            "datasets");
    private static final Set<String> STAGE_KEYS = Set.of("cmd", "wdir", "deps", "params", "outs", "metrics", "plots",
            "frozen", "always_changed", "desc", "meta", "vars");
    private static final Set<String> OUTPUT_FLAGS = Set.of("cache", "persist", "remote", "push", "desc", "type",
            "labels", "meta", "checkpoint");
    private static final Set<String> PLOT_FLAGS = Set.of("template", "x", "y", "x_label", "y_label", "title",
            "header");
    private static final String PUNCTUATION = "!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~";

    private final Path file;
    private final Path folder;
    private final Path root;
    private final String display;
    private final Templates.FlagStyle flagStyle;

    private PipelineParser(Path file, Path root, Templates.FlagStyle flagStyle) {
        this.file = file.toAbsolutePath().normalize();
        this.folder = this.file.getParent();
        this.root = root.toAbsolutePath().normalize();
        this.display = this.root.relativize(this.file).toString().replace('\\', '/');
        this.flagStyle = flagStyle;
    }

    static Pipeline parse(Path file, Path root, Templates.FlagStyle flagStyle) {
        return new PipelineParser(file, root, flagStyle).parse();
    }

    private Pipeline parse() {
        String text;
        try {
            text = Files.readString(file, UTF_8);
        } catch (IOException e) {
            throw SlipwayException.notFound("Cannot read '%s': %s", display, e.getMessage());
        }
        YamlNode top = YamlNode.parse(text, display);
        Map<String, Stage> stages = new LinkedHashMap<>();
        if (top.value() == null) {
            return new Pipeline(file, root, display, stages);
        }
        if (!top.isMap()) {
            throw error(top.line(), Optional.empty(), "the top level must be a mapping with 'stages'");
        }
        for (String key : top.map().keySet()) {
            if (!TOP_KEYS.contains(key)) {
                throw error(top.lineOf(key), Optional.empty(), "unknown key '%s' (expected one of %s)", key,
                        sorted(TOP_KEYS));
            }
        }
        Map<String, Object> context = new LinkedHashMap<>();
        Set<Path> loaded = new HashSet<>();
        Path defaultParams = folder.resolve(ParamsFiles.DEFAULT);
        if (Files.isRegularFile(defaultParams)) {
            merge(context, ParamsFiles.load(defaultParams, relative(defaultParams)), 0, Optional.empty());
            loaded.add(defaultParams);
        }
        YamlNode vars = top.map().get("vars");
        if (vars != null) {
            loadVars(vars, context, loaded, Optional.empty());
        }
        YamlNode stageNodes = top.map().get("stages");
        if (stageNodes == null || stageNodes.value() == null) {
            return new Pipeline(file, root, display, stages);
        }
        if (!stageNodes.isMap()) {
            throw error(stageNodes.line(), Optional.empty(), "'stages' must be a mapping of stage names to stages");
        }
        for (Map.Entry<String, YamlNode> entry : stageNodes.map().entrySet()) {
            String name = entry.getKey();
            YamlNode definition = entry.getValue();
            int line = stageNodes.lineOf(name);
            checkName(name, line);
            if (!definition.isMap()) {
                throw error(line, Optional.of(name), "a stage must be a mapping with 'cmd'");
            }
            if (definition.map().containsKey("foreach")) {
                expandForeach(name, definition, context, stages, line);
            } else if (definition.map().containsKey("matrix")) {
                expandMatrix(name, definition, context, stages, line);
            } else {
                add(stages, stage(name, definition, context, line));
            }
        }
        return new Pipeline(file, root, display, stages);
    }

    private void add(Map<String, Stage> stages, Stage stage) {
        if (stages.containsKey(stage.name())) {
            throw error(stage.line(), Optional.of(stage.name()), "a stage with this name is already defined");
        }
        stages.put(stage.name(), stage);
    }

    private void checkName(String name, int line) {
        if (name.isEmpty()) {
            throw error(line, Optional.empty(), "a stage name is empty");
        }
        for (char c : name.toCharArray()) {
            if (PUNCTUATION.indexOf(c) >= 0) {
                throw error(line, Optional.of(name), "invalid stage name: it may not contain '%s' (only letters, "
                        + "digits, '_' and '-' besides other non-punctuation characters)", c);
            }
        }
    }

    private void expandForeach(String name, YamlNode definition, Map<String, Object> context,
            Map<String, Stage> stages, int line) {
        for (String key : definition.map().keySet()) {
            if (!key.equals("foreach") && !key.equals("do")) {
                throw error(definition.lineOf(key), Optional.of(name), "unknown key '%s' beside 'foreach' (expected 'do')",
                        key);
            }
        }
        YamlNode body = definition.map().get("do");
        if (body == null || !body.isMap()) {
            throw error(line, Optional.of(name), "'foreach' needs a 'do' mapping");
        }
        YamlNode foreachNode = definition.map().get("foreach");
        Object items = foreachNode.value() instanceof String text
                ? template(text, context, foreachNode.line(), Optional.of(name))
                : foreachNode.plain();
        if (items instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> item : map.entrySet()) {
                Map<String, Object> local = new LinkedHashMap<>(context);
                local.put("item", item.getValue());
                local.put("key", item.getKey());
                String generated = name + "@" + PythonValues.str(item.getKey());
                add(stages, stage(generated, body, local, line));
            }
        } else if (items instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                Map<String, Object> local = new LinkedHashMap<>(context);
                local.put("item", item);
                String key = item instanceof Map<?, ?> || item instanceof List<?> ? String.valueOf(i) : PythonValues.str(item);
                add(stages, stage(name + "@" + key, body, local, line));
            }
        } else {
            throw error(foreachNode.line(), Optional.of(name), "'foreach' must be a list, a mapping or a reference to one");
        }
    }

    private void expandMatrix(String name, YamlNode definition, Map<String, Object> context,
            Map<String, Stage> stages, int line) {
        YamlNode matrix = definition.map().get("matrix");
        if (!matrix.isMap() || matrix.map().isEmpty()) {
            throw error(matrix.line(), Optional.of(name), "'matrix' must be a mapping of names to lists of values");
        }
        Map<String, List<?>> axes = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> axis : matrix.map().entrySet()) {
            Object values = axis.getValue().value() instanceof String text
                    ? template(text, context, axis.getValue().line(), Optional.of(name))
                    : axis.getValue().plain();
            if (!(values instanceof List<?> list)) {
                throw error(axis.getValue().line(), Optional.of(name), "matrix axis '%s' must be a list", axis.getKey());
            }
            axes.put(axis.getKey(), list);
        }
        Map<String, YamlNode> bodyMap = new LinkedHashMap<>(definition.map());
        bodyMap.remove("matrix");
        YamlNode body = new YamlNode(bodyMap, definition.line(), definition.keyLines());
        List<String> names = new ArrayList<>(axes.keySet());
        int[] index = new int[names.size()];
        while (true) {
            Map<String, Object> item = new LinkedHashMap<>();
            List<String> parts = new ArrayList<>();
            for (int a = 0; a < names.size(); a++) {
                Object value = axes.get(names.get(a)).get(index[a]);
                item.put(names.get(a), value);
                parts.add(value instanceof Map<?, ?> || value instanceof List<?>
                        ? names.get(a) + index[a] : PythonValues.str(value));
            }
            String key = String.join("-", parts);
            Map<String, Object> local = new LinkedHashMap<>(context);
            local.put("item", item);
            local.put("key", key);
            add(stages, stage(name + "@" + key, body, local, line));
            int a = names.size() - 1;
            while (a >= 0 && ++index[a] == axes.get(names.get(a)).size()) {
                index[a] = 0;
                a--;
            }
            if (a < 0 || axes.values().stream().anyMatch(List::isEmpty)) {
                return;
            }
        }
    }

    private Stage stage(String name, YamlNode definition, Map<String, Object> outerContext, int line) {
        Optional<String> stageName = Optional.of(name);
        Map<String, YamlNode> fields = definition.map();
        for (String key : fields.keySet()) {
            if (!STAGE_KEYS.contains(key)) {
                throw error(definition.lineOf(key), stageName, "unknown key '%s' (expected one of %s)", key,
                        sorted(STAGE_KEYS));
            }
        }
        Map<String, Object> context = outerContext;
        if (fields.containsKey("vars")) {
            context = new LinkedHashMap<>(outerContext);
            loadVars(fields.get("vars"), context, new HashSet<>(), stageName);
        }
        YamlNode cmdNode = fields.get("cmd");
        if (cmdNode == null || cmdNode.value() == null) {
            throw error(line, stageName, "'cmd' is required");
        }
        Object cmd;
        List<String> commands = new ArrayList<>();
        if (cmdNode.isList()) {
            List<String> items = new ArrayList<>();
            for (YamlNode item : cmdNode.list()) {
                String resolved = commandText(item, context, stageName);
                items.add(resolved);
                commands.add(resolved);
            }
            if (items.isEmpty()) {
                throw error(cmdNode.line(), stageName, "'cmd' is an empty list");
            }
            cmd = List.copyOf(items);
        } else {
            String resolved = commandText(cmdNode, context, stageName);
            cmd = resolved;
            for (String commandLine : resolved.split("\n")) {
                if (!commandLine.isBlank()) {
                    commands.add(commandLine);
                }
            }
        }
        String wdirText = fields.containsKey("wdir") ? text(resolve(fields.get("wdir"), context, stageName), stageName, "wdir") : ".";
        Path wdir = folder.resolve(wdirText).normalize();
        List<Stage.Dependency> deps = new ArrayList<>();
        for (YamlNode dep : list(fields.get("deps"), context, stageName, "deps")) {
            String path = text(dep, stageName, "deps");
            deps.add(new Stage.Dependency(path, wdir.resolve(path).normalize(), dep.line()));
        }
        List<Stage.ParamsDependency> params = params(fields.get("params"), context, stageName, wdir);
        List<Stage.Output> outs = new ArrayList<>();
        outputs(fields.get("outs"), Stage.OutputKind.OUT, context, stageName, wdir, outs);
        outputs(fields.get("metrics"), Stage.OutputKind.METRIC, context, stageName, wdir, outs);
        outputs(fields.get("plots"), Stage.OutputKind.PLOT, context, stageName, wdir, outs);
        boolean frozen = flag(fields.get("frozen"), context, stageName, "frozen");
        boolean alwaysChanged = flag(fields.get("always_changed"), context, stageName, "always_changed");
        Optional<String> desc = fields.containsKey("desc") && fields.get("desc").value() != null
                ? Optional.of(String.valueOf(resolve(fields.get("desc"), context, stageName).value())) : Optional.empty();
        String relativeFile = root.relativize(file).toString().replace('\\', '/');
        String address = relativeFile.equals("dvc.yaml") ? name : relativeFile + ":" + name;
        for (Stage.Output out : outs) {
            if (!out.absolute().startsWith(root)) {
                throw error(out.line(), stageName, "output '%s' is outside the repository", out.path());
            }
            for (Stage.Dependency dep : deps) {
                if (dep.absolute().equals(out.absolute())) {
                    throw error(dep.line(), stageName, "'%s' is both a dependency and an output of the stage", dep.path());
                }
            }
        }
        return new Stage(name, address, cmd, commands, wdir, deps, params, outs, frozen, alwaysChanged, desc, line);
    }

    private String commandText(YamlNode node, Map<String, Object> context, Optional<String> stage) {
        if (!(node.value() instanceof String text)) {
            if (node.isMap() || node.isList()) {
                throw error(node.line(), stage, "'cmd' must be a string or a list of strings");
            }
            return PythonValues.str(node.value());
        }
        try {
            return Templates.resolveText(text, context, true, flagStyle);
        } catch (Templates.TemplateException e) {
            throw error(node.line(), stage, "%s", e.getMessage());
        }
    }

    private List<Stage.ParamsDependency> params(YamlNode node, Map<String, Object> context, Optional<String> stage,
            Path wdir) {
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (YamlNode item : list(node, context, stage, "params")) {
            if (item.isMap()) {
                for (Map.Entry<String, YamlNode> entry : item.map().entrySet()) {
                    List<String> keys = byFile.computeIfAbsent(entry.getKey(), key -> new ArrayList<>());
                    lines.putIfAbsent(entry.getKey(), item.lineOf(entry.getKey()));
                    YamlNode value = entry.getValue();
                    if (value.value() == null) {
                        continue;
                    }
                    if (!value.isList()) {
                        throw error(value.line(), stage, "params of '%s' must be a list of keys", entry.getKey());
                    }
                    for (YamlNode key : value.list()) {
                        keys.add(text(key, stage, "params"));
                    }
                }
            } else {
                byFile.computeIfAbsent(ParamsFiles.DEFAULT, key -> new ArrayList<>()).add(text(item, stage, "params"));
                lines.putIfAbsent(ParamsFiles.DEFAULT, item.line());
            }
        }
        List<Stage.ParamsDependency> params = new ArrayList<>();
        byFile.forEach((path, keys) -> params.add(new Stage.ParamsDependency(path, wdir.resolve(path).normalize(),
                keys.stream().distinct().toList(), lines.get(path))));
        return params;
    }

    private void outputs(YamlNode node, Stage.OutputKind kind, Map<String, Object> context, Optional<String> stage,
            Path wdir, List<Stage.Output> outs) {
        String field = switch (kind) {
            case OUT -> "outs";
            case METRIC -> "metrics";
            case PLOT -> "plots";
        };
        for (YamlNode item : list(node, context, stage, field)) {
            String path;
            boolean cache = true;
            boolean persist = false;
            if (item.isMap()) {
                if (item.map().size() != 1) {
                    throw error(item.line(), stage, "an entry of '%s' must be a path or {path: {flags}}", field);
                }
                Map.Entry<String, YamlNode> entry = item.map().entrySet().iterator().next();
                path = entry.getKey();
                YamlNode flags = entry.getValue();
                if (flags.value() != null) {
                    if (!flags.isMap()) {
                        throw error(flags.line(), stage, "the flags of '%s' must be a mapping", path);
                    }
                    for (Map.Entry<String, YamlNode> flag : flags.map().entrySet()) {
                        String name = flag.getKey();
                        if (!OUTPUT_FLAGS.contains(name) && !(kind == Stage.OutputKind.PLOT && PLOT_FLAGS.contains(name))) {
                            throw error(flags.lineOf(name), stage, "unknown key '%s' for output '%s'", name, path);
                        }
                        if (name.equals("cache")) {
                            cache = bool(flag.getValue(), stage, "cache");
                        } else if (name.equals("persist")) {
                            persist = bool(flag.getValue(), stage, "persist");
                        }
                    }
                }
            } else {
                path = text(item, stage, field);
            }
            outs.add(new Stage.Output(path, wdir.resolve(path).normalize(), kind, cache, persist, item.line()));
        }
    }

    private List<YamlNode> list(YamlNode node, Map<String, Object> context, Optional<String> stage, String field) {
        if (node == null || node.value() == null) {
            return List.of();
        }
        YamlNode resolved = resolve(node, context, stage);
        if (!resolved.isList()) {
            throw error(node.line(), stage, "'%s' must be a list", field);
        }
        return resolved.list();
    }

    private boolean flag(YamlNode node, Map<String, Object> context, Optional<String> stage, String field) {
        return node != null && node.value() != null && bool(resolve(node, context, stage), stage, field);
    }

    private boolean bool(YamlNode node, Optional<String> stage, String field) {
        if (!(node.value() instanceof Boolean value)) {
            throw error(node.line(), stage, "'%s' must be true or false, not '%s'", field, node.value());
        }
        return value;
    }

    private String text(YamlNode node, Optional<String> stage, String field) {
        Object value = node.value();
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error(node.line(), stage, "an entry of '%s' must be a string", field);
        }
        return value instanceof String string ? string : PythonValues.str(value);
    }

    private YamlNode resolve(YamlNode node, Map<String, Object> context, Optional<String> stage) {
        if (node.value() instanceof String text) {
            return YamlNode.of(template(text, context, node.line(), stage), node.line());
        }
        if (node.isMap()) {
            Map<String, YamlNode> result = new LinkedHashMap<>();
            Map<String, Integer> keyLines = new LinkedHashMap<>();
            node.map().forEach((key, child) -> {
                String resolvedKey = PythonValues.str(template(key, context, node.lineOf(key), stage));
                result.put(resolvedKey, resolve(child, context, stage));
                keyLines.put(resolvedKey, node.lineOf(key));
            });
            return new YamlNode(result, node.line(), keyLines);
        }
        if (node.isList()) {
            List<YamlNode> result = new ArrayList<>();
            node.list().forEach(child -> result.add(resolve(child, context, stage)));
            return new YamlNode(result, node.line());
        }
        return node;
    }

    private Object template(String text, Map<String, Object> context, int line, Optional<String> stage) {
        try {
            return Templates.resolve(text, context, false, flagStyle);
        } catch (Templates.TemplateException e) {
            throw error(line, stage, "%s", e.getMessage());
        }
    }

    private void loadVars(YamlNode vars, Map<String, Object> context, Set<Path> loaded, Optional<String> stage) {
        if (!vars.isList()) {
            throw error(vars.line(), stage, "'vars' must be a list of files and mappings");
        }
        for (YamlNode item : vars.list()) {
            if (item.isMap()) {
                merge(context, asMap(Templates.resolveAll(item.plain(), context)), item.line(), stage);
            } else if (item.value() instanceof String text) {
                String name = text;
                List<String> keys = List.of();
                int colon = text.indexOf(':');
                if (colon >= 0) {
                    name = text.substring(0, colon);
                    keys = List.of(text.substring(colon + 1).split(","));
                }
                Path path = folder.resolve(name).normalize();
                if (!Files.isRegularFile(path)) {
                    throw error(item.line(), stage, "vars file '%s' does not exist", name);
                }
                if (!loaded.add(path) && keys.isEmpty()) {
                    continue;
                }
                Map<String, Object> values = ParamsFiles.load(path, relative(path));
                if (!keys.isEmpty()) {
                    Map<String, Object> selected = new LinkedHashMap<>();
                    for (String key : keys) {
                        String trimmed = key.strip();
                        Object value = ParamsFiles.lookup(values, trimmed).map(ParamsFiles::unwrap).orElseThrow(() ->
                                error(item.line(), stage, "key '%s' is not in vars file '%s'", trimmed, relative(path)));
                        selected.put(trimmed, value);
                    }
                    values = selected;
                }
                merge(context, values, item.line(), stage);
            } else {
                throw error(item.line(), stage, "an entry of 'vars' must be a file name or a mapping");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private void merge(Map<String, Object> into, Map<String, Object> from, int line, Optional<String> stage) {
        for (Map.Entry<String, Object> entry : from.entrySet()) {
            Object existing = into.get(entry.getKey());
            if (existing instanceof Map<?, ?> existingMap && entry.getValue() instanceof Map<?, ?> newMap) {
                Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existingMap);
                merge(merged, (Map<String, Object>) newMap, line, stage);
                into.put(entry.getKey(), merged);
            } else if (into.containsKey(entry.getKey()) && !java.util.Objects.equals(existing, entry.getValue())) {
                throw error(line, stage, "cannot redefine var '%s': it is already defined", entry.getKey());
            } else {
                into.put(entry.getKey(), entry.getValue());
            }
        }
    }

    private String relative(Path path) {
        return root.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private SlipwayException error(int line, Optional<String> stage, String format, Object... args) {
        return PipelineError.at(display, line, stage, format, args);
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
