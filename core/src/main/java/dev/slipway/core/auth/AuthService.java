package dev.slipway.core.auth;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.tracking.TrackingService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The rules of users, passwords, personal access tokens and permissions, over an {@link AuthStore}, as MLflow's
 * basic-auth plugin has them: a user's permission on an experiment or registered model is the one given explicitly,
 * else the {@linkplain #defaultPermission() default}; administrators may do everything.
 *
 * <p>Passwords are stored only as the {@link PasswordHasher}'s slow salted hash. Because HTTP Basic sends the password
 * with every request, a successful check is remembered for {@link #VERIFIED_PASSWORD_LIFETIME} under a keyed hash of
 * the password (never the password), and only while the stored hash is unchanged, so a password change on any
 * replica ends it at once. Tokens are {@code slw_} and 43 random base64url characters (256 bits); the store keeps
 * only their SHA-256. Thread-safe.
 */
public final class AuthService {
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_USERNAME_LENGTH = 255;
    public static final int MAX_TOKEN_NAME_LENGTH = 255;
    /** The prefix of every personal access token, so that they are told apart from JWTs and found by scanners. */
    public static final String TOKEN_PREFIX = "slw_";
    static final Duration VERIFIED_PASSWORD_LIFETIME = Duration.ofMinutes(5);
    private static final int MAX_VERIFIED_PASSWORDS = 10_000;
    private static final int TOKEN_BYTES = 32;
    private static final int GENERATED_PASSWORD_BYTES = 18;
    /** A stored hash no password matches: users that log in through an identity provider have it. */
    static final String NO_PASSWORD = "!external";

    private final AuthStore store;
    private final PasswordHasher hasher;
    private final Permission defaultPermission;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final byte[] verificationKey = new byte[32];
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private volatile String dummyHash;

    /** A password check that succeeded: the keyed hash of the password, the stored hash it matched, until when. */
    private record Verified(byte[] passwordMac, String passwordHash, long expiresAt) {}

    /** @param defaultPermission the permission of a user on a resource where the user was given none */
    public AuthService(AuthStore store, PasswordHasher hasher, Permission defaultPermission, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.defaultPermission = requireNonNull(defaultPermission, "defaultPermission is null");
        this.clock = requireNonNull(clock, "clock is null");
        random.nextBytes(verificationKey);
    }

    public Permission defaultPermission() {
        return defaultPermission;
    }

    // ---- users ---------------------------------------------------------------------------------

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad username or password, RESOURCE_ALREADY_EXISTS for a
     *     taken username
     */
    public User createUser(String username, String password, boolean admin) {
        validateUsername(username);
        validatePassword(password);
        return store.createUser(username, hasher.hash(password), admin, clock.millis());
    }

    public Optional<User> user(String username) {
        requireNonNull(username, "username is null");
        return store.user(username).map(StoredUser::user);
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user */
    public User getUser(String username) {
        return user(username).orElseThrow(() -> userNotFound(username));
    }

    public List<User> users() {
        return store.users();
    }

    /** @throws SlipwayException INVALID_PARAMETER_VALUE for a bad password, RESOURCE_DOES_NOT_EXIST for an unknown user */
    public void updatePassword(String username, String password) {
        requireNonNull(username, "username is null");
        validatePassword(password);
        store.updatePassword(username, hasher.hash(password));
        verified.remove(username);
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST for an unknown user */
    public void updateAdmin(String username, boolean admin) {
        requireNonNull(username, "username is null");
        store.updateAdmin(username, admin);
    }

    /** Deletes the user, the user's permissions and tokens. @throws SlipwayException RESOURCE_DOES_NOT_EXIST */
    public void deleteUser(String username) {
        requireNonNull(username, "username is null");
        store.deleteUser(username);
        verified.remove(username);
    }

    /**
     * The user, when the password is the user's. An unknown user costs a hash check too, so that the answer's timing
     * does not tell which users exist.
     */
    public Optional<User> authenticate(String username, String password) {
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        Optional<StoredUser> stored = store.user(username);
        if (stored.isEmpty()) {
            hasher.matches(password, dummyHash());
            return Optional.empty();
        }
        String passwordHash = stored.get().passwordHash();
        byte[] mac = mac(username, password);
        long now = clock.millis();
        Verified known = verified.get(username);
        if (known != null && known.expiresAt() > now && known.passwordHash().equals(passwordHash)
                && MessageDigest.isEqual(known.passwordMac(), mac)) {
            return Optional.of(stored.get().user());
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > hasher.maxPasswordBytes()
                || !hasher.matches(password, passwordHash)) {
            return Optional.empty();
        }
        if (verified.size() >= MAX_VERIFIED_PASSWORDS) {
            verified.clear();
        }
        verified.put(username, new Verified(mac, passwordHash, now + VERIFIED_PASSWORD_LIFETIME.toMillis()));
        return Optional.of(stored.get().user());
    }

    /**
     * Whether this password of the user matched a check in the last {@link #VERIFIED_PASSWORD_LIFETIME}, so that
     * {@link #authenticate} will not run the slow hash for it; reads nothing from the store (a password changed
     * meanwhile is still refused by {@link #authenticate}).
     */
    public boolean recentlyVerified(String username, String password) {
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        Verified known = verified.get(username);
        return known != null && known.expiresAt() > clock.millis()
                && MessageDigest.isEqual(known.passwordMac(), mac(username, password));
    }

    /**
     * Records a failed login of {@code key} (a client address or a username, as the server names them) in the store,
     * where every server sharing it counts it, and forgets the failures older than {@code window}.
     */
    public void loginFailed(String key, Duration window) {
        requireNonNull(key, "key is null");
        long now = clock.millis();
        store.recordLoginFailure(key, now, now - window.toMillis());
    }

    /**
     * The times (epoch ms, newest first) of the latest failed logins of {@code key} within {@code window}, recorded by
     * any server sharing the store; at most {@code limit}.
     */
    public List<Long> loginFailures(String key, Duration window, int limit) {
        requireNonNull(key, "key is null");
        return store.loginFailures(key, clock.millis() - window.toMillis(), limit);
    }

    /**
     * Makes sure an administrator exists, as at the server's first start: when none does, {@code username} becomes
     * one, created with {@code password} or, without one, with a new random password, which is returned (the only
     * time it is known). An existing user of that name is made administrator and keeps the password.
     *
     * @return the generated password, when one was generated
     */
    public Optional<String> ensureAdmin(String username, Optional<String> password) {
        requireNonNull(password, "password is null");
        validateUsername(username);
        if (store.hasAdmin()) {
            return Optional.empty();
        }
        if (store.user(username).isPresent()) {
            store.updateAdmin(username, true);
            return Optional.empty();
        }
        Optional<String> generated = password.isPresent() ? Optional.empty() : Optional.of(generatePassword());
        String chosen = password.or(() -> generated).orElseThrow();
        try {
            createUser(username, chosen, true);
        } catch (SlipwayException e) {
            if (e.errorCode() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
                throw e;
            }
            // another replica created it at the same time
            return Optional.empty();
        }
        return generated;
    }

    /**
     * The user an identity provider vouched for, created on first sight without a usable password, so that
     * permissions can be given to the user.
     */
    public User provision(String username) {
        validateUsername(username);
        Optional<User> existing = user(username);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return store.createUser(username, NO_PASSWORD, false, clock.millis());
        } catch (SlipwayException e) {
            if (e.errorCode() == ErrorCode.RESOURCE_ALREADY_EXISTS) {
                return getUser(username);
            }
            throw e;
        }
    }

    /** What the user may do, read from the store when first needed. */
    public Access access(User user, boolean admin) {
        requireNonNull(user, "user is null");
        return Access.of(user, admin || user.admin(), defaultPermission,
                () -> byKey(store.experimentPermissionsOfUser(user.username()), ExperimentPermission::experimentId,
                        ExperimentPermission::permission),
                () -> byKey(store.registeredModelPermissionsOfUser(user.username()), RegisteredModelPermission::name,
                        RegisteredModelPermission::permission));
    }

    // ---- access tokens -------------------------------------------------------------------------

    /**
     * Creates a token acting as the user; its secret is in the answer and nowhere else.
     *
     * @param lifetime how long the token is valid; absent for a token that does not expire
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a bad name or lifetime, RESOURCE_DOES_NOT_EXIST for an
     *     unknown user
     */
    public NewAccessToken createToken(String username, String name, Optional<Duration> lifetime) {
        requireNonNull(username, "username is null");
        requireNonNull(name, "name is null");
        requireNonNull(lifetime, "lifetime is null");
        if (name.isBlank() || name.length() > MAX_TOKEN_NAME_LENGTH) {
            throw SlipwayException.invalidParameter("Invalid token name '%s': expected 1 to %d characters", name,
                    MAX_TOKEN_NAME_LENGTH);
        }
        if (lifetime.isPresent() && (lifetime.get().isNegative() || lifetime.get().isZero())) {
            throw SlipwayException.invalidParameter("Invalid token lifetime %s: it must be positive", lifetime.get());
        }
        getUser(username);
        byte[] secretBytes = new byte[TOKEN_BYTES];
        random.nextBytes(secretBytes);
        String secret = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        long now = clock.millis();
        AccessToken token = new AccessToken(HexFormat.of().formatHex(idBytes), username, name, now,
                lifetime.map(duration -> now + duration.toMillis()));
        store.createToken(token, secretHash(secret));
        return new NewAccessToken(token, secret);
    }

    /** The user's tokens, oldest first, without their secrets. */
    public List<AccessToken> tokens(String username) {
        return store.tokens(requireNonNull(username, "username is null"));
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the user has no token with that id */
    public void revokeToken(String username, String tokenId) {
        requireNonNull(tokenId, "tokenId is null");
        if (!store.deleteToken(requireNonNull(username, "username is null"), tokenId)) {
            throw SlipwayException.notFound("User '%s' has no token with id '%s'", username, tokenId);
        }
    }

    /** The user the token acts as, when it is a known, unexpired token of an existing user. */
    public Optional<User> authenticateToken(String secret) {
        requireNonNull(secret, "secret is null");
        if (!isToken(secret)) {
            return Optional.empty();
        }
        Optional<AccessToken> token = store.tokenBySecretHash(secretHash(secret));
        if (token.isEmpty() || token.get().isExpiredAt(clock.millis())) {
            return Optional.empty();
        }
        return user(token.get().username());
    }

    /** Whether the text has the shape of a personal access token (not whether it is a valid one). */
    public static boolean isToken(String text) {
        return text.startsWith(TOKEN_PREFIX) && text.length() > TOKEN_PREFIX.length();
    }

    // ---- permissions ---------------------------------------------------------------------------

    public ExperimentPermission createExperimentPermission(String experimentId, String username,
            Permission permission) {
        TrackingService.validateExperimentId(experimentId);
        return store.createExperimentPermission(experimentId, requireUser(username), permission);
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the user was given no permission on the experiment */
    public ExperimentPermission getExperimentPermission(String experimentId, String username) {
        TrackingService.validateExperimentId(experimentId);
        return store.experimentPermission(experimentId, requireUser(username)).orElseThrow(() ->
                SlipwayException.notFound("Experiment permission with experiment_id=%s and username=%s not found",
                        experimentId, username));
    }

    public ExperimentPermission updateExperimentPermission(String experimentId, String username,
            Permission permission) {
        TrackingService.validateExperimentId(experimentId);
        return store.updateExperimentPermission(experimentId, requireUser(username), permission);
    }

    public void deleteExperimentPermission(String experimentId, String username) {
        TrackingService.validateExperimentId(experimentId);
        store.deleteExperimentPermission(experimentId, requireUser(username));
    }

    public List<ExperimentPermission> experimentPermissions(String experimentId) {
        TrackingService.validateExperimentId(experimentId);
        return store.experimentPermissions(experimentId);
    }

    public List<ExperimentPermission> experimentPermissionsOfUser(String username) {
        return store.experimentPermissionsOfUser(requireNonNull(username, "username is null"));
    }

    /**
     * The user created the experiment: MANAGE on it for the user, and no permission of anyone else (a permission left
     * from an experiment that once had the same id does not carry over).
     */
    public void experimentCreated(String experimentId, String username) {
        TrackingService.validateExperimentId(experimentId);
        store.deleteExperimentPermissions(experimentId);
        store.setExperimentPermission(experimentId, requireUser(username), Permission.MANAGE);
    }

    public RegisteredModelPermission createRegisteredModelPermission(String name, String username,
            Permission permission) {
        RegistryService.validateName(name);
        return store.createRegisteredModelPermission(name, requireUser(username), permission);
    }

    /** @throws SlipwayException RESOURCE_DOES_NOT_EXIST when the user was given no permission on the model */
    public RegisteredModelPermission getRegisteredModelPermission(String name, String username) {
        RegistryService.validateName(name);
        return store.registeredModelPermission(name, requireUser(username)).orElseThrow(() ->
                SlipwayException.notFound("Registered model permission with name=%s and username=%s not found", name,
                        username));
    }

    public RegisteredModelPermission updateRegisteredModelPermission(String name, String username,
            Permission permission) {
        RegistryService.validateName(name);
        return store.updateRegisteredModelPermission(name, requireUser(username), permission);
    }

    public void deleteRegisteredModelPermission(String name, String username) {
        RegistryService.validateName(name);
        store.deleteRegisteredModelPermission(name, requireUser(username));
    }

    public List<RegisteredModelPermission> registeredModelPermissions(String name) {
        RegistryService.validateName(name);
        return store.registeredModelPermissions(name);
    }

    public List<RegisteredModelPermission> registeredModelPermissionsOfUser(String username) {
        return store.registeredModelPermissionsOfUser(requireNonNull(username, "username is null"));
    }

    /** The user created the registered model: MANAGE on it for the user, and no permission left from a namesake. */
    public void registeredModelCreated(String name, String username) {
        RegistryService.validateName(name);
        store.deleteRegisteredModelPermissions(name);
        store.setRegisteredModelPermission(name, requireUser(username), Permission.MANAGE);
    }

    /** The registered model was renamed: its permissions follow it. */
    public void registeredModelRenamed(String name, String newName) {
        store.renameRegisteredModelPermissions(requireNonNull(name, "name is null"),
                requireNonNull(newName, "newName is null"));
    }

    /** The registered model was deleted: so are the permissions on it. */
    public void registeredModelDeleted(String name) {
        store.deleteRegisteredModelPermissions(requireNonNull(name, "name is null"));
    }

    // ---- rules ---------------------------------------------------------------------------------

    /** A username: 1 to 255 characters, no colon (HTTP Basic splits on it), no control character, no outer blanks. */
    public static void validateUsername(String username) {
        requireNonNull(username, "username is null");
        boolean valid = !username.isEmpty() && username.length() <= MAX_USERNAME_LENGTH
                && username.strip().equals(username) && username.indexOf(':') < 0
                && username.chars().noneMatch(Character::isISOControl);
        if (!valid) {
            throw SlipwayException.invalidParameter("Invalid username '%s': expected 1 to %d characters without ':', "
                    + "control characters or leading and trailing blanks", username, MAX_USERNAME_LENGTH);
        }
    }

    private void validatePassword(String password) {
        requireNonNull(password, "password is null");
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw SlipwayException.invalidParameter("Password must be at least %d characters long",
                    MIN_PASSWORD_LENGTH);
        }
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > hasher.maxPasswordBytes()) {
            throw SlipwayException.invalidParameter("Password must be at most %d bytes in UTF-8, got %d",
                    hasher.maxPasswordBytes(), bytes);
        }
    }

    /** Checks the user exists and returns the name. */
    private String requireUser(String username) {
        requireNonNull(username, "username is null");
        if (store.user(username).isEmpty()) {
            throw userNotFound(username);
        }
        return username;
    }

    private static SlipwayException userNotFound(String username) {
        return SlipwayException.notFound("User with username=%s not found", username);
    }

    private String generatePassword() {
        byte[] bytes = new byte[GENERATED_PASSWORD_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = hasher.hash(generatePassword());
            dummyHash = hash;
        }
        return hash;
    }

    private byte[] mac(String username, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(verificationKey, "HmacSHA256"));
            mac.update(username.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The SHA-256 of a token's secret, in hex: what the store keeps and looks tokens up by. */
    static String secretHash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static <T> Map<String, Permission> byKey(List<T> permissions, java.util.function.Function<T, String> key,
            java.util.function.Function<T, Permission> permission) {
        Map<String, Permission> map = new LinkedHashMap<>();
        for (T item : permissions) {
            map.put(key.apply(item), permission.apply(item));
        }
        return Map.copyOf(map);
    }
}
