package dev.slipway.core.auth;

import java.util.Set;

/** Opens the {@link AuthStore} for backend URIs of the schemes it names (found through {@link java.util.ServiceLoader}). */
public interface AuthStoreFactory {
    /** The URI schemes handled, lower case, such as {@code sqlite}. */
    Set<String> schemes();

    /** Opens (and migrates) the store at the URI; the caller closes it. */
    AuthStore open(String uri);
}
