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
