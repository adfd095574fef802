package dev.slipway.core.auth;

/**
 * A slow, salted one-way encoding of passwords. Implementations are thread-safe.
 */
public interface PasswordHasher {
    /** The encoding of the password, with a new random salt; never the password itself. */
    String hash(String password);

    /** Whether the password is the one the encoding was made from; false for an encoding this hasher cannot read. */
    boolean matches(String password, String encoded);

    /** The longest password in UTF-8 bytes this hasher tells apart (BCrypt reads only 72). */
    default int maxPasswordBytes() {
        return Integer.MAX_VALUE;
    }
}
