package dev.slipway.server;

import dev.slipway.core.auth.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Passwords hashed with BCrypt (Spring Security's implementation, {@code $2b$}), each with its own random salt. BCrypt
 * reads at most 72 bytes of a password, so longer ones are refused when set ({@link #maxPasswordBytes()}). Thread-safe.
 */
public final class BCryptPasswordHasher implements PasswordHasher {
    /** The cost of new hashes: 2^12 rounds, about a quarter of a second on a server core. */
    public static final int DEFAULT_COST = 12;
    private static final int MAX_PASSWORD_BYTES = 72;

    private final int cost;
    private final SecureRandom random = new SecureRandom();

    /** @param cost the log2 of the rounds, 4 to 31; {@link #DEFAULT_COST} in production, lower only in tests */
    public BCryptPasswordHasher(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("BCrypt cost must be between 4 and 31, got " + cost);
        }
        this.cost = cost;
    }

    @Override
    public String hash(String password) {
        return BCrypt.hashpw(password.getBytes(StandardCharsets.UTF_8), BCrypt.gensalt("$2b", cost, random));
    }

    @Override
    public boolean matches(String password, String encoded) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_PASSWORD_BYTES || !encoded.startsWith("$2")) {
            return false;
        }
        try {
            return BCrypt.checkpw(bytes, encoded);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public int maxPasswordBytes() {
        return MAX_PASSWORD_BYTES;
    }
}
