package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads params files as DVC does, by extension: {@code .json} as JSON, {@code .toml} as TOML, anything else as YAML
 * ({@code .py} files are not supported). Values are plain Java objects: LinkedHashMap in file order, List,
 * String, Integer/Long/BigInteger, Double, Boolean, null.
 */
public final class ParamsFiles {
    /** The params file every stage may name keys of without naming the file. */
    public static final String DEFAULT = "params.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParamsFiles() {}

    /**
     * @param displayName how messages name the file
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE naming the file and line when it does not
     *     parse or is not a mapping; RESOURCE_DOES_NOT_EXIST when it is missing
     */
    public static Map<String, Object> load(Path file, String displayName) {
        String text;
        try {
            text = Files.readString(file, UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw dev.slipway.core.SlipwayException.notFound("Params file '%s' does not exist", displayName);
        } catch (IOException e) {
            throw PipelineError.at(displayName, 0, Optional.empty(), "cannot read: %s", e.getMessage());
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        Object parsed;
        if (name.endsWith(".json")) {
            try {
                parsed = JSON.readValue(text, Object.class);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                throw PipelineError.at(displayName, line, Optional.empty(), "cannot parse JSON: %s",
                        e.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", " "));
            }
        } else if (name.endsWith(".toml")) {
            try {
                parsed = Toml.parse(text);
            } catch (Toml.SyntaxError e) {
                throw PipelineError.at(displayName, e.line(), Optional.empty(), "cannot parse TOML: %s", e.reason());
            }
        } else if (name.endsWith(".py")) {
            throw PipelineError.at(displayName, 0, Optional.empty(), "Python params files are not supported");
        } else {
            parsed = YamlNode.parse(text, displayName).plain();
        }
        if (parsed == null) {
            return Map.of();
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw PipelineError.at(displayName, 1, Optional.empty(), "a params file must hold a mapping of names to values");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((key, value) -> result.put(String.valueOf(key), value));
        return result;
    }

    /**
     * The value at a dotted key path ({@code train.lr}); a key that itself contains dots is found too, and a
     * numeric segment indexes a list.
     */
    public static Optional<Object> lookup(Map<String, Object> params, String key) {
        if (params.containsKey(key)) {
            return Optional.ofNullable(params.get(key)).or(() -> Optional.of(NullValue.INSTANCE));
        }
        int dot = key.indexOf('.');
        while (dot > 0) {
            Object child = params.get(key.substring(0, dot));
            String rest = key.substring(dot + 1);
            if (child instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Optional<Object> found = lookup((Map<String, Object>) map, rest);
                if (found.isPresent()) {
                    return found;
                }
            } else if (child instanceof List<?> list && rest.matches("[0-9]+(\\..*)?")) {
                int end = rest.indexOf('.');
                int index = Integer.parseInt(end < 0 ? rest : rest.substring(0, end));
                if (index < list.size()) {
                    Object item = list.get(index);
                    if (end < 0) {
                        return Optional.ofNullable(item).or(() -> Optional.of(NullValue.INSTANCE));
                    }
                    if (item instanceof Map<?, ?> itemMap) {
                        @SuppressWarnings("unchecked")
                        Optional<Object> found = lookup((Map<String, Object>) itemMap, rest.substring(end + 1));
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
            }
            dot = key.indexOf('.', dot + 1);
        }
        return Optional.empty();
    }

    /** Unwraps a value returned by {@link #lookup}: the YAML null it stands for. */
    static Object unwrap(Object value) {
        return value == NullValue.INSTANCE ? null : value;
    }

    /** Stands for a present key whose value is null (Optional cannot hold null). */
    enum NullValue {
        INSTANCE
    }
}
