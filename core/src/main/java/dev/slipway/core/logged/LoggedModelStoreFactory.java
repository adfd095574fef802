package dev.slipway.core.logged;

import java.util.Set;

/** Opens logged-model stores for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface LoggedModelStoreFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates) the store at the URI; the same URI as the tracking store's shares its database, which
     * holds the experiments the models belong to.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    LoggedModelStore open(String uri);
}
