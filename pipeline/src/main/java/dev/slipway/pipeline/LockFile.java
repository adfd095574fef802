package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.AtomicFiles;
import dev.slipway.data.HashInfo;
import dev.slipway.data.HashName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes {@code dvc.lock} byte for byte as DVC does ({@code schema: '2.0'}, then {@code stages}); reads
 * legacy entries too (no {@code hash:} key: DVC 2 hashes; no {@code schema}: the 1.x layout of stages at the top).
 */
public final class LockFile {
    private LockFile() {}

    /**
     * The entries of a lock file in file order; empty when it does not exist.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file and line when it does not parse
     */
    public static Map<String, LockEntry> read(Path file, String displayName) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(file, UTF_8);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s': %s", displayName, e.getMessage()), e);
        }
        return parse(text, displayName);
    }

    /** Parses lock file text. */
    public static Map<String, LockEntry> parse(String text, String displayName) {
        YamlNode top = YamlNode.parse(text, displayName);
        if (top.value() == null) {
            return Map.of();
        }
        if (!top.isMap()) {
            throw PipelineError.at(displayName, top.line(), Optional.empty(), "a lock file must be a mapping");
        }
        YamlNode stages = top.map().containsKey("schema") ? top.map().get("stages") : top;
        Map<String, LockEntry> entries = new LinkedHashMap<>();
        if (stages == null || !stages.isMap()) {
            return entries;
        }
        for (Map.Entry<String, YamlNode> stage : stages.map().entrySet()) {
            if (stage.getValue().isMap()) {
                entries.put(stage.getKey(), entry(stage.getValue(), displayName, stage.getKey()));
            }
        }
        return entries;
    }

    /** One entry as stored in a lock file or a run-cache file. */
    static LockEntry entry(YamlNode node, String displayName, String stage) {
        Map<String, YamlNode> fields = node.map();
        YamlNode cmdNode = fields.get("cmd");
        Object cmd = cmdNode == null || cmdNode.value() == null ? "" : cmdNode.plain();
        Map<String, Map<String, Object>> params = new LinkedHashMap<>();
        YamlNode paramsNode = fields.get("params");
        if (paramsNode != null && paramsNode.isMap()) {
            paramsNode.map().forEach((file, values) -> {
                Map<String, Object> map = new LinkedHashMap<>();
                if (values.isMap()) {
                    values.map().forEach((key, value) -> map.put(key, value.plain()));
                }
                params.put(file, map);
            });
        }
        return new LockEntry(cmd, paths(fields.get("deps"), displayName, stage), params,
                paths(fields.get("outs"), displayName, stage));
    }

    private static List<LockEntry.LockedPath> paths(YamlNode node, String displayName, String stage) {
        List<LockEntry.LockedPath> paths = new ArrayList<>();
        if (node == null || !node.isList()) {
            return paths;
        }
        for (YamlNode item : node.list()) {
            if (!item.isMap() || !(item.map().get("path") != null && item.map().get("path").value() != null)) {
                throw PipelineError.at(displayName, item.line(), Optional.of(stage), "a locked path needs 'path'");
            }
            Map<String, YamlNode> fields = item.map();
            String path = String.valueOf(fields.get("path").value());
            Optional<HashInfo> hash = Optional.empty();
            YamlNode md5 = fields.get("md5");
            if (md5 != null && md5.value() instanceof String value) {
                HashName rule = fields.containsKey("hash") ? HashName.MD5 : HashName.MD5_DOS2UNIX;
                try {
                    hash = Optional.of(new HashInfo(rule, value));
                } catch (SlipwayException e) {
                    throw PipelineError.at(displayName, md5.line(), Optional.of(stage), "%s", e.getMessage());
                }
            }
            Optional<Long> size = fields.get("size") != null && fields.get("size").value() instanceof Number number
                    ? Optional.of(number.longValue()) : Optional.empty();
            Optional<Integer> count = fields.get("nfiles") != null && fields.get("nfiles").value() instanceof Number number
                    ? Optional.of(number.intValue()) : Optional.empty();
            boolean executable = fields.get("isexec") != null && Boolean.TRUE.equals(fields.get("isexec").value());
            paths.add(new LockEntry.LockedPath(path, hash, size, count, executable));
        }
        return paths;
    }

    /** The text DVC writes for these entries, in the given order. */
    public static String toYaml(Map<String, LockEntry> entries) {
        Map<String, Object> stages = new LinkedHashMap<>();
        entries.forEach((name, entry) -> stages.put(name, PythonValues.forYaml(entry.toMap())));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("schema", "2.0");
        document.put("stages", stages);
        return LockYaml.toYaml(document);
    }

    /** The text of one entry at the top level, as a run-cache file holds it. */
    static String entryToYaml(LockEntry entry) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) PythonValues.forYaml(entry.toMap());
        return LockYaml.toYaml(map);
    }

    /**
     * Sets the entry of {@code stage} in the lock file, keeping the others and their order (a new stage goes last);
     * the file is replaced atomically.
     */
    public static synchronized void update(Path file, String displayName, String stage, LockEntry entry) {
        Map<String, LockEntry> entries = new LinkedHashMap<>(read(file, displayName));
        entries.put(stage, entry);
        write(file, entries);
    }

    /** Writes the whole lock file atomically. */
    public static void write(Path file, Map<String, LockEntry> entries) {
        writeAtomically(file, toYaml(entries));
    }

    static void writeAtomically(Path file, String text) {
        AtomicFiles.write(file, text.getBytes(UTF_8));
    }
}
