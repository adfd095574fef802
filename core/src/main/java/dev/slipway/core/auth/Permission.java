package dev.slipway.core.auth;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A user's permission on one experiment or one registered model, as MLflow's basic-auth plugin defines them: what
 * each one allows is {@link #canRead()}, {@link #canUpdate()}, {@link #canDelete()} and {@link #canManage()}.
 */
public enum Permission {
    /** Read only. */
    READ(true, false, false, false),
    /** Read and update (log to runs, set tags, new model versions), not delete. */
    EDIT(true, true, false, false),
    /** Everything, including deleting and granting permissions to other users. */
    MANAGE(true, true, true, true),
    /** Nothing: the resource is invisible to the user. */
    NO_PERMISSIONS(false, false, false, false);

    private final boolean canRead;
    private final boolean canUpdate;
    private final boolean canDelete;
    private final boolean canManage;

    Permission(boolean canRead, boolean canUpdate, boolean canDelete, boolean canManage) {
        this.canRead = canRead;
        this.canUpdate = canUpdate;
        this.canDelete = canDelete;
        this.canManage = canManage;
    }

    public boolean canRead() {
        return canRead;
    }

    public boolean canUpdate() {
        return canUpdate;
    }

    public boolean canDelete() {
        return canDelete;
    }

    public boolean canManage() {
        return canManage;
    }

    /** Whether this permission allows what the capability names. */
    public boolean allows(Capability capability) {
        return switch (capability) {
            case READ -> canRead;
            case UPDATE -> canUpdate;
            case DELETE -> canDelete;
            case MANAGE -> canManage;
        };
    }

    /**
     * The permission named, in any case.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the valid values
     */
    public static Permission parse(String name) {
        for (Permission permission : values()) {
            if (permission.name().equalsIgnoreCase(name.trim())) {
                return permission;
            }
        }
        throw SlipwayException.invalidParameter("Invalid permission '%s'. Valid permissions are: %s", name,
                Arrays.stream(values()).map(Permission::name).collect(Collectors.joining(", ")));
    }

    /** What an operation needs: MLflow's {@code can_read}, {@code can_update}, {@code can_delete}, {@code can_manage}. */
    public enum Capability {
        READ, UPDATE, DELETE, MANAGE;

        /** MLflow's name of the capability, such as {@code can_update}. */
        public String wireName() {
            return "can_" + name().toLowerCase(Locale.ROOT);
        }
    }
}
