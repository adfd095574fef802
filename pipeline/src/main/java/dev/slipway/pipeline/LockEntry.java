package dev.slipway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.slipway.data.HashInfo;
import dev.slipway.data.HashName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stage's entry in {@code dvc.lock}: the command it ran, the hashes of its dependencies and outputs, and the
 * values of its params, as DVC records them (deps and outs sorted by path; params with {@code params.yaml} first,
 * then the other files alphabetically, keys sorted).
 *
 * @param cmd a String or a List of Strings
 */
public record LockEntry(Object cmd, List<LockedPath> deps, Map<String, Map<String, Object>> params,
        List<LockedPath> outs) {
    public LockEntry {
        requireNonNull(cmd, "cmd is null");
        deps = sortedByPath(deps);
        outs = sortedByPath(outs);
        params = sortedParams(params);
    }

    /**
     * A dependency or output as recorded: its hash is absent when DVC could not record one; a DVC 2 entry (no
     * {@code hash:} key) has the legacy rule.
     */
    public record LockedPath(String path, Optional<HashInfo> hash, Optional<Long> size, Optional<Integer> fileCount,
            boolean executable) {
        public LockedPath {
            requireNonNull(path, "path is null");
            requireNonNull(hash, "hash is null");
            requireNonNull(size, "size is null");
            requireNonNull(fileCount, "fileCount is null");
        }

        /** The fields in DVC's order: path, hash, md5, size, nfiles, isexec. */
        Map<String, Object> toMap(boolean withMeta) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("path", path);
            hash.ifPresent(value -> {
                if (value.name() == HashName.MD5) {
                    map.put("hash", "md5");
                }
                map.put("md5", value.value());
            });
            if (withMeta) {
                size.ifPresent(value -> map.put("size", value));
                fileCount.ifPresent(value -> map.put("nfiles", value));
            }
            if (executable) {
                map.put("isexec", true);
            }
            return map;
        }
    }

    /** The entry as DVC writes it (cmd, deps, params, outs; empty ones left out). */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cmd", cmd);
        if (!deps.isEmpty()) {
            map.put("deps", deps.stream().map(dep -> (Object) dep.toMap(true)).toList());
        }
        if (!params.isEmpty()) {
            Map<String, Object> copy = new LinkedHashMap<>();
            params.forEach((file, values) -> copy.put(file, new LinkedHashMap<>(values)));
            map.put("params", copy);
        }
        if (!outs.isEmpty()) {
            map.put("outs", outs.stream().map(out -> (Object) out.toMap(true)).toList());
        }
        return map;
    }

    /**
     * The run-cache key of this entry: SHA-256 of Python's {@code json.dumps(sort_keys=True)} of the entry with the
     * outs replaced by their paths and every size/nfiles left out.
     */
    public String runCacheKey() {
        Map<String, Object> map = toMapWithoutMeta();
        map.put("outs", outs.stream().map(out -> (Object) out.path()).toList());
        return sha256(PythonValues.json(map));
    }

    /** The run-cache value of this entry: as {@link #runCacheKey()} but with the outs' hashes. */
    public String runCacheValue() {
        return sha256(PythonValues.json(toMapWithoutMeta()));
    }

    private Map<String, Object> toMapWithoutMeta() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cmd", cmd);
        if (!deps.isEmpty()) {
            map.put("deps", deps.stream().map(dep -> (Object) dep.toMap(false)).toList());
        }
        if (!params.isEmpty()) {
            map.put("params", params);
        }
        if (!outs.isEmpty()) {
            map.put("outs", outs.stream().map(out -> (Object) out.toMap(false)).toList());
        }
        return map;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static List<LockedPath> sortedByPath(List<LockedPath> paths) {
        List<LockedPath> sorted = new ArrayList<>(paths);
        sorted.sort(Comparator.comparing(LockedPath::path, dev.slipway.data.DirectoryListing.CODE_POINT_ORDER));
        return List.copyOf(sorted);
    }

    private static Map<String, Map<String, Object>> sortedParams(Map<String, Map<String, Object>> params) {
        List<String> files = new ArrayList<>(params.keySet());
        files.sort(dev.slipway.data.DirectoryListing.CODE_POINT_ORDER);
        if (files.remove(ParamsFiles.DEFAULT)) {
            files.add(0, ParamsFiles.DEFAULT);
        }
        Map<String, Map<String, Object>> sorted = new LinkedHashMap<>();
        for (String file : files) {
            List<String> keys = new ArrayList<>(params.get(file).keySet());
            keys.sort(dev.slipway.data.DirectoryListing.CODE_POINT_ORDER);
            Map<String, Object> values = new LinkedHashMap<>();
            keys.forEach(key -> values.put(key, params.get(file).get(key)));
            sorted.put(file, Collections.unmodifiableMap(values));
        }
        return Collections.unmodifiableMap(sorted);
    }
}
