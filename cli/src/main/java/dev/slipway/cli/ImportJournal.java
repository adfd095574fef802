package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an {@code import-mlflow} from one source server has done so far: which source experiment, run, registered
 * model, model version and logged model became which destination one, and which of them are complete. It is a file
 * of JSON lines, one appended (and synced) per step, so recording a step costs the same for the first run as for the
 * ten-thousandth, and a process killed while appending leaves at most a torn last line, which is dropped when the
 * file is read again. The first line names the source and the destination; a journal is only ever continued into
 * the destination it started with.
 *
 * <p>While open the file is locked, so two imports cannot write the same journal. Not thread-safe: one thread
 * imports.
 */
final class ImportJournal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final Path file;
    private final FileOutputStream out;
    private final FileLock lock;
    private final Map<String, ExperimentProgress> experiments = new HashMap<>();
    private final Map<String, RunProgress> runs = new HashMap<>();
    private final Map<String, ModelProgress> models = new HashMap<>();
    private final Map<String, Map<Long, VersionProgress>> versions = new HashMap<>();
    private final Map<String, Long> versionsBeingCreated = new HashMap<>();
    private final Map<String, LoggedModelProgress> loggedModels = new HashMap<>();

    /**
     * The destination experiment of a source experiment: one this import {@code created}, or an existing one of the
     * same name the runs were merged into.
     */
    record ExperimentProgress(String destinationExperimentId, boolean created) {
        ExperimentProgress {
            requireNonNull(destinationExperimentId, "destinationExperimentId is null");
        }
    }

    /**
     * Where a source run is: {@code creating} once the import started creating it, {@code destinationRunId} once
     * created, {@code done} once everything of it is copied.
     */
    record RunProgress(boolean creating, Optional<String> destinationRunId, boolean done) {
        RunProgress {
            requireNonNull(destinationRunId, "destinationRunId is null");
        }
    }

    /**
     * A registered model the import is creating ({@code created} false), has created, or has copied with every
     * version the source had then and its aliases ({@code done}).
     */
    record ModelProgress(boolean created, boolean done) {}

    /** The copy of an MLflow 3 logged model a version was registered from, and whether its files are copied. */
    record LoggedModelProgress(String destinationModelId, boolean done) {
        LoggedModelProgress {
            requireNonNull(destinationModelId, "destinationModelId is null");
        }
    }

    /** The destination number of a source model version, and whether its stage, tags and description are copied. */
    record VersionProgress(long destinationVersion, boolean done) {}

    private ImportJournal(Path file, FileOutputStream out, FileLock lock) {
        this.file = requireNonNull(file, "file is null");
        this.out = requireNonNull(out, "out is null");
        this.lock = requireNonNull(lock, "lock is null");
    }

    /**
     * Opens the journal at {@code file}, creating it (and its folder) for a first import, and locks it.
     *
     * @throws SlipwayException INVALID_STATE if another import holds the journal, or if it records an import from
     *     another source or into another destination; INTERNAL_ERROR if it cannot be read or written
     */
    static ImportJournal open(Path file, String source, String destination) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileOutputStream out = new FileOutputStream(file.toFile(), true);
            FileLock lock;
            try {
                lock = out.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                out.close();
                throw new SlipwayException(ErrorCode.INVALID_STATE, String.format(
                        "Another import is writing the state file '%s'; wait for it to finish", file));
            }
            ImportJournal journal = new ImportJournal(file, out, lock);
            try {
                List<String> lines = readDroppingTornLine(file);
                if (lines.isEmpty()) {
                    journal.append(JSON.createObjectNode().put("format", FORMAT).put("source", source)
                            .put("destination", destination));
                } else {
                    journal.replay(lines, source, destination);
                }
                return journal;
            } catch (RuntimeException | IOException e) {
                journal.close();
                throw e;
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot open the import state file '%s': %s", file, e.getMessage()), e);
        }
    }

    Path file() {
        return file;
    }

    Optional<ExperimentProgress> experiment(String sourceExperimentId) {
        return Optional.ofNullable(experiments.get(sourceExperimentId));
    }

    void experimentMapped(String sourceExperimentId, String destinationExperimentId, boolean created) {
        append(entry("experiment").put("source", sourceExperimentId).put("destination", destinationExperimentId)
                .put("created", created));
        experiments.put(sourceExperimentId, new ExperimentProgress(destinationExperimentId, created));
    }

    /** The progress of a source run; absent if the import never started it. */
    Optional<RunProgress> run(String sourceRunId) {
        return Optional.ofNullable(runs.get(sourceRunId));
    }

    /** The destination run of a source run, once created (complete or not). */
    Optional<String> destinationRun(String sourceRunId) {
        return run(sourceRunId).flatMap(RunProgress::destinationRunId);
    }

    /** Recorded before the destination run is created, so that a run created but not recorded can be found again. */
    void runCreating(String sourceRunId) {
        append(entry("run").put("source", sourceRunId).put("event", "creating"));
        runs.put(sourceRunId, new RunProgress(true, Optional.empty(), false));
    }

    void runCreated(String sourceRunId, String destinationRunId) {
        append(entry("run").put("source", sourceRunId).put("event", "created").put("destination", destinationRunId));
        runs.put(sourceRunId, new RunProgress(true, Optional.of(destinationRunId), false));
    }

    void runDone(String sourceRunId) {
        append(entry("run").put("source", sourceRunId).put("event", "done"));
        runs.put(sourceRunId, new RunProgress(true, destinationRun(sourceRunId), true));
    }

    Optional<ModelProgress> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    void modelCreating(String name) {
        append(entry("model").put("name", name).put("event", "creating"));
        models.put(name, new ModelProgress(false, false));
    }

    void modelCreated(String name) {
        append(entry("model").put("name", name).put("event", "created"));
        models.put(name, new ModelProgress(true, false));
    }

    void modelDone(String name) {
        append(entry("model").put("name", name).put("event", "done"));
        models.put(name, new ModelProgress(true, true));
    }

    /**
     * The source version whose destination version was being created when the import stopped, before it recorded
     * the destination's number; absent when none was.
     */
    Optional<Long> versionBeingCreated(String name) {
        return Optional.ofNullable(versionsBeingCreated.get(name));
    }

    /** Recorded before a version is created, so that one created but not recorded can be found again. */
    void versionCreating(String name, long sourceVersion) {
        append(entry("version").put("name", name).put("source", sourceVersion).put("event", "creating"));
        versionsBeingCreated.put(name, sourceVersion);
    }

    /** The versions of the model recorded so far, by source version number. */
    Map<Long, VersionProgress> versions(String name) {
        return Map.copyOf(versions.getOrDefault(name, Map.of()));
    }

    void versionCreated(String name, long sourceVersion, long destinationVersion) {
        append(entry("version").put("name", name).put("source", sourceVersion).put("destination", destinationVersion)
                .put("event", "created"));
        versions.computeIfAbsent(name, key -> new TreeMap<>())
                .put(sourceVersion, new VersionProgress(destinationVersion, false));
        versionsBeingCreated.remove(name);
    }

    void versionDone(String name, long sourceVersion) {
        VersionProgress created = versions.getOrDefault(name, Map.of()).get(sourceVersion);
        if (created == null) {
            throw new IllegalStateException("version " + sourceVersion + " of " + name + " was never created");
        }
        append(entry("version").put("name", name).put("source", sourceVersion)
                .put("destination", created.destinationVersion()).put("event", "done"));
        versions.get(name).put(sourceVersion, new VersionProgress(created.destinationVersion(), true));
    }

    Optional<LoggedModelProgress> loggedModel(String sourceModelId) {
        return Optional.ofNullable(loggedModels.get(sourceModelId));
    }

    void loggedModelCreated(String sourceModelId, String destinationModelId) {
        append(entry("logged_model").put("source", sourceModelId).put("destination", destinationModelId)
                .put("event", "created"));
        loggedModels.put(sourceModelId, new LoggedModelProgress(destinationModelId, false));
    }

    void loggedModelDone(String sourceModelId) {
        String destinationModelId = loggedModels.get(sourceModelId).destinationModelId();
        append(entry("logged_model").put("source", sourceModelId).put("destination", destinationModelId)
                .put("event", "done"));
        loggedModels.put(sourceModelId, new LoggedModelProgress(destinationModelId, true));
    }

    @Override
    public void close() {
        try (FileOutputStream closing = out) {
            lock.release();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Closing the import state file '%s' failed: %s", file, e.getMessage()), e);
        }
    }

    private static ObjectNode entry(String kind) {
        return JSON.createObjectNode().put("kind", kind);
    }

    /**
     * Appends one line. {@link FileOutputStream} rather than a channel: an interrupted thread (Ctrl-C) still completes
     * the line it is writing, where an interruptible channel would close half-way.
     */
    private void append(ObjectNode entry) {
        try {
            out.write((JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.getFD().sync();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Writing the import state file '%s' failed: %s", file, e.getMessage()), e);
        }
    }

    /** The complete lines of the file; a last line without its newline was torn by a crash and is cut off. */
    private static List<String> readDroppingTornLine(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        int end = content.length;
        while (end > 0 && content[end - 1] != '\n') {
            end--;
        }
        if (end < content.length) {
            try (RandomAccessFile truncating = new RandomAccessFile(file.toFile(), "rw")) {
                truncating.setLength(end);
            }
        }
        return new String(content, 0, end, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).toList();
    }

    private void replay(List<String> lines, String source, String destination) {
        JsonNode header = parse(lines.get(0), 1);
        String recordedSource = header.path("source").asText("");
        String recordedDestination = header.path("destination").asText("");
        if (!recordedSource.equals(source)) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, String.format("The state file '%s' records an import "
                    + "from %s, not from %s; pass another --state-file", file, recordedSource, source));
        }
        if (!recordedDestination.equals(destination)) {
            throw new SlipwayException(ErrorCode.INVALID_STATE, String.format("The state file '%s' records an import "
                    + "from %s into %s, not into %s; continue that import with --tracking-uri %s, or pass another "
                    + "--state-file to import into %s as well", file, source, recordedDestination, destination,
                    recordedDestination, destination));
        }
        for (int index = 1; index < lines.size(); index++) {
            JsonNode entry = parse(lines.get(index), index + 1);
            String kind = entry.path("kind").asText("");
            String event = entry.path("event").asText("");
            switch (kind) {
                case "experiment" -> experiments.put(text(entry, "source", index), new ExperimentProgress(
                        text(entry, "destination", index), entry.path("created").asBoolean(false)));
                case "run" -> replayRun(entry, event, index);
                case "model" -> models.put(text(entry, "name", index), new ModelProgress(!event.equals("creating"),
                        event.equals("done")));
                case "version" -> replayVersion(entry, event, index);
                case "logged_model" -> loggedModels.put(text(entry, "source", index), new LoggedModelProgress(
                        text(entry, "destination", index), event.equals("done")));
                default -> throw corrupt(index + 1, "unknown kind '" + kind + "'");
            }
        }
    }

    private void replayVersion(JsonNode entry, String event, int index) {
        String name = text(entry, "name", index);
        long sourceVersion = entry.path("source").asLong();
        switch (event) {
            case "creating" -> versionsBeingCreated.put(name, sourceVersion);
            case "created", "done" -> {
                versions.computeIfAbsent(name, key -> new TreeMap<>()).put(sourceVersion,
                        new VersionProgress(entry.path("destination").asLong(), event.equals("done")));
                versionsBeingCreated.remove(name);
            }
            default -> throw corrupt(index + 1, "unknown version event '" + event + "'");
        }
    }

    private void replayRun(JsonNode entry, String event, int index) {
        String source = text(entry, "source", index);
        switch (event) {
            case "creating" -> runs.put(source, new RunProgress(true, Optional.empty(), false));
            case "created" -> runs.put(source, new RunProgress(true, Optional.of(text(entry, "destination", index)),
                    false));
            case "done" -> runs.put(source, new RunProgress(true, destinationRun(source), true));
            default -> throw corrupt(index + 1, "unknown run event '" + event + "'");
        }
    }

    private String text(JsonNode entry, String field, int index) {
        JsonNode value = entry.path(field);
        if (!value.isTextual()) {
            throw corrupt(index + 1, "no '" + field + "'");
        }
        return value.textValue();
    }

    private JsonNode parse(String line, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw corrupt(lineNumber, "not a JSON object");
    }

    private SlipwayException corrupt(int lineNumber, String problem) {
        return new SlipwayException(ErrorCode.INVALID_STATE, String.format("The import state file '%s' is damaged "
                + "(line %d: %s); delete it to start the import over", file, lineNumber, problem));
    }
}
