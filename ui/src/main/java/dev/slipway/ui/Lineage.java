package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.Access;
import dev.slipway.core.gitops.DeploymentService;
import dev.slipway.core.gitops.DeploymentStatus;
import dev.slipway.core.monitors.MonitorService;
import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Experiment;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.ViewType;
import dev.slipway.monitoring.MonitorDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Data lineage as {@code slipway data lineage} finds it, read through the services in process: a dataset version is
 * a dataset input's digest; runs that trained on it log the same digest (found with {@code datasets.digest}); model
 * versions name the run they were registered from ({@code run_id}); a version is served through the aliases that
 * point at it, watched by the monitors whose model URI resolves to it and deployed where a GitOps agent reports it as
 * a deployment's model or canary. The {@code slipway-datasets} experiment,
 * which holds one run per recorded dataset version, is not a user of the data and is searched separately.
 */
final class Lineage {
    /** The experiment {@code slipway data log-version} records dataset versions in (as the CLI names it). */
    static final String DATASETS_EXPERIMENT = "slipway-datasets";
    static final int MAX_RUNS = 500;
    private static final int RUN_IDS_PER_QUERY = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MODEL_VERSION_URI = Pattern.compile("models:/([^/@]+)/([0-9]{1,18})");

    private final UiServices services;
    private final Access access;

    /** The lineage of everything, for what spans models and environments (monitors, deployments). */
    Lineage(UiServices services) {
        this(services, Access.unrestricted());
    }

    /** The lineage a user may see: runs of experiments and versions of registered models the user can read. */
    Lineage(UiServices services, Access access) {
        this.services = requireNonNull(services, "services is null");
        this.access = requireNonNull(access, "access is null");
    }

    /** A monitor with its definition, when the definition can be read. */
    record Monitor(StoredMonitor stored, Optional<MonitorDefinition> definition) {
        Monitor {
            requireNonNull(stored, "stored is null");
            requireNonNull(definition, "definition is null");
        }

        String model() {
            return definition.map(MonitorDefinition::model).orElse("?");
        }
    }

    /** The server's monitor service, absent when its prediction log has no monitor store. */
    Optional<MonitorService> monitorService() {
        return services.predictionLog().monitorStore().map(store -> new MonitorService(store, services.clock()));
    }

    /** Every monitor, by name; empty without a monitor store. */
    List<Monitor> monitors() {
        return monitorService().map(service -> service.listMonitors().stream().map(Lineage::monitor).toList())
                .orElse(List.of());
    }

    static Monitor monitor(StoredMonitor stored) {
        try {
            return new Monitor(stored, Optional.of(MonitorDefinition.fromJson(JSON.readTree(stored.definitionJson()))));
        } catch (Exception e) {
            // a definition this version cannot read is still listed, with its JSON as it is
            return new Monitor(stored, Optional.empty());
        }
    }

    /** The server's deployment service, absent when its prediction log has no deployment store. */
    Optional<DeploymentService> deploymentService() {
        return services.predictionLog().deploymentStore().map(store -> new DeploymentService(store, services.clock()));
    }

    /**
     * The statuses of the deployments of the registered model (as the model Git asks for or as the canary), by env
     * then name; empty without a deployment store.
     */
    List<DeploymentStatus> deployments(String modelName) {
        if (modelName.length() > DeploymentStatus.MAX_MODEL_NAME_LENGTH) {
            return List.of(); // no deployment can name it
        }
        return deploymentService().map(service -> service.listStatuses(Optional.empty(), Optional.of(modelName)))
                .orElse(List.of());
    }

    /** A model version named by a URI {@code models:/<name>/<version>}. */
    record ModelVersionRef(String name, long version) {
        ModelVersionRef {
            requireNonNull(name, "name is null");
        }

        /** The version the URI names, absent for any other URI (an alias, {@code latest}, a path). */
        static Optional<ModelVersionRef> parse(String uri) {
            Matcher matcher = MODEL_VERSION_URI.matcher(uri);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            return Optional.of(new ModelVersionRef(matcher.group(1), Long.parseLong(matcher.group(2))));
        }

        boolean is(String modelName, long modelVersion) {
            return name.equals(modelName) && version == modelVersion;
        }
    }

    /** How a deployment serves a model version. */
    enum Role {
        /** Git asks for the version and it serves (or the agent did not say what serves). */
        STABLE,
        /** Git asks for the version, but another model still serves: a rollout or drift. */
        PENDING,
        /** The version is the candidate of a canary in progress. */
        CANARY,
        /** The version still serves, but Git asks for another model. */
        LIVE
    }

    /** A deployment that serves a model version, and how. */
    record Placement(DeploymentStatus status, Role role) {
        Placement {
            requireNonNull(status, "status is null");
            requireNonNull(role, "role is null");
        }
    }

    /** The deployments among {@code statuses} that serve the version, each with its role, in the order given. */
    static List<Placement> placements(List<DeploymentStatus> statuses, String modelName, long version) {
        List<Placement> placements = new ArrayList<>();
        for (DeploymentStatus status : statuses) {
            Optional<ModelVersionRef> live = status.liveModel().flatMap(ModelVersionRef::parse);
            boolean desired = status.modelName().equals(modelName) && status.modelVersion() == version;
            if (desired) {
                boolean otherLive = live.isPresent() && !live.get().is(modelName, version);
                placements.add(new Placement(status, otherLive ? Role.PENDING : Role.STABLE));
            } else if (live.isPresent() && live.get().is(modelName, version)) {
                placements.add(new Placement(status, Role.LIVE));
            }
            if (status.canaryModelName().filter(modelName::equals).isPresent()
                    && status.canaryModelVersion().filter(canary -> canary == version).isPresent()) {
                placements.add(new Placement(status, Role.CANARY));
            }
        }
        return placements;
    }

    /** The ids of the active experiments, without (or only, with {@code datasets}) the datasets experiment. */
    List<String> experimentIds(boolean datasets) {
        List<Experiment> experiments = all(token -> services.tracking().searchExperiments(ViewType.ACTIVE_ONLY,
                Optional.empty(), List.of(), Optional.of(1000), token));
        return experiments.stream().filter(experiment -> experiment.name().equals(DATASETS_EXPERIMENT) == datasets)
                .map(Experiment::experimentId).filter(access::canReadExperiment).toList();
    }

    /** Runs outside the datasets experiment matching the filter, newest first, at most {@value #MAX_RUNS}. */
    List<Run> runs(String filter) {
        return runs(experimentIds(false), Optional.of(filter));
    }

    /** Every run of the datasets experiment: each recorded one dataset version. */
    List<Run> recordedVersions() {
        return runs(experimentIds(true), Optional.empty());
    }

    /** Runs of the datasets experiment that recorded a dataset version matching the filter. */
    List<Run> recordedVersions(String filter) {
        return runs(experimentIds(true), Optional.of(filter));
    }

    private List<Run> runs(List<String> experimentIds, Optional<String> filter) {
        if (experimentIds.isEmpty()) {
            return List.of();
        }
        return services.tracking().searchRuns(experimentIds, filter, ViewType.ACTIVE_ONLY,
                Optional.of(MAX_RUNS), List.of("attributes.start_time DESC"), Optional.empty()).items();
    }

    /** The model versions registered from each of the runs, by run id. */
    Map<String, List<ModelVersion>> versionsByRun(List<String> runIds) {
        Map<String, List<ModelVersion>> byRun = new LinkedHashMap<>();
        List<String> distinct = runIds.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += RUN_IDS_PER_QUERY) {
            List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + RUN_IDS_PER_QUERY));
            String filter = "run_id IN (" + chunk.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "))
                    + ")";
            for (ModelVersion version : all(token -> services.registry().searchModelVersions(Optional.of(filter),
                    Optional.empty(), List.of("version_number ASC"), token))) {
                if (access.canReadRegisteredModel(version.name())) {
                    version.runId().ifPresent(runId -> byRun.computeIfAbsent(runId, key -> new ArrayList<>())
                            .add(version));
                }
            }
        }
        return byRun;
    }

    /** The aliases of the model that point at the version. */
    static List<String> aliasesOf(RegisteredModel model, long version) {
        return model.aliases().stream().filter(alias -> alias.version() == version).map(ModelAlias::alias).toList();
    }

    /**
     * The monitors that watch the version: their model URI names it by number, by an alias pointing at it, or as
     * {@code latest} when it is the model's newest version.
     */
    static List<Monitor> watching(List<Monitor> monitors, RegisteredModel model, long version, long latestVersion) {
        List<Monitor> watching = new ArrayList<>();
        for (Monitor monitor : monitors) {
            if (monitor.definition().isEmpty() || !monitor.definition().get().modelName().equals(model.name())) {
                continue;
            }
            MonitorDefinition definition = monitor.definition().get();
            Optional<String> alias = definition.modelAlias();
            boolean watches;
            if (alias.isPresent()) {
                watches = aliasesOf(model, version).contains(alias.get());
            } else {
                String suffix = definition.model().substring(definition.model().lastIndexOf('/') + 1);
                watches = suffix.equals("latest") ? version == latestVersion : suffix.equals(Long.toString(version));
            }
            if (watches) {
                watching.add(monitor);
            }
        }
        return watching;
    }

    /** The newest version number of the model, 0 when it has none. */
    long latestVersion(String modelName) {
        return services.registry().searchModelVersions(Optional.of("name = '" + quote(modelName) + "'"),
                Optional.of(1L), List.of("version_number DESC"), Optional.empty()).items().stream()
                .mapToLong(ModelVersion::version).findFirst().orElse(0);
    }

    /** The registered model, absent when it was deleted since. */
    Optional<RegisteredModel> model(String name) {
        try {
            return Optional.of(services.registry().getRegisteredModel(name));
        } catch (SlipwayException e) {
            return Optional.empty();
        }
    }

    /** A value for a single-quoted string of a search filter. */
    static String quote(String value) {
        return value.replace("'", "''");
    }

    static <T> List<T> all(Function<Optional<String>, Page<T>> fetchPage) {
        List<T> items = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            Page<T> page = fetchPage.apply(token);
            items.addAll(page.items());
            token = page.nextPageToken().filter(value -> !value.isEmpty());
        } while (token.isPresent() && items.size() < 100_000);
        return items;
    }
}
