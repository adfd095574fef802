package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What one authenticated user may do, as of one request: the user's explicit permissions on experiments and
 * registered models (read from the store on first use, then kept for the request), the default permission where the
 * user has none, and whether the user is an administrator, who may do everything. {@link #unrestricted()} is the
 * access of a server without authentication. Thread-safe.
 */
public final class Access {
    private final Optional<User> user;
    private final boolean admin;
    private final Permission defaultPermission;
    private final Memo<Map<String, Permission>> experiments;
    private final Memo<Map<String, Permission>> registeredModels;

    private Access(Optional<User> user, boolean admin, Permission defaultPermission,
            Supplier<Map<String, Permission>> experiments, Supplier<Map<String, Permission>> registeredModels) {
        this.user = requireNonNull(user, "user is null");
        this.admin = admin;
        this.defaultPermission = requireNonNull(defaultPermission, "defaultPermission is null");
        this.experiments = new Memo<>(requireNonNull(experiments, "experiments is null"));
        this.registeredModels = new Memo<>(requireNonNull(registeredModels, "registeredModels is null"));
    }

    /** Everything allowed, for nobody in particular: the server runs without authentication. */
    public static Access unrestricted() {
        return new Access(Optional.empty(), true, Permission.MANAGE, Map::of, Map::of);
    }

    /**
     * The access of a user.
     *
     * @param admin whether the user acts as an administrator (stored flag, or an identity provider's group)
     * @param experiments the user's explicit permissions by experiment id, read when first needed
     * @param registeredModels the user's explicit permissions by model name, read when first needed
     */
    public static Access of(User user, boolean admin, Permission defaultPermission,
            Supplier<Map<String, Permission>> experiments, Supplier<Map<String, Permission>> registeredModels) {
        return new Access(Optional.of(requireNonNull(user, "user is null")), admin, defaultPermission, experiments,
                registeredModels);
    }

    /** The user, absent when the server runs without authentication. */
    public Optional<User> user() {
        return user;
    }

    /** Whether every check passes: an administrator, or no authentication at all. */
    public boolean isAdmin() {
        return admin;
    }

    /** The user's permission on the experiment: MANAGE for an administrator, else the explicit one or the default. */
    public Permission experiment(String experimentId) {
        requireNonNull(experimentId, "experimentId is null");
        return admin ? Permission.MANAGE : experiments.get().getOrDefault(experimentId, defaultPermission);
    }

    /** The user's permission on the registered model, as {@link #experiment} does it. */
    public Permission registeredModel(String name) {
        requireNonNull(name, "name is null");
        return admin ? Permission.MANAGE : registeredModels.get().getOrDefault(name, defaultPermission);
    }

    public boolean canReadExperiment(String experimentId) {
        return experiment(experimentId).canRead();
    }

    public boolean canReadRegisteredModel(String name) {
        return registeredModel(name).canRead();
    }

    /** Whether the user can read every experiment, so that searches need no filtering. */
    public boolean readsEveryExperiment() {
        return admin || defaultPermission.canRead() && experiments.get().values().stream().allMatch(Permission::canRead);
    }

    /** Whether the user can read every registered model, so that searches need no filtering. */
    public boolean readsEveryRegisteredModel() {
        return admin || defaultPermission.canRead()
                && registeredModels.get().values().stream().allMatch(Permission::canRead);
    }

    @Override
    public String toString() {
        return "Access[user=" + user.map(User::username).orElse("<none>") + ", admin=" + admin + "]";
    }

    private static final class Memo<T> {
        private final Supplier<T> supplier;
        private T value;

        Memo(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            if (value == null) {
                value = requireNonNull(supplier.get(), "supplied value is null");
            }
            return value;
        }
    }
}
