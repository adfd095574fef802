package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a DVC config file ({@code .dvc/config}, configobj INI): sections such as
 * {@code core}, {@code cache} and {@code remote "name"} (spelled {@code ['remote "name"']} when DVC
 * writes it), keys lower-cased, values unquoted. Immutable.
 */
public record DvcConfig(Map<String, Map<String, String>> sections) {
    private static final String REMOTE_PREFIX = "remote \"";

    public DvcConfig {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        requireNonNull(sections, "sections is null").forEach((name, values) ->
                copy.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(values))));
        sections = Collections.unmodifiableMap(copy);
    }

    /** An empty configuration. */
    public static DvcConfig empty() {
        return new DvcConfig(Map.of());
    }

    /** Reads {@code file}; a missing file is an empty configuration. */
    public static DvcConfig load(Path file) {
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            return parse(Files.readString(file, UTF_8), file.toString());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s': %s", file, e.getMessage()), e);
        }
    }

    /**
     * Parses config text.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file and line of a malformed line
     */
    public static DvcConfig parse(String text, String source) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw malformed(source, i, lines[i]);
                }
                String name = unquote(line.substring(1, line.length() - 1).strip());
                current = sections.computeIfAbsent(normaliseSection(name), key -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || current == null) {
                throw malformed(source, i, lines[i]);
            }
            current.put(line.substring(0, equals).strip().toLowerCase(Locale.ROOT),
                    unquote(line.substring(equals + 1).strip()));
        }
        return new DvcConfig(sections);
    }

    /** The value of {@code key} in {@code section} ({@code remote "name"} for named sections). */
    public Optional<String> get(String section, String key) {
        return Optional.ofNullable(sections.getOrDefault(section, Map.of()).get(key.toLowerCase(Locale.ROOT)));
    }

    /** The link types to try, in order: {@code cache.type}, or DVC's default {@code reflink,copy}. */
    public List<LinkType> cacheTypes() {
        Optional<String> value = get("cache", "type");
        if (value.isEmpty() || value.get().isBlank()) {
            return LinkType.DEFAULT_ORDER;
        }
        List<LinkType> types = new ArrayList<>();
        for (String item : value.get().split(",")) {
            if (!item.isBlank()) {
                types.add(LinkType.parse(unquote(item.strip())));
            }
        }
        return List.copyOf(types);
    }

    /** The default remote ({@code core.remote}), if one is set. */
    public Optional<String> defaultRemote() {
        return get("core", "remote").filter(name -> !name.isBlank());
    }

    /** The names of the configured remotes ({@code remote "name"} sections), in file order. */
    public List<String> remoteNames() {
        return sections.keySet().stream()
                .filter(section -> section.startsWith(REMOTE_PREFIX) && section.endsWith("\""))
                .map(section -> section.substring(REMOTE_PREFIX.length(), section.length() - 1))
                .toList();
    }

    /**
     * The options of remote {@code name} ({@code url} and scheme options, keys lower-cased).
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST if no such remote is configured
     */
    public Map<String, String> remote(String name) {
        Map<String, String> options = sections.get(remoteSection(name));
        if (options == null) {
            throw SlipwayException.notFound("Remote '%s' is not configured; configured remotes: %s",
                    name, remoteNames().isEmpty() ? "none" : String.join(", ", remoteNames()));
        }
        return options;
    }

    /** This configuration with {@code overrides}' values on top (as {@code config.local} overrides {@code config}). */
    public DvcConfig overriddenBy(DvcConfig overrides) {
        Map<String, Map<String, String>> merged = new LinkedHashMap<>();
        sections.forEach((name, values) -> merged.put(name, new LinkedHashMap<>(values)));
        overrides.sections.forEach((name, values) ->
                merged.computeIfAbsent(name, key -> new LinkedHashMap<>()).putAll(values));
        return new DvcConfig(merged);
    }

    /**
     * Adds remote {@code name} with {@code url} to the config file {@code file} as DVC writes it
     * ({@code ['remote "name"']}, members indented by 4 spaces), optionally making it the default
     * ({@code core.remote}); every other line of the file is kept as it was.
     *
     * @param replace whether an existing remote of that name gets the new URL
     * @throws SlipwayException RESOURCE_ALREADY_EXISTS if the remote exists and {@code replace} is false,
     *     INVALID_PARAMETER_VALUE for an empty name or URL
     */
    public static void addRemote(Path file, String name, String url, boolean makeDefault, boolean replace) {
        if (name.isBlank() || name.contains("\"") || name.contains("'") || name.contains("]")) {
            throw SlipwayException.invalidParameter("Invalid remote name '%s'", name);
        }
        if (url.isBlank()) {
            throw SlipwayException.invalidParameter("Remote '%s' needs a URL", name);
        }
        String text;
        try {
            text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s': %s", file, e.getMessage()), e);
        }
        List<String> lines = new ArrayList<>(text.isEmpty() ? List.of() : List.of(text.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        boolean exists = parse(text, file.toString()).sections.containsKey(remoteSection(name));
        if (exists && !replace) {
            throw SlipwayException.alreadyExists("Remote '%s' already exists in '%s'", name, file);
        }
        setValue(lines, remoteSection(name), "['remote \"" + name + "\"']", "url", url);
        if (makeDefault) {
            setValue(lines, "core", "[core]", "remote", name);
        }
        String written = String.join("\n", lines) + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling("." + java.util.UUID.randomUUID() + ".tmp");
            Files.writeString(temporary, written, UTF_8);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot write '%s': %s", file, e.getMessage()), e);
        }
    }

    /** Sets {@code key} in {@code section}, replacing its line, adding it, or adding the section. */
    private static void setValue(List<String> lines, String section, String header, String key, String value) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("[") && line.endsWith("]")
                    && normaliseSection(unquote(line.substring(1, line.length() - 1).strip())).equals(section)) {
                start = i;
                break;
            }
        }
        String entry = "    " + key + " = " + value;
        if (start < 0) {
            if (section.equals("core")) {
                lines.add(0, header);
                lines.add(1, entry);
            } else {
                lines.add(header);
                lines.add(entry);
            }
            return;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).strip().startsWith("[")) {
            String line = lines.get(end).strip();
            int equals = line.indexOf('=');
            if (equals > 0 && line.substring(0, equals).strip().equalsIgnoreCase(key)) {
                lines.set(end, entry);
                return;
            }
            end++;
        }
        lines.add(start + 1, entry);
    }

    private static String remoteSection(String name) {
        return REMOTE_PREFIX + name + "\"";
    }

    private static String normaliseSection(String name) {
        // configobj accepts [remote "x"] and ['remote "x"']; both mean the same section
        String[] parts = name.split("\\s+", 2);
        return parts.length == 1 ? parts[0].toLowerCase(Locale.ROOT)
                : parts[0].toLowerCase(Locale.ROOT) + " " + parts[1].strip();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                && value.charAt(value.length() - 1) == value.charAt(0)) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static SlipwayException malformed(String source, int index, String line) {
        return SlipwayException.invalidParameter("'%s' line %d is not a section or 'key = value': %s",
                source, index + 1, line.strip());
    }
}
