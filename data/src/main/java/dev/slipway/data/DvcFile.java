package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A single-stage {@code .dvc} pointer file, read and written as DVC 3 writes it.
 *
 * <p>Output keys are written in DVC's order ({@code md5}, {@code size}, {@code nfiles},
 * {@code isexec}, {@code hash: md5}, {@code path}) followed by any other keys the entry had; top-level
 * keys other than {@code outs} keep their place before or after it. Comments in a hand-edited file
 * are not preserved.
 */
public record DvcFile(Map<String, Object> keysBeforeOuts, List<DvcOutput> outs, Map<String, Object> keysAfterOuts) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public DvcFile {
        keysBeforeOuts = Collections.unmodifiableMap(new LinkedHashMap<>(
                requireNonNull(keysBeforeOuts, "keysBeforeOuts is null")));
        outs = List.copyOf(requireNonNull(outs, "outs is null"));
        keysAfterOuts = Collections.unmodifiableMap(new LinkedHashMap<>(
                requireNonNull(keysAfterOuts, "keysAfterOuts is null")));
    }

    /** The file {@code dvc add} writes for one output. */
    public static DvcFile of(DvcOutput out) {
        return new DvcFile(Map.of(), List.of(out), Map.of());
    }

    /**
     * Parses a {@code .dvc} file.
     *
     * @param source names the file in error messages
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file and the bad field
     */
    public static DvcFile parse(String text, String source) {
        requireNonNull(text, "text is null");
        Object root;
        try {
            root = YAML.readValue(text, Object.class);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("'%s' is not valid YAML: %s", source, e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw SlipwayException.invalidParameter("'%s' must hold a YAML mapping with an 'outs' list", source);
        }
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        List<DvcOutput> outs = new ArrayList<>();
        boolean seenOuts = false;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (key.equals("outs")) {
                seenOuts = true;
                if (!(entry.getValue() instanceof List<?> list)) {
                    throw SlipwayException.invalidParameter("'%s': 'outs' must be a list", source);
                }
                for (int i = 0; i < list.size(); i++) {
                    outs.add(parseOutput(list.get(i), source, i));
                }
            } else {
                (seenOuts ? after : before).put(key, entry.getValue());
            }
        }
        return new DvcFile(before, outs, after);
    }

    private static DvcOutput parseOutput(Object value, String source, int index) {
        if (!(value instanceof Map<?, ?> map)) {
            throw SlipwayException.invalidParameter("'%s': outs[%d] must be a mapping", source, index);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((key, field) -> fields.put(String.valueOf(key), field));
        Object path = fields.remove("path");
        if (!(path instanceof String pathText) || pathText.isEmpty()) {
            throw SlipwayException.invalidParameter("'%s': outs[%d] has no 'path'", source, index);
        }
        Object hashName = fields.remove("hash");
        HashName rule;
        if (hashName == null) {
            rule = HashName.MD5_DOS2UNIX;
        } else if ("md5".equals(hashName)) {
            rule = HashName.MD5;
        } else {
            throw SlipwayException.invalidParameter(
                    "'%s': output '%s' has hash '%s'; only 'md5' is supported", source, pathText, hashName);
        }
        Optional<HashInfo> hash = Optional.empty();
        Object md5 = fields.remove("md5");
        if (md5 != null) {
            try {
                hash = Optional.of(new HashInfo(rule, String.valueOf(md5)));
            } catch (SlipwayException e) {
                throw SlipwayException.invalidParameter("'%s': output '%s': %s", source, pathText, e.getMessage());
            }
        }
        Optional<Long> size = Optional.ofNullable(fields.remove("size")).map(field -> number(field, "size", source, pathText));
        Optional<Integer> fileCount = Optional.ofNullable(fields.remove("nfiles"))
                .map(field -> Math.toIntExact(number(field, "nfiles", source, pathText)));
        Object isexec = fields.remove("isexec");
        if (isexec != null && !(isexec instanceof Boolean)) {
            throw SlipwayException.invalidParameter(
                    "'%s': output '%s' has isexec '%s'; expected true or false", source, pathText, isexec);
        }
        return new DvcOutput(pathText, hash, size, fileCount, Boolean.TRUE.equals(isexec), fields);
    }

    private static long number(Object value, String field, String source, String path) {
        if (value instanceof Integer || value instanceof Long) {
            long number = ((Number) value).longValue();
            if (number >= 0) {
                return number;
            }
        }
        throw SlipwayException.invalidParameter(
                "'%s': output '%s' has %s '%s'; expected a non-negative integer", source, path, field, value);
    }

    /** The file's text exactly as DVC 3 writes it (UTF-8, LF line ends, final newline). */
    public String toYaml() {
        StringBuilder out = new StringBuilder();
        keysBeforeOuts.forEach((key, value) -> YamlEmitter.entry(out, 0, key, value));
        if (!outs.isEmpty()) {
            out.append("outs:\n");
            for (DvcOutput output : outs) {
                Map<String, Object> fields = new LinkedHashMap<>();
                output.hash().ifPresent(hash -> fields.put("md5", hash.value()));
                output.size().ifPresent(size -> fields.put("size", size));
                output.fileCount().ifPresent(count -> fields.put("nfiles", count));
                if (output.executable()) {
                    fields.put("isexec", true);
                }
                output.hash().filter(hash -> hash.name() == HashName.MD5).ifPresent(hash -> fields.put("hash", "md5"));
                fields.put("path", output.path());
                fields.putAll(output.extra());
                YamlEmitter.listItem(out, 0, fields);
            }
        }
        keysAfterOuts.forEach((key, value) -> YamlEmitter.entry(out, 0, key, value));
        return out.toString();
    }

    /** {@link #toYaml()} as the bytes to write. */
    public byte[] toBytes() {
        return toYaml().getBytes(UTF_8);
    }
}
