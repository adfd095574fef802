package dev.slipway.core.registry;

import java.util.Set;

/** Opens registry stores for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface RegistryStoreFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates) the store at the URI; the same URI as the tracking store's shares its database.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    RegistryStore open(String uri);
}
