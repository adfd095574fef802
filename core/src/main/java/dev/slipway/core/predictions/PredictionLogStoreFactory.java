package dev.slipway.core.predictions;

import java.util.Set;

/** Opens prediction log stores for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface PredictionLogStoreFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates) the store at the URI, which may be the tracking store's.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    PredictionLogStore open(String uri);
}
