package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

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
 * keys other than {@code outs} keep their place before or after it. Whole-line {@code #} comments (with the
 * blank lines among them) before a top-level key, before an output or before one of an output's keys are kept, as
 * DVC's round-trip YAML keeps them; comments at the end of a line or inside nested values are not.
 */
public record DvcFile(Map<String, Object> keysBeforeOuts, List<DvcOutput> outs, Map<String, Object> keysAfterOuts,
        Comments comments) {
    /** The key of the comment written before an output's first line (its {@code - }). */
    static final String BEFORE_OUTPUT = "-";

    /**
     * The comment blocks of a file, each the exact lines (ending in a newline) written before what it precedes.
     *
     * @param beforeKey by top-level key
     * @param beforeOutputKey by output path, then by the output's key ({@link #BEFORE_OUTPUT} for the output itself)
     * @param atEnd after everything
     */
    public record Comments(Map<String, String> beforeKey, Map<String, Map<String, String>> beforeOutputKey,
            String atEnd) {
        public Comments {
            beforeKey = Map.copyOf(requireNonNull(beforeKey, "beforeKey is null"));
            Map<String, Map<String, String>> copy = new LinkedHashMap<>();
            requireNonNull(beforeOutputKey, "beforeOutputKey is null")
                    .forEach((path, keys) -> copy.put(path, Map.copyOf(keys)));
            beforeOutputKey = Collections.unmodifiableMap(copy);
            requireNonNull(atEnd, "atEnd is null");
        }

        /** No comments. */
        public static Comments none() {
            return new Comments(Map.of(), Map.of(), "");
        }

        String before(String key) {
            return beforeKey.getOrDefault(key, "");
        }

        Map<String, String> ofOutput(String path) {
            return beforeOutputKey.getOrDefault(path, Map.of());
        }
    }

    public DvcFile {
        keysBeforeOuts = Collections.unmodifiableMap(new LinkedHashMap<>(
                requireNonNull(keysBeforeOuts, "keysBeforeOuts is null")));
        outs = List.copyOf(requireNonNull(outs, "outs is null"));
        keysAfterOuts = Collections.unmodifiableMap(new LinkedHashMap<>(
                requireNonNull(keysAfterOuts, "keysAfterOuts is null")));
        requireNonNull(comments, "comments is null");
    }

    /** A file without comments. */
    public DvcFile(Map<String, Object> keysBeforeOuts, List<DvcOutput> outs, Map<String, Object> keysAfterOuts) {
        this(keysBeforeOuts, outs, keysAfterOuts, Comments.none());
    }

    /** This file with other outputs, keeping its other keys and its comments (those of outputs matched by path). */
    public DvcFile withOuts(List<DvcOutput> newOuts) {
        return new DvcFile(keysBeforeOuts, newOuts, keysAfterOuts, comments);
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
            root = YamlTree.read(text);
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
        return new DvcFile(before, outs, after, comments(text, outs));
    }

    /**
     * The whole-line comment blocks of {@code text}, attached to the top-level key, output or output key that
     * follows each (blocks of blank lines only are dropped, as the emitter writes none).
     */
    private static Comments comments(String text, List<DvcOutput> outs) {
        if (!text.contains("#")) {
            return Comments.none();
        }
        Map<String, String> beforeKey = new LinkedHashMap<>();
        List<Map<String, String>> byItem = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        boolean inOuts = false;
        int itemKeyIndent = -1;
        for (String line : text.split("\r?\n", -1)) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                pending.append(line).append('\n');
                continue;
            }
            String block = pending.toString().contains("#") ? pending.toString() : "";
            pending.setLength(0);
            int indent = line.length() - line.stripLeading().length();
            if (indent == 0 && !stripped.startsWith("-")) {
                String key = keyOf(stripped);
                inOuts = key.equals("outs");
                itemKeyIndent = -1;
                if (!block.isEmpty()) {
                    beforeKey.put(key, block);
                }
            } else if (inOuts && stripped.startsWith("- ") && (itemKeyIndent < 0 || indent == itemKeyIndent - 2)) {
                itemKeyIndent = indent + 2;
                Map<String, String> item = new LinkedHashMap<>();
                if (!block.isEmpty()) {
                    item.put(BEFORE_OUTPUT, block);
                }
                byItem.add(item);
            } else if (inOuts && indent == itemKeyIndent && !stripped.startsWith("-") && !byItem.isEmpty()
                    && !block.isEmpty()) {
                byItem.get(byItem.size() - 1).put(keyOf(stripped), block);
            }
        }
        // the split leaves one empty string after the final newline; it is not a blank line of the file
        String atEnd = pending.toString().contains("#") ? pending.substring(0, pending.length() - 1) : "";
        Map<String, Map<String, String>> beforeOutputKey = new LinkedHashMap<>();
        for (int i = 0; i < byItem.size() && i < outs.size(); i++) {
            if (!byItem.get(i).isEmpty()) {
                beforeOutputKey.put(outs.get(i).path(), byItem.get(i));
            }
        }
        return new Comments(beforeKey, beforeOutputKey, atEnd);
    }

    /** The key of a {@code key: value} line (after any {@code - }), unquoted. */
    private static String keyOf(String line) {
        String rest = line.startsWith("- ") ? line.substring(2).strip() : line;
        if (rest.startsWith("'") || rest.startsWith("\"")) {
            int end = rest.indexOf(rest.charAt(0), 1);
            return end > 0 ? rest.substring(1, end) : rest;
        }
        int colon = rest.indexOf(':');
        return colon >= 0 ? rest.substring(0, colon).strip() : rest;
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
        keysBeforeOuts.forEach((key, value) -> YamlEmitter.entry(out.append(comments.before(key)), 0, key, value));
        if (!outs.isEmpty()) {
            out.append(comments.before("outs")).append("outs:\n");
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
                YamlEmitter.listItem(out, 0, fields, comments.ofOutput(output.path()));
            }
        }
        keysAfterOuts.forEach((key, value) -> YamlEmitter.entry(out.append(comments.before(key)), 0, key, value));
        return out.append(comments.atEnd()).toString();
    }

    /** {@link #toYaml()} as the bytes to write. */
    public byte[] toBytes() {
        return toYaml().getBytes(UTF_8);
    }
}
