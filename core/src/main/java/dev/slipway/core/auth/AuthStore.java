package dev.slipway.core.auth;

import java.util.List;
import java.util.Optional;

/**
 * The persistence port of users, their password hashes, personal access tokens (stored only as a hash of the
 * secret) and their permissions on experiments and registered models. {@link AuthService} validates every argument
 * before it gets here.
 *
 * <p>Implementations are thread-safe and safe with several processes on one database. A method that returns normally
 * has made its change durable. Failures are {@link dev.slipway.core.SlipwayException}s: RESOURCE_ALREADY_EXISTS and
 * RESOURCE_DOES_NOT_EXIST as documented, INTERNAL_ERROR or TEMPORARILY_UNAVAILABLE when the database fails.
 */
public interface AuthStore extends AutoCloseable {

    // ---- users ---------------------------------------------------------------------------------

    /**
     * Creates the user with the next free id.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_ALREADY_EXISTS if the username is taken
     */
    User createUser(String username, String passwordHash, boolean admin, long creationTime);

    /** The user with the password hash, when the username exists. */
    Optional<StoredUser> user(String username);

    /** Every user, by username. */
    List<User> users();

    /** Whether at least one administrator exists. */
    boolean hasAdmin();

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user */
    void updatePassword(String username, String passwordHash);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user */
    void updateAdmin(String username, boolean admin);

    /**
     * Deletes the user with the user's permissions and tokens.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user
     */
    void deleteUser(String username);

    // ---- experiment permissions ----------------------------------------------------------------

    /**
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user, RESOURCE_ALREADY_EXISTS
     *     if the user already has a permission on the experiment
     */
    ExperimentPermission createExperimentPermission(String experimentId, String username, Permission permission);

    /** Gives the user the permission on the experiment, replacing one the user had. */
    ExperimentPermission setExperimentPermission(String experimentId, String username, Permission permission);

    Optional<ExperimentPermission> experimentPermission(String experimentId, String username);

    /** The permissions of the user, by experiment id. */
    List<ExperimentPermission> experimentPermissionsOfUser(String username);

    /** The permissions given on the experiment, by username. */
    List<ExperimentPermission> experimentPermissions(String experimentId);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the user has none on the experiment */
    ExperimentPermission updateExperimentPermission(String experimentId, String username, Permission permission);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the user has none on the experiment */
    void deleteExperimentPermission(String experimentId, String username);

    /** Deletes every permission on the experiment (its id is about to be used anew, or it is gone for good). */
    void deleteExperimentPermissions(String experimentId);

    // ---- registered model permissions ----------------------------------------------------------

    /**
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user, RESOURCE_ALREADY_EXISTS
     *     if the user already has a permission on the model
     */
    RegisteredModelPermission createRegisteredModelPermission(String name, String username, Permission permission);

    /** Gives the user the permission on the model, replacing one the user had. */
    RegisteredModelPermission setRegisteredModelPermission(String name, String username, Permission permission);

    Optional<RegisteredModelPermission> registeredModelPermission(String name, String username);

    /** The permissions of the user, by model name. */
    List<RegisteredModelPermission> registeredModelPermissionsOfUser(String username);

    /** The permissions given on the model, by username. */
    List<RegisteredModelPermission> registeredModelPermissions(String name);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the user has none on the model */
    RegisteredModelPermission updateRegisteredModelPermission(String name, String username, Permission permission);

    /** @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the user has none on the model */
    void deleteRegisteredModelPermission(String name, String username);

    /** Moves every permission on the model {@code name} to {@code newName} (the model was renamed). */
    void renameRegisteredModelPermissions(String name, String newName);

    /** Deletes every permission on the model (it was deleted). */
    void deleteRegisteredModelPermissions(String name);

    // ---- access tokens -------------------------------------------------------------------------

    /**
     * Stores the token with the hash of its secret.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user
     */
    void createToken(AccessToken token, String secretHash);

    /** The token whose secret has this hash. */
    Optional<AccessToken> tokenBySecretHash(String secretHash);

    /** The tokens of the user, oldest first. */
    List<AccessToken> tokens(String username);

    /** Deletes the user's token; false when the user has no token with that id. */
    boolean deleteToken(String username, String tokenId);

    // ---- failed logins ---------------------------------------------------------------------------

    /**
     * Records a failed login of {@code key} at {@code time} (epoch ms), for every server sharing the store to count,
     * and forgets the failures recorded before {@code forgetBefore}.
     */
    void recordLoginFailure(String key, long time, long forgetBefore);

    /**
     * The times of the latest failed logins of {@code key} at or after {@code since}: newest first, at most
     * {@code limit}.
     */
    List<Long> loginFailures(String key, long since, int limit);

    /** Closes the connections. */
    @Override
    void close();
}
