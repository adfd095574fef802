package dev.slipway.core.tracking;

import java.util.Set;

/** Opens tracking stores for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface TrackingStoreFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates) the store at the URI, such as {@code sqlite:///abs/path.db},
     * {@code postgresql://user:pw@host:5432/db} or {@code mysql://user:pw@host:3306/db}.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    TrackingStore open(String uri);
}
