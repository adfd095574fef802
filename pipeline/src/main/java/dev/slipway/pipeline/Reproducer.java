package dev.slipway.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.data.HashInfo;
import dev.slipway.data.Repository;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code dvc repro}: runs the changed stages of a pipeline in DVC's order, independent ones in parallel up to
 * {@code jobs}. For each stage that must run: removes its non-persist outputs, restores them from the run-cache
 * when this (command, dependencies, params) ran before, else runs each command line with {@code $SHELL -c} (or
 * {@code /bin/sh}) in the stage's {@code wdir}, then stores the outputs in the cache (and {@code .gitignore}s them)
 * and rewrites the stage's entry in {@code dvc.lock}, atomically, right away. A failing stage keeps its lock entry
 * and stops its dependents. {@link #cancel()} (or interrupting the thread calling {@link #repro}) destroys the
 * running commands' process trees; only stages that finished are recorded.
 *
 * <p>One repro at a time per instance; {@link #cancel()} may be called from any thread.
 */
public final class Reproducer {
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Repository repository;
    private final Clock clock;
    private final ChangeDetector detector;
    private final RunCache runCache;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public Reproducer(Repository repository, Clock clock) {
        this.repository = requireNonNull(repository, "repository is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.detector = new ChangeDetector(repository);
        this.runCache = new RunCache(repository.cache().root());
    }

    /**
     * Checks the plan (dependencies exist or are produced, params files parse), then reproduces it.
     *
     * @param targets stage names, {@code dvc.yaml:name} or group names; all stages when empty
     * @throws SlipwayException INVALID_PARAMETER_VALUE (file, line, stage) when the plan cannot run, before anything
     *     runs; RESOURCE_DOES_NOT_EXIST for an unknown target
     */
    public ReproResult repro(Pipeline pipeline, List<String> targets, ReproOptions options, StageListener listener) {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(options, "options is null");
        requireNonNull(listener, "listener is null");
        cancelled.set(false);
        List<Stage> resolved = new ArrayList<>();
        targets.forEach(target -> resolved.addAll(pipeline.resolve(target)));
        List<Stage> plan = pipeline.plan(resolved, options.downstream(), options.singleItem());
        check(pipeline, plan);
        synchronized (repository) {
            repository.cache().forget();
        }
        Map<String, StageResult> results = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.jobs(), runnable -> {
            Thread thread = new Thread(runnable, "slipway-repro");
            thread.setDaemon(true);
            return thread;
        });
        CompletionService<StageResult> completion = new ExecutorCompletionService<>(pool);
        Map<String, Future<StageResult>> inFlight = new LinkedHashMap<>();
        List<Stage> pending = new ArrayList<>(plan);
        boolean stopping = false;
        boolean interrupted = false;
        try {
            while (!pending.isEmpty() || !inFlight.isEmpty()) {
                if (!stopping) {
                    for (Stage stage : List.copyOf(pending)) {
                        if (inFlight.size() >= options.jobs()) {
                            break;
                        }
                        List<Stage> upstream = pipeline.upstreamOf(stage).stream().filter(plan::contains).toList();
                        if (!upstream.stream().allMatch(up -> results.containsKey(up.name()))) {
                            continue;
                        }
                        pending.remove(stage);
                        if (!upstream.stream().allMatch(up -> results.get(up.name()).succeeded())) {
                            StageResult notRun = notRun(stage, "a stage it depends on did not succeed");
                            results.put(stage.name(), notRun);
                            listener.onStageEnd(stage, notRun);
                            continue;
                        }
                        inFlight.put(stage.name(), completion.submit(() -> reproduce(pipeline, stage, options, listener)));
                    }
                }
                if (inFlight.isEmpty()) {
                    break;
                }
                Future<StageResult> done = completion.take();
                StageResult result = outcome(done);
                inFlight.values().remove(done);
                results.put(result.stage(), result);
                if (result.outcome() == StageResult.Outcome.FAILED && !options.keepGoing()) {
                    stopping = true;
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            cancel();
            for (Future<StageResult> future : inFlight.values()) {
                try {
                    StageResult result = future.get(KILL_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
                    results.put(result.stage(), result);
                } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException ignored) {
                    // its process tree is destroyed; nothing of it was recorded
                }
            }
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        interrupted |= cancelled.get();
        List<StageResult> ordered = new ArrayList<>();
        for (Stage stage : plan) {
            StageResult result = results.get(stage.name());
            if (result == null) {
                result = interrupted
                        ? new StageResult(stage.name(), StageResult.Outcome.INTERRUPTED, OptionalInt.empty(),
                                Duration.ZERO, Optional.empty(), Optional.of("interrupted"))
                        : notRun(stage, "the repro stopped after a failure");
                listener.onStageEnd(stage, result);
            }
            ordered.add(result);
        }
        return new ReproResult(ordered, interrupted);
    }

    /** Stops the repro: destroys every running command's process tree; stages not finished are not recorded. */
    public void cancel() {
        cancelled.set(true);
        for (Process process : running) {
            destroyTree(process);
        }
    }

    private static StageResult outcome(Future<StageResult> done) throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("A stage worker failed unexpectedly", e.getCause());
        }
    }

    private static StageResult notRun(Stage stage, String why) {
        return new StageResult(stage.name(), StageResult.Outcome.NOT_RUN, OptionalInt.empty(), Duration.ZERO,
                Optional.empty(), Optional.of(why));
    }

    private void check(Pipeline pipeline, List<Stage> plan) {
        pipeline.checkDependenciesExist(plan);
        for (Stage stage : plan) {
            for (Stage.ParamsDependency params : stage.params()) {
                if (Files.isRegularFile(params.absolute())) {
                    detector.currentParams(pipeline, stage, params, false);
                } else if (!stage.frozen() && pipeline.producer(params.absolute()).isEmpty()) {
                    throw PipelineError.at(pipeline.displayName(), params.line(), Optional.of(stage.name()),
                            "params file '%s' does not exist and no stage outputs it", params.path());
                }
            }
        }
    }

    private StageResult reproduce(Pipeline pipeline, Stage stage, ReproOptions options, StageListener listener) {
        Instant start = clock.instant();
        StageResult result;
        try {
            result = reproduceChecked(pipeline, stage, options, listener, start);
        } catch (RuntimeException e) {
            result = cancelled.get() ? interrupted(stage, start)
                    : new StageResult(stage.name(), StageResult.Outcome.FAILED, OptionalInt.empty(), since(start),
                            Optional.empty(), Optional.of(e.getMessage()));
        }
        listener.onStageEnd(stage, result);
        return result;
    }

    private StageResult reproduceChecked(Pipeline pipeline, Stage stage, ReproOptions options, StageListener listener,
            Instant start) {
        if (stage.frozen()) {
            listener.onMessage(stage, String.format("Stage '%s' is frozen, not reproducing it", stage.name()));
            return result(stage, StageResult.Outcome.UNCHANGED, OptionalInt.empty(), start, Optional.empty());
        }
        Optional<LockEntry> locked = Optional.ofNullable(
                LockFile.read(pipeline.lockFile(), ChangeDetector.lockName(pipeline)).get(stage.name()));
        StageStatus status = detector.status(pipeline, stage, locked);
        if (!options.force() && !status.changed()) {
            listener.onMessage(stage, String.format("Stage '%s' didn't change, skipping", stage.name()));
            return result(stage, StageResult.Outcome.UNCHANGED, OptionalInt.empty(), start, Optional.empty());
        }
        Optional<String> reason = options.force() ? Optional.of("forced") : status.reason();
        if (options.dry()) {
            listener.onMessage(stage, runningMessage(stage));
            return result(stage, StageResult.Outcome.WOULD_RUN, OptionalInt.empty(), start, reason);
        }
        listener.onStageStart(stage);
        Map<String, String> extraEnvironment = listener.environment(stage);
        for (Stage.Output out : stage.outs()) {
            if (!out.persist()) {
                remove(out.absolute());
            }
        }
        LockEntry current = detector.currentEntry(pipeline, stage, pathsOnly(stage));
        if (!options.force() && !options.noRunCache() && RunCache.eligible(stage)) {
            Optional<LockEntry> hit = runCache.lookup(current).filter(entry -> restorable(stage, entry));
            if (hit.isPresent()) {
                listener.onMessage(stage, String.format("Stage '%s' is cached - skipping run, checking out outputs",
                        stage.name()));
                restore(stage, hit.get());
                LockFile.update(pipeline.lockFile(), ChangeDetector.lockName(pipeline), stage.name(),
                        new LockEntry(stage.cmd(), current.deps(), current.params(), saveOutputs(stage)));
                return result(stage, StageResult.Outcome.RESTORED, OptionalInt.empty(), start, reason);
            }
        }
        listener.onMessage(stage, runningMessage(stage));
        Map<String, String> environment = new LinkedHashMap<>(options.environment());
        environment.put("DVC_ROOT", pipeline.root().toString());
        environment.put("DVC_STAGE", stage.address());
        environment.putAll(extraEnvironment);
        int exitCode = 0;
        for (String commandLine : stage.commands()) {
            exitCode = run(stage, commandLine, environment, listener);
            if (cancelled.get()) {
                return interrupted(stage, start);
            }
            if (exitCode != 0) {
                return new StageResult(stage.name(), StageResult.Outcome.FAILED, OptionalInt.of(exitCode), since(start),
                        reason, Optional.of(String.format("failed to reproduce '%s': command '%s' exited with code %d",
                                stage.name(), commandLine, exitCode)));
            }
        }
        for (Stage.Output out : stage.outs()) {
            if (!Files.exists(out.absolute(), LinkOption.NOFOLLOW_LINKS)) {
                return new StageResult(stage.name(), StageResult.Outcome.FAILED, OptionalInt.of(exitCode), since(start),
                        reason, Optional.of(String.format("failed to reproduce '%s': output '%s' does not exist",
                                stage.name(), out.path())));
            }
        }
        if (cancelled.get()) {
            return interrupted(stage, start);
        }
        LockEntry entry = new LockEntry(stage.cmd(), current.deps(), current.params(), saveOutputs(stage));
        LockFile.update(pipeline.lockFile(), ChangeDetector.lockName(pipeline), stage.name(), entry);
        if (RunCache.savable(stage)) {
            runCache.save(entry);
        }
        return result(stage, StageResult.Outcome.RAN, OptionalInt.of(exitCode), start, reason);
    }

    private static String runningMessage(Stage stage) {
        StringBuilder message = new StringBuilder(String.format("Running stage '%s':", stage.name()));
        stage.commands().forEach(line -> message.append("\n> ").append(line));
        return message.toString();
    }

    private static List<LockEntry.LockedPath> pathsOnly(Stage stage) {
        return stage.outs().stream().map(out -> new LockEntry.LockedPath(out.path(), Optional.empty(), Optional.empty(),
                Optional.empty(), false)).toList();
    }

    private boolean restorable(Stage stage, LockEntry entry) {
        synchronized (repository) {
            for (LockEntry.LockedPath out : entry.outs()) {
                if (out.hash().isEmpty() || !repository.isInCache(out.hash().get())) {
                    return false;
                }
            }
        }
        return entry.outs().size() == stage.outs().size();
    }

    private void restore(Stage stage, LockEntry entry) {
        Map<String, HashInfo> hashes = new HashMap<>();
        entry.outs().forEach(out -> hashes.put(out.path(), out.hash().orElseThrow()));
        synchronized (repository) {
            for (Stage.Output out : stage.outs()) {
                remove(out.absolute());
                repository.cache().checkout(hashes.get(out.path()), out.absolute(), repository.config().cacheTypes());
            }
        }
    }

    /** Hashes the outputs; cached ones (and metrics/plots, for the run-cache) go into the cache. */
    private List<LockEntry.LockedPath> saveOutputs(Stage stage) {
        List<LockEntry.LockedPath> outs = new ArrayList<>();
        synchronized (repository) {
            for (Stage.Output out : stage.outs()) {
                if (out.cache() || (out.kind() != Stage.OutputKind.OUT && RunCache.savable(stage))) {
                    outs.add(ChangeDetector.locked(repository.saveOutput(out.absolute(), out.path(), out.cache())));
                } else {
                    outs.add(detector.describe(out.absolute(), out.path()));
                }
            }
        }
        return outs;
    }

    private int run(Stage stage, String commandLine, Map<String, String> environment, StageListener listener) {
        List<String> command = shellCommand(environment, commandLine);
        ProcessBuilder builder = new ProcessBuilder(command).directory(stage.wdir().toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            Files.createDirectories(stage.wdir());
            process = builder.start();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot start '%s' for stage '%s': %s", command.get(0), stage.name(), e.getMessage()), e);
        }
        running.add(process);
        try {
            if (cancelled.get()) {
                destroyTree(process);
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    listener.onStageOutput(stage, line);
                }
            } catch (IOException e) {
                // the process was destroyed while we read
            }
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                destroyTree(process);
                Thread.currentThread().interrupt();
                cancelled.set(true);
                return -1;
            }
        } finally {
            running.remove(process);
        }
    }

    private static List<String> shellCommand(Map<String, String> environment, String commandLine) {
        String shell = environment.getOrDefault("SHELL", "");
        if (shell.isBlank() || !Files.isExecutable(Path.of(shell))) {
            return List.of("/bin/sh", "-c", commandLine);
        }
        String name = Path.of(shell).getFileName().toString();
        if (name.equals("bash")) {
            return List.of(shell, "--noprofile", "--norc", "-c", commandLine);
        }
        if (name.equals("zsh")) {
            return List.of(shell, "--no-rcs", "-c", commandLine);
        }
        return List.of(shell, "-c", commandLine);
    }

    private static void destroyTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void remove(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path child : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        child.toFile().setWritable(true);
                        Files.deleteIfExists(child);
                    }
                }
            } else {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot remove output '%s': %s", path, e.getMessage()), e);
        }
    }

    private StageResult interrupted(Stage stage, Instant start) {
        return new StageResult(stage.name(), StageResult.Outcome.INTERRUPTED, OptionalInt.empty(), since(start),
                Optional.empty(), Optional.of("interrupted"));
    }

    private StageResult result(Stage stage, StageResult.Outcome outcome, OptionalInt exitCode, Instant start,
            Optional<String> reason) {
        return new StageResult(stage.name(), outcome, exitCode, since(start), reason, Optional.empty());
    }

    private Duration since(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
