package dev.slipway.core.gc;

import java.util.Set;

/** Opens {@link TrackingPurger}s for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface TrackingPurgerFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates) the store at the URI.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    TrackingPurger open(String uri);
}
