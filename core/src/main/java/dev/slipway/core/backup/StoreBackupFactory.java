package dev.slipway.core.backup;

import java.util.Set;

/** Opens {@link StoreBackup}s for the backend URI schemes it names ({@code sqlite}, {@code postgresql}, ...). */
public interface StoreBackupFactory {
    Set<String> schemes();

    /**
     * Opens (and migrates to the newest schema) the store at the URI.
     *
     * @throws dev.slipway.core.SlipwayException INVALID_PARAMETER_VALUE for a malformed URI
     */
    StoreBackup open(String uri);
}
