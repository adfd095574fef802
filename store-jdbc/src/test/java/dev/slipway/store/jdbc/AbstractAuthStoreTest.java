package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.AccessToken;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.ExperimentPermission;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.RegisteredModelPermission;
import dev.slipway.core.auth.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link AuthStore} over JDBC. Subclasses supply the database; two stores are opened on it, as two
 * server replicas would. Tests keep apart by user and resource names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractAuthStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long T0 = 1_767_225_600_000L;

    private AuthStore store;
    /** A second store on the same database, as another process would hold. */
    private AuthStore otherStore;

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openStores() {
        connectToServer();
        String uri = emptyDatabaseUri();
        store = new JdbcAuthStoreFactory().open(uri);
        otherStore = new JdbcAuthStoreFactory().open(uri);
    }

    @AfterAll
    void closeStores() {
        try {
            if (otherStore != null) {
                otherStore.close();
            }
            if (store != null) {
                store.close();
            }
        } finally {
            removeDatabases();
        }
    }

    private static String newName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-é😀";
    }

    @Test
    void createdUserIsReadBackWithItsPasswordHashFromAnotherStore() {
        String username = newName("alice");
        User created = store.createUser(username, "$2a$12$hash", false, T0);

        assertThat(created.username()).isEqualTo(username);
        assertThat(created.admin()).isFalse();
        assertThat(otherStore.user(username)).hasValueSatisfying(stored -> {
            assertThat(stored.user()).isEqualTo(created);
            assertThat(stored.passwordHash()).isEqualTo("$2a$12$hash");
            assertThat(stored.toString()).doesNotContain("$2a$12$hash");
        });
        assertThat(store.users()).contains(created);
    }

    @Test
    void usernamesAreUniqueAndCaseSensitive() {
        String username = newName("bob");
        store.createUser(username, "h1", false, T0);

        assertThatThrownBy(() -> otherStore.createUser(username, "h2", true, T0))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
                .hasMessageContaining(username);
        User upper = store.createUser(username.toUpperCase(java.util.Locale.ROOT), "h3", false, T0);
        assertThat(store.user(username).orElseThrow().passwordHash()).isEqualTo("h1");
        assertThat(store.user(upper.username()).orElseThrow().passwordHash()).isEqualTo("h3");
    }

    @Test
    void concurrentCreationsGetDistinctIds() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<User>> futures = new ArrayList<>();
            for (int index = 0; index < 12; index++) {
                AuthStore target = index % 2 == 0 ? store : otherStore;
                String username = newName("concurrent");
                futures.add(executor.submit(() -> target.createUser(username, "h", false, T0)));
            }
            Set<Long> ids = new HashSet<>();
            for (Future<User> future : futures) {
                ids.add(future.get().id());
            }
            assertThat(ids).hasSize(12);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void passwordAndAdminFlagCanBeChanged() {
        String username = newName("carol");
        store.createUser(username, "old", false, T0);

        otherStore.updatePassword(username, "new");
        otherStore.updateAdmin(username, true);

        assertThat(store.user(username).orElseThrow().passwordHash()).isEqualTo("new");
        assertThat(store.user(username).orElseThrow().user().admin()).isTrue();
        assertThat(store.hasAdmin()).isTrue();
    }

    @Test
    void changingAnUnknownUserIsNotFound() {
        String missing = newName("nobody");
        assertThatThrownBy(() -> store.updatePassword(missing, "h")).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> store.updateAdmin(missing, true)).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> store.deleteUser(missing)).isInstanceOfSatisfying(SlipwayException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThat(store.user(missing)).isEmpty();
    }

    @Test
    void deletingAUserDeletesItsPermissionsAndTokens() {
        String username = newName("dave");
        String experimentId = String.valueOf(NAMES.incrementAndGet());
        String model = newName("model");
        store.createUser(username, "h", false, T0);
        store.createExperimentPermission(experimentId, username, Permission.EDIT);
        store.createRegisteredModelPermission(model, username, Permission.READ);
        store.createToken(new AccessToken(newName("token"), username, "ci", T0, Optional.empty()), hash("dave"));

        otherStore.deleteUser(username);

        assertThat(store.user(username)).isEmpty();
        assertThat(store.experimentPermissions(experimentId)).isEmpty();
        assertThat(store.registeredModelPermissions(model)).isEmpty();
        assertThat(store.tokenBySecretHash(hash("dave"))).isEmpty();
        // the name can be used again, and the new user starts without the old one's permissions
        store.createUser(username, "h", false, T0);
        assertThat(store.experimentPermissionsOfUser(username)).isEmpty();
    }

    @Test
    void experimentPermissionsFollowMlflowsCreateGetUpdateDelete() {
        String username = newName("erin");
        String experimentId = String.valueOf(NAMES.incrementAndGet());
        User user = store.createUser(username, "h", false, T0);

        ExperimentPermission created = store.createExperimentPermission(experimentId, username, Permission.READ);
        assertThat(created).isEqualTo(new ExperimentPermission(experimentId, user.id(), username, Permission.READ));
        assertThatThrownBy(() -> otherStore.createExperimentPermission(experimentId, username, Permission.EDIT))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        assertThat(otherStore.experimentPermission(experimentId, username)).contains(created);

        otherStore.updateExperimentPermission(experimentId, username, Permission.MANAGE);
        assertThat(store.experimentPermission(experimentId, username).orElseThrow().permission())
                .isEqualTo(Permission.MANAGE);
        assertThat(store.experimentPermissionsOfUser(username)).extracting(ExperimentPermission::permission)
                .containsExactly(Permission.MANAGE);

        store.deleteExperimentPermission(experimentId, username);
        assertThat(otherStore.experimentPermission(experimentId, username)).isEmpty();
        assertThatThrownBy(() -> store.deleteExperimentPermission(experimentId, username))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> store.updateExperimentPermission(experimentId, username, Permission.READ))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void permissionsOfAnUnknownUserAreNotFound() {
        assertThatThrownBy(() -> store.createExperimentPermission("1", newName("ghost"), Permission.READ))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
        assertThatThrownBy(() -> store.setRegisteredModelPermission("m", newName("ghost"), Permission.READ))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void setPermissionCreatesOrReplaces() {
        String username = newName("frank");
        String experimentId = String.valueOf(NAMES.incrementAndGet());
        String model = newName("model");
        store.createUser(username, "h", false, T0);

        store.setExperimentPermission(experimentId, username, Permission.READ);
        otherStore.setExperimentPermission(experimentId, username, Permission.NO_PERMISSIONS);
        store.setRegisteredModelPermission(model, username, Permission.EDIT);
        otherStore.setRegisteredModelPermission(model, username, Permission.MANAGE);

        assertThat(store.experimentPermission(experimentId, username).orElseThrow().permission())
                .isEqualTo(Permission.NO_PERMISSIONS);
        assertThat(store.registeredModelPermission(model, username).orElseThrow().permission())
                .isEqualTo(Permission.MANAGE);
    }

    @Test
    void permissionsOfOneResourceAreListedByUsername() {
        String experimentId = String.valueOf(NAMES.incrementAndGet());
        String second = newName("zed");
        String first = newName("amy");
        store.createUser(second, "h", false, T0);
        store.createUser(first, "h", false, T0);
        store.createExperimentPermission(experimentId, second, Permission.READ);
        store.createExperimentPermission(experimentId, first, Permission.MANAGE);
        store.createExperimentPermission(experimentId + "0", first, Permission.EDIT);

        assertThat(otherStore.experimentPermissions(experimentId)).extracting(ExperimentPermission::username)
                .containsExactly(first, second);

        otherStore.deleteExperimentPermissions(experimentId);
        assertThat(store.experimentPermissions(experimentId)).isEmpty();
        assertThat(store.experimentPermissions(experimentId + "0")).hasSize(1);
    }

    @Test
    void registeredModelPermissionsFollowRenamesAndDeletion() {
        String username = newName("gina");
        String other = newName("hank");
        String model = newName("churn");
        String renamed = newName("churn-v2");
        store.createUser(username, "h", false, T0);
        store.createUser(other, "h", false, T0);
        store.createRegisteredModelPermission(model, username, Permission.MANAGE);
        store.createRegisteredModelPermission(model, other, Permission.READ);
        // a permission left on the new name by a deleted namesake is replaced
        store.createRegisteredModelPermission(renamed, other, Permission.MANAGE);

        otherStore.renameRegisteredModelPermissions(model, renamed);

        assertThat(store.registeredModelPermissions(model)).isEmpty();
        assertThat(store.registeredModelPermissions(renamed))
                .extracting(RegisteredModelPermission::username, RegisteredModelPermission::permission)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(username, Permission.MANAGE),
                        org.assertj.core.groups.Tuple.tuple(other, Permission.READ));

        store.deleteRegisteredModelPermissions(renamed);
        assertThat(otherStore.registeredModelPermissions(renamed)).isEmpty();
        assertThat(otherStore.registeredModelPermissionsOfUser(username)).isEmpty();
    }

    @Test
    void registeredModelPermissionsFollowMlflowsCreateGetUpdateDelete() {
        String username = newName("ivy");
        String model = newName("fraud");
        store.createUser(username, "h", false, T0);

        store.createRegisteredModelPermission(model, username, Permission.EDIT);
        assertThatThrownBy(() -> store.createRegisteredModelPermission(model, username, Permission.READ))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS));
        otherStore.updateRegisteredModelPermission(model, username, Permission.READ);
        assertThat(store.registeredModelPermission(model, username).orElseThrow().permission())
                .isEqualTo(Permission.READ);
        otherStore.deleteRegisteredModelPermission(model, username);
        assertThat(store.registeredModelPermission(model, username)).isEmpty();
        assertThatThrownBy(() -> store.updateRegisteredModelPermission(model, username, Permission.READ))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void tokensAreFoundByTheHashOfTheirSecretAndRevokedByTheirOwner() {
        String username = newName("jack");
        String intruder = newName("kim");
        store.createUser(username, "h", false, T0);
        store.createUser(intruder, "h", false, T0);
        AccessToken first = new AccessToken(newName("t"), username, "ci pipeline", T0, Optional.of(T0 + 86_400_000));
        AccessToken second = new AccessToken(newName("t"), username, "notebook", T0 + 1, Optional.empty());
        String firstHash = hash(first.tokenId());
        store.createToken(first, firstHash);
        store.createToken(second, hash(second.tokenId()));

        assertThat(otherStore.tokenBySecretHash(firstHash)).contains(first);
        assertThat(otherStore.tokens(username)).containsExactly(first, second);
        assertThat(otherStore.deleteToken(intruder, first.tokenId())).isFalse();
        assertThat(otherStore.deleteToken(username, first.tokenId())).isTrue();
        assertThat(store.tokenBySecretHash(firstHash)).isEmpty();
        assertThat(store.deleteToken(username, first.tokenId())).isFalse();
        assertThat(store.tokens(username)).containsExactly(second);
    }

    @Test
    void failedLoginsAreSharedByStoresNewestFirstAndForgottenOnceOutOfTheWindow() {
        String key = "user:" + newName("mallory");
        String other = "address:" + newName("10.0.0.1");
        store.recordLoginFailure(key, T0, T0 - 60_000);
        otherStore.recordLoginFailure(key, T0 + 10, T0 - 60_000);
        store.recordLoginFailure(other, T0 + 20, T0 - 60_000);
        otherStore.recordLoginFailure(key, T0 + 30, T0 - 60_000);

        assertThat(store.loginFailures(key, T0, 10)).containsExactly(T0 + 30, T0 + 10, T0);
        assertThat(otherStore.loginFailures(key, T0, 2)).containsExactly(T0 + 30, T0 + 10);
        assertThat(store.loginFailures(key, T0 + 5, 10)).containsExactly(T0 + 30, T0 + 10);
        assertThat(store.loginFailures(other, T0, 10)).containsExactly(T0 + 20);
        String longest = "user:" + "😀".repeat(295);
        store.recordLoginFailure(longest, T0 + 40, T0 - 60_000);
        assertThat(otherStore.loginFailures(longest, T0, 10)).containsExactly(T0 + 40);

        // a failure a window later forgets those before the window
        otherStore.recordLoginFailure(other, T0 + 60_020, T0 + 20);
        assertThat(store.loginFailures(key, 0, 10)).containsExactly(T0 + 30);
        assertThat(store.loginFailures(other, 0, 10)).containsExactly(T0 + 60_020, T0 + 20);
        assertThatThrownBy(() -> store.loginFailures(key, T0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A stand-in for the SHA-256 hex of a secret: 64 characters, distinct per input. */
    private static String hash(String seed) {
        StringBuilder hex = new StringBuilder(String.format("%08x", seed.hashCode()));
        while (hex.length() < 64) {
            hex.append(String.format("%08x", hex.toString().hashCode()));
        }
        return hex.substring(0, 64);
    }
}
