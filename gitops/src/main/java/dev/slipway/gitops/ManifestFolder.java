package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of rendered manifests that Argo CD or Flux syncs from. Writing it replaces the files Slipway manages
 * with new text and deletes those of deployments no longer in Git, leaving other files alone.
 *
 * <p>Every new file is first written beside its target under a temporary name and only then moved into place, so
 * a failure while writing leaves the folder as it was, and a reader never sees half a file. Not safe for two
 * writers of the same folder at once.
 */
public final class ManifestFolder {
    /** The label line that marks a file as Slipway's, in any quoting. */
    private static final Pattern MANAGED = Pattern.compile(
            "(?m)^\\s*[\"']?" + Pattern.quote(KubernetesObjects.MANAGED_BY_LABEL) + "[\"']?\\s*:\\s*[\"']?"
                    + Pattern.quote(KubernetesObjects.MANAGED_BY) + "[\"']?\\s*$");

    private final Path folder;

    public ManifestFolder(Path folder) {
        this.folder = requireNonNull(folder, "folder is null");
    }

    /**
     * What a write did, each list of file names sorted.
     *
     * @param written files created or whose text changed
     * @param unchanged files whose text was already the same
     * @param deleted managed files of deployments no longer rendered
     */
    public record Report(List<String> written, List<String> unchanged, List<String> deleted) {
        public Report {
            written = List.copyOf(written);
            unchanged = List.copyOf(unchanged);
            deleted = List.copyOf(deleted);
        }
    }

    /**
     * Makes the folder hold exactly {@code files} among the files Slipway manages: writes each (file name to text),
     * and deletes the other {@code .yaml}/{@code .yml} files that carry the label
     * {@code app.kubernetes.io/managed-by: slipway}.
     *
     * @throws UncheckedIOException when the folder cannot be written; files already moved into place stay
     */
    public Report write(Map<String, String> files) {
        requireNonNull(files, "files is null");
        Map<String, String> sorted = new TreeMap<>(files);
        for (String name : sorted.keySet()) {
            if (name.contains("/") || name.contains("\\") || name.startsWith(".") || !name.endsWith(".yaml")) {
                throw new IllegalArgumentException("not a manifest file name: '" + name + "'");
            }
        }
        try {
            Files.createDirectories(folder);
            Map<String, Path> staged = new LinkedHashMap<>();
            List<String> unchanged = new ArrayList<>();
            try {
                for (Map.Entry<String, String> file : sorted.entrySet()) {
                    Path target = folder.resolve(file.getKey());
                    if (Files.isRegularFile(target)
                            && Files.readString(target, StandardCharsets.UTF_8).equals(file.getValue())) {
                        unchanged.add(file.getKey());
                        continue;
                    }
                    Path temporary = Files.createTempFile(folder, "." + file.getKey() + ".", ".tmp");
                    staged.put(file.getKey(), temporary);
                    Files.writeString(temporary, file.getValue(), StandardCharsets.UTF_8);
                }
            } catch (IOException | RuntimeException e) {
                for (Path temporary : staged.values()) {
                    Files.deleteIfExists(temporary);
                }
                throw e;
            }
            for (Map.Entry<String, Path> file : staged.entrySet()) {
                move(file.getValue(), folder.resolve(file.getKey()));
            }
            List<String> deleted = new ArrayList<>();
            for (Path stale : staleManagedFiles(sorted)) {
                Files.delete(stale);
                deleted.add(stale.getFileName().toString());
            }
            return new Report(List.copyOf(staged.keySet()), unchanged, deleted);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifests in " + folder + ": " + e.getMessage(), e);
        }
    }

    private List<Path> staleManagedFiles(Map<String, String> kept) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.sorted().toList()) {
                String fileName = entry.getFileName().toString();
                if (kept.containsKey(fileName) || fileName.startsWith(".") || !Files.isRegularFile(entry)
                        || !(fileName.endsWith(".yaml") || fileName.endsWith(".yml"))) {
                    continue;
                }
                if (MANAGED.matcher(Files.readString(entry, StandardCharsets.UTF_8)).find()) {
                    stale.add(entry);
                }
            }
        }
        return stale;
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
