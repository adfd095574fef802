package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.client.ModelResolver;
import dev.slipway.client.ModelUri;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves models loaded from model URIs ({@code models:/churn@champion}, {@code models:/churn/3},
 * {@code models:/churn/Production}, {@code models:/churn/latest}, {@code runs:/...}, {@code mlflow-artifacts:/...},
 * folders), each with an optional canary that answers a share of the requests and an optional shadow that scores a
 * copy of every request.
 *
 * <p>URIs that follow something movable (an alias, a stage, {@code latest}) are resolved again at every poll
 * ({@link #refresh()}, on a background thread when a poll interval is set). When one names another version, that
 * version is loaded beside the serving one, the model's routing snapshot is switched atomically, and the previous
 * version is retired: it takes no new requests and closes its session once the requests holding it are done. A
 * failed load keeps the previous version serving, is logged, counted ({@link #swapFailures()},
 * {@link #lastSwapFailure()}) and reported to the {@link SwapListener}, and is tried again at the next poll. Fixed
 * URIs (a version number, a run, a folder) are never resolved again.
 *
 * <p>{@link #reconfigure} changes what a served name answers with while it serves: another stable version, a canary
 * added, removed or given another share, a shadow added or removed. It loads only what changed and switches the
 * routing snapshot the same way; from then on the poller follows the new URIs. {@link #describe()} tells what each
 * name serves now.
 *
 * <p>{@link #route} reads one immutable snapshot per model and takes leases on it without locks or I/O. Polls and
 * reconfigurations take the lock of this object, one at a time, so neither overwrites the other's change.
 * Thread-safe.
 */
public final class LiveModels implements ModelRepository {
    private static final Logger LOG = LoggerFactory.getLogger(LiveModels.class);

    private final List<String> names;
    private final Map<String, Served> served;
    private final ModelLoader loader;
    private final LiveModelsOptions options;
    private final Optional<ScheduledExecutorService> poller;
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong swapFailures = new AtomicLong();
    private final AtomicReference<Optional<SwapFailure>> lastSwapFailure = new AtomicReference<>(Optional.empty());
    /** Download folders of loaded versions, deleted once their version is retired and drained; guarded by this. */
    private final Map<ServedModel, Path> downloads = new IdentityHashMap<>();
    private volatile boolean closed;

    /** The routing roles a served name has; each follows its own URI. */
    private enum Role {
        STABLE(Lease.STABLE), CANARY(Lease.CANARY), SHADOW(Lease.SHADOW);

        final String variant;

        Role(String variant) {
            this.variant = variant;
        }

        Optional<String> uri(ModelSpec spec) {
            return switch (this) {
                case STABLE -> Optional.of(spec.uri());
                case CANARY -> spec.canary().map(ModelSpec.Canary::uri);
                case SHADOW -> spec.shadowUri();
            };
        }
    }

    /**
     * What answers one served name right now, and the spec it follows. Immutable; replaced as a whole by a swap or a
     * reconfiguration.
     */
    private record Snapshot(ModelSpec spec, ServedModel stable, Optional<ServedModel> canary, TrafficSplit split,
            Optional<ServedModel> shadow) {
        static Snapshot of(ModelSpec spec, ServedModel stable, Optional<ServedModel> canary,
                Optional<ServedModel> shadow) {
            return new Snapshot(spec, stable, canary,
                    spec.canary().map(ModelSpec.Canary::split).orElse(new TrafficSplit(0)), shadow);
        }

        Optional<ServedModel> model(Role role) {
            return switch (role) {
                case STABLE -> Optional.of(stable);
                case CANARY -> canary;
                case SHADOW -> shadow;
            };
        }

        Snapshot with(Role role, ServedModel model) {
            return switch (role) {
                case STABLE -> new Snapshot(spec, model, canary, split, shadow);
                case CANARY -> new Snapshot(spec, stable, Optional.of(model), split, shadow);
                case SHADOW -> new Snapshot(spec, stable, canary, split, Optional.of(model));
            };
        }

        List<ServedModel> all() {
            List<ServedModel> models = new ArrayList<>(3);
            models.add(stable);
            canary.ifPresent(models::add);
            shadow.ifPresent(models::add);
            return models;
        }
    }

    /** One served name; its snapshot is switched by swaps and reconfigurations, under the lock of LiveModels. */
    private record Served(String name, AtomicReference<Snapshot> snapshot) {}

    private LiveModels(List<String> names, Map<String, Served> served, ModelLoader loader, LiveModelsOptions options,
            Map<ServedModel, Path> downloads) {
        this.names = List.copyOf(names);
        this.served = Map.copyOf(served);
        this.loader = loader;
        this.options = options;
        this.downloads.putAll(downloads);
        // polls even when nothing moves yet: a reconfiguration may follow an alias later, and each poll deletes the
        // downloads of replaced versions once they are drained
        this.poller = options.pollInterval()
                .map(interval -> Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "slipway-model-poller");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    private void startPolling() {
        poller.ifPresent(executor -> {
            long millis = Math.max(1, options.pollInterval().orElseThrow().toMillis());
            executor.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
            List<String> followed = new ArrayList<>();
            for (String name : names) {
                followed.addAll(followedUris(served.get(name).snapshot().get().spec()));
            }
            if (!followed.isEmpty()) {
                LOG.info("Following {} in the registry every {} ms", followed, millis);
            }
        });
    }

    private static List<String> followedUris(ModelSpec spec) {
        List<String> uris = new ArrayList<>();
        for (Role role : Role.values()) {
            role.uri(spec).filter(ModelLoader::isMovable).ifPresent(uris::add);
        }
        return uris;
    }

    /**
     * Loads every model (stable, canary and shadow versions) and, when a poll interval is set, starts polling the
     * registry for the URIs that follow an alias, a stage or {@code latest}.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for no models or a name given twice; else, with the cause's
     *     error code, a message that names the model and the URI that failed to load (nothing stays loaded)
     */
    public static LiveModels start(List<ModelSpec> specs, LiveModelsOptions options) {
        requireNonNull(specs, "specs is null");
        requireNonNull(options, "options is null");
        if (specs.isEmpty()) {
            throw SlipwayException.invalidParameter("No model to serve; give at least one model URI");
        }
        Set<String> seen = new HashSet<>();
        for (ModelSpec spec : specs) {
            if (!seen.add(spec.name())) {
                throw SlipwayException.invalidParameter("Two served models are named '%s'; give each a distinct name",
                        spec.name());
            }
        }
        ModelLoader loader = new ModelLoader(new ModelResolver(options.trackingClient()), options.downloadRoot(),
                options.intraOpNumThreads());
        Map<String, Served> served = new LinkedHashMap<>();
        Map<ServedModel, Path> downloads = new IdentityHashMap<>();
        List<ServedModel> loaded = new ArrayList<>();
        try {
            for (ModelSpec spec : specs) {
                ServedModel stable = loadAtStart(loader, spec, Role.STABLE, spec.uri(), loaded, downloads);
                Optional<ServedModel> canary = spec.canary().map(
                        canarySpec -> loadAtStart(loader, spec, Role.CANARY, canarySpec.uri(), loaded, downloads));
                Optional<ServedModel> shadow = spec.shadowUri().map(
                        shadowUri -> loadAtStart(loader, spec, Role.SHADOW, shadowUri, loaded, downloads));
                served.put(spec.name(), new Served(spec.name(),
                        new AtomicReference<>(Snapshot.of(spec, stable, canary, shadow))));
            }
        } catch (RuntimeException e) {
            loaded.forEach(ServedModel::retire);
            downloads.values().forEach(ModelResolver::deleteDownload);
            throw e;
        }
        LiveModels models = new LiveModels(specs.stream().map(ModelSpec::name).toList(), served, loader, options,
                downloads);
        for (Served model : served.values()) {
            LOG.info("Serving model '{}': {}", model.name(), logLine(model.snapshot().get()));
        }
        models.startPolling();
        return models;
    }

    private static ServedModel loadAtStart(ModelLoader loader, ModelSpec spec, Role role, String uri,
            List<ServedModel> loaded, Map<ServedModel, Path> downloads) {
        try {
            ModelLoader.Loaded model = loader.load(spec.name(), loader.resolve(uri));
            loaded.add(model.model());
            model.download().ifPresent(folder -> downloads.put(model.model(), folder));
            return model.model();
        } catch (RuntimeException e) {
            ErrorCode code = e instanceof SlipwayException slipway ? slipway.errorCode() : ErrorCode.INTERNAL_ERROR;
            String which = role == Role.STABLE ? "" : " " + role.variant;
            throw new SlipwayException(code, "Cannot load%s model '%s' from %s: %s".formatted(which, spec.name(), uri,
                    e.getMessage()), e);
        }
    }

    @Override
    public List<String> modelNames() {
        return names;
    }

    @Override
    public Route route(String modelName, Optional<String> requestKey) {
        Served model = served(modelName);
        while (true) {
            if (closed) {
                throw shuttingDown(modelName);
            }
            Snapshot snapshot = model.snapshot().get();
            boolean toCanary = snapshot.canary().isPresent() && snapshot.split().toCanary(requestKey);
            Optional<Lease> primary = toCanary
                    ? Lease.acquire(snapshot.canary().get(), Lease.CANARY)
                    : Lease.acquire(snapshot.stable(), Lease.STABLE);
            if (primary.isEmpty()) {
                // A swap publishes the new snapshot before it retires the old version, so the next read sees it
                checkReplaced(model, snapshot);
                continue;
            }
            if (snapshot.shadow().isEmpty()) {
                return new Route(primary.get(), Optional.empty());
            }
            Optional<Lease> shadow = Lease.acquire(snapshot.shadow().get(), Lease.SHADOW);
            if (shadow.isPresent()) {
                return new Route(primary.get(), shadow);
            }
            primary.get().close();
            checkReplaced(model, snapshot);
        }
    }

    /** After a refused lease: the version must have been replaced, else it was retired from outside (no spinning). */
    private void checkReplaced(Served model, Snapshot snapshot) {
        if (model.snapshot().get() == snapshot && !closed) {
            throw new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "Model '" + model.name() + "' is not loaded: its version was retired");
        }
    }

    @Override
    public Optional<ServedModel> current(String modelName, Optional<String> version) {
        Served model = served.get(requireNonNull(modelName, "modelName is null"));
        if (model == null) {
            return Optional.empty();
        }
        Snapshot snapshot = model.snapshot().get();
        if (version.isEmpty()) {
            return Optional.of(snapshot.stable());
        }
        return snapshot.all().stream().filter(candidate -> candidate.version().equals(version.get())).findFirst();
    }

    /**
     * The model's version for one variant now: {@link Lease#STABLE}, {@link Lease#CANARY} or {@link Lease#SHADOW}.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the served models for an unknown name;
     *     INVALID_PARAMETER_VALUE for an unknown variant
     */
    public Optional<ServedModel> variant(String modelName, String variant) {
        Snapshot snapshot = served(modelName).snapshot().get();
        for (Role role : Role.values()) {
            if (role.variant.equals(variant)) {
                return snapshot.model(role);
            }
        }
        throw SlipwayException.invalidParameter("Unknown variant '%s'; expected stable, canary or shadow", variant);
    }

    /** The canary's share of the model's requests (0 when it has no canary). */
    public TrafficSplit split(String modelName) {
        return served(modelName).snapshot().get().split();
    }

    @Override
    public boolean ready() {
        return !closed;
    }

    /** Swaps done since start, by polls and by {@link #reconfigure} (each replaced variant of each model counts). */
    @Override
    public long swaps() {
        return swaps.get();
    }

    /**
     * Failed attempts to follow a moved URI since start (resolving it or loading the new version), and failed loads
     * of {@link #reconfigure}.
     */
    @Override
    public long swapFailures() {
        return swapFailures.get();
    }

    /** The most recent failed attempt, if any. */
    public Optional<SwapFailure> lastSwapFailure() {
        return lastSwapFailure.get();
    }

    /**
     * What every served name answers with now, in serving order.
     *
     * @return one description per served name, immutable
     */
    public List<ModelDescription> describe() {
        return names.stream().map(name -> describe(served.get(name).snapshot().get())).toList();
    }

    /**
     * What one served name answers with now.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the served models for an unknown name
     */
    public ModelDescription describe(String modelName) {
        return describe(served(modelName).snapshot().get());
    }

    /**
     * Makes a served name follow a new spec without a restart. Only the roles (stable, canary, shadow) whose URI
     * changed are loaded, with the same loader and download folders as a swap; the other versions keep serving as
     * they are (a role whose URI follows an alias keeps the version it follows now). Once everything is loaded, the
     * name's routing snapshot is switched atomically and the versions replaced or removed are retired: they take no
     * new requests and close once their in-flight requests are done. A change of only the canary's percent loads
     * nothing and switches the split. Afterwards the poller follows the new spec's aliases, stages and
     * {@code latest}. Each replaced version counts as a swap and is reported to the {@link SwapListener}.
     *
     * <p>If a URI cannot be resolved or loaded, nothing changes: the previous versions keep serving, the versions
     * loaded for this call are retired and their downloads deleted, and the failure is counted
     * ({@link #swapFailures()}, {@link #lastSwapFailure()}) and reported to the {@link SwapListener}. Blocks while a
     * poll or another reconfiguration runs, and while loading; {@link #route} never waits for it.
     *
     * @param spec the new spec; its name must be served already
     * @return what the name answers with once the new spec serves
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the served models for an unknown name;
     *     INVALID_PARAMETER_VALUE for a malformed URI; TEMPORARILY_UNAVAILABLE once closed; else, with the cause's
     *     error code, a message that names the model and the URI that failed to load
     */
    public ModelDescription reconfigure(ModelSpec spec) {
        requireNonNull(spec, "spec is null");
        Served model = served(spec.name());
        for (Role role : Role.values()) {
            // a malformed URI is the caller's mistake, not a failed load: refuse it before loading anything
            role.uri(spec).ifPresent(ModelUri::parse);
        }
        synchronized (this) {
            if (closed) {
                throw shuttingDown(model.name());
            }
            Snapshot current = model.snapshot().get();
            List<ModelLoader.Loaded> loaded = new ArrayList<>();
            Map<Role, ServedModel> next = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                Optional<String> uri = role.uri(spec);
                if (uri.isEmpty()) {
                    continue;
                }
                if (uri.equals(role.uri(current.spec()))) {
                    next.put(role, current.model(role).orElseThrow());
                } else {
                    ModelLoader.Loaded load = loadReplacement(current, role, uri.get(), loaded);
                    loaded.add(load);
                    next.put(role, load.model());
                }
            }
            if (closed) {
                discard(loaded);
                throw shuttingDown(model.name());
            }
            for (ModelLoader.Loaded load : loaded) {
                load.download().ifPresent(folder -> downloads.put(load.model(), folder));
            }
            Snapshot updated = Snapshot.of(spec, next.get(Role.STABLE), Optional.ofNullable(next.get(Role.CANARY)),
                    Optional.ofNullable(next.get(Role.SHADOW)));
            model.snapshot().set(updated);
            LOG.info("Reconfigured model '{}': {}", model.name(), logLine(updated));
            // retired only after the new snapshot is published, so a route refused by one of them routes again
            for (Role role : Role.values()) {
                Optional<ServedModel> previous = current.model(role);
                Optional<ServedModel> replacement = updated.model(role);
                if (previous.isEmpty() || replacement.equals(previous)) {
                    continue;
                }
                previous.get().retire();
                LOG.info("Model '{}' {}: version {} from {} {}; it drains and closes", model.name(), role.variant,
                        previous.get().version(), previous.get().uri(), replacement.isPresent() ? "replaced"
                                : "removed");
                if (replacement.isPresent()) {
                    swaps.incrementAndGet();
                    notifySwap(model.name(), role, previous.get(), replacement.get());
                }
            }
            deleteDrainedDownloads();
            return describe(updated);
        }
    }

    /** Resolves and loads one role's new URI; on failure discards what this reconfiguration loaded and reports. */
    private ModelLoader.Loaded loadReplacement(Snapshot current, Role role, String uri,
            List<ModelLoader.Loaded> loaded) {
        String name = current.spec().name();
        Optional<String> version = Optional.empty();
        try {
            ModelResolver.ResolvedModel resolved = loader.resolve(uri);
            version = Optional.of(ModelLoader.versionLabel(resolved));
            return loader.load(name, resolved);
        } catch (RuntimeException e) {
            discard(loaded);
            ErrorCode code = e instanceof SlipwayException slipway ? slipway.errorCode() : ErrorCode.INTERNAL_ERROR;
            String which = role == Role.STABLE ? "" : " " + role.variant;
            String message = "Cannot load%s model '%s' from %s: %s; nothing changed, '%s' keeps serving %s".formatted(
                    which, name, uri, e.getMessage(), name, logLine(current));
            reportFailure(name, role, uri, version, message, e);
            throw new SlipwayException(code, message, e);
        }
    }

    /** Retires versions that were loaded but never served and deletes their downloads. */
    private static void discard(List<ModelLoader.Loaded> loaded) {
        for (ModelLoader.Loaded load : loaded) {
            load.model().retire();
            load.download().ifPresent(ModelResolver::deleteDownload);
        }
    }

    private static SlipwayException shuttingDown(String modelName) {
        return new SlipwayException(ErrorCode.TEMPORARILY_UNAVAILABLE,
                "Model '" + modelName + "' is not being served: the server is shutting down");
    }

    private static ModelDescription describe(Snapshot snapshot) {
        ModelSpec spec = snapshot.spec();
        return new ModelDescription(spec.name(), spec.uri(), snapshot.stable().version(),
                snapshot.canary().map(canary -> new ModelDescription.Canary(spec.canary().orElseThrow().uri(),
                        canary.version(), snapshot.split().percent())),
                snapshot.shadow().map(shadow -> new ModelDescription.Shadow(spec.shadowUri().orElseThrow(),
                        shadow.version())));
    }

    /**
     * Resolves every URI that follows an alias, a stage or {@code latest} now and swaps in the versions that moved.
     * The background poller calls this at every interval; tests and operators may call it directly. Failures are
     * reported, never thrown.
     *
     * @return how many swaps were made
     */
    public synchronized int refresh() {
        int swapped = 0;
        for (String name : names) {
            Served model = served.get(name);
            for (Role role : Role.values()) {
                if (closed) {
                    return swapped;
                }
                Optional<String> uri = role.uri(model.snapshot().get().spec());
                if (uri.isPresent() && ModelLoader.isMovable(uri.get()) && follow(model, role, uri.get())) {
                    swapped++;
                }
            }
        }
        deleteDrainedDownloads();
        return swapped;
    }

    /** Resolves one followed URI and swaps if it moved; true if it swapped. */
    private boolean follow(Served model, Role role, String uri) {
        String name = model.name();
        ServedModel previous = model.snapshot().get().model(role).orElseThrow();
        ModelResolver.ResolvedModel resolved;
        try {
            resolved = loader.resolve(uri);
        } catch (RuntimeException e) {
            reportFailure(name, role, uri, Optional.empty(), "Cannot resolve " + uri + ": " + e.getMessage(), e);
            return false;
        }
        String version = ModelLoader.versionLabel(resolved);
        if (version.equals(previous.version())) {
            return false;
        }
        ModelLoader.Loaded loaded;
        try {
            loaded = loader.load(name, resolved);
        } catch (RuntimeException e) {
            reportFailure(name, role, uri, Optional.of(version), "Cannot load version " + version + " of " + uri
                    + "; version " + previous.version() + " keeps serving: " + e.getMessage(), e);
            return false;
        }
        ServedModel next = loaded.model();
        if (closed) {
            next.retire();
            loaded.download().ifPresent(ModelResolver::deleteDownload);
            return false;
        }
        loaded.download().ifPresent(folder -> downloads.put(next, folder));
        model.snapshot().updateAndGet(snapshot -> snapshot.with(role, next));
        previous.retire();
        swaps.incrementAndGet();
        LOG.info("Model '{}' {}: {} moved from version {} to {}; version {} drains and closes", name, role.variant,
                uri, previous.version(), next.version(), previous.version());
        notifySwap(name, role, previous, next);
        return true;
    }

    private void notifySwap(String name, Role role, ServedModel previous, ServedModel next) {
        try {
            options.listener().onSwap(name, role.variant, previous, next);
        } catch (RuntimeException e) {
            LOG.warn("A swap listener failed", e);
        }
    }

    private void reportFailure(String name, Role role, String uri, Optional<String> version, String message,
            RuntimeException cause) {
        SwapFailure failure = new SwapFailure(name, role.variant, uri, version, message, options.clock().instant());
        swapFailures.incrementAndGet();
        lastSwapFailure.set(Optional.of(failure));
        if (cause instanceof SlipwayException) {
            LOG.warn("Model '{}' {}: {}", name, role.variant, message);
        } else {
            LOG.warn("Model '{}' {}: {}", name, role.variant, message, cause);
        }
        try {
            options.listener().onSwapFailure(failure);
        } catch (RuntimeException e) {
            LOG.warn("A swap listener failed", e);
        }
    }

    private void deleteDrainedDownloads() {
        Iterator<Map.Entry<ServedModel, Path>> entries = downloads.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<ServedModel, Path> entry = entries.next();
            if (entry.getKey().isRetired() && entry.getKey().leases() == 0) {
                ModelResolver.deleteDownload(entry.getValue());
                entries.remove();
            }
        }
    }

    private void pollQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("Polling the model registry failed", e);
        }
    }

    private Served served(String modelName) {
        Served model = served.get(requireNonNull(modelName, "modelName is null"));
        if (model == null) {
            throw SlipwayException.notFound("Model '%s' is not served here; served models: %s", modelName,
                    String.join(", ", names));
        }
        return model;
    }

    /** The versions a snapshot serves, for logs and messages. */
    private static String logLine(Snapshot snapshot) {
        return label(snapshot.stable())
                + snapshot.canary().map(canary -> ", canary " + label(canary) + " for " + snapshot.split().percent()
                        + "% of requests").orElse("")
                + snapshot.shadow().map(shadow -> ", shadow " + label(shadow)).orElse("");
    }

    private static String label(ServedModel model) {
        return "version " + model.version() + " from " + model.uri();
    }

    /**
     * Stops polling and retires every served version; sessions close as soon as their in-flight requests are done.
     * Download folders of versions that are already drained are deleted.
     */
    @Override
    public void close() {
        closed = true;
        poller.ifPresent(executor -> {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        synchronized (this) {
            for (Served model : served.values()) {
                model.snapshot().get().all().forEach(ServedModel::retire);
            }
            deleteDrainedDownloads();
        }
    }
}
