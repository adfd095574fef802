package dev.slipway.store.jdbc;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.core.tracking.TrackingStoreFactory;
import java.util.Set;

/**
 * Opens {@link JdbcTrackingStore}s for {@code sqlite:}, {@code postgresql:}/{@code postgres:} and
 * {@code mysql:}/{@code mariadb:} URIs (with or without a SQLAlchemy driver suffix such as {@code +pymysql}),
 * creating the SQLite file's folders and applying the schema migrations first. See {@link BackendUri} for the
 * URI forms.
 */
public final class JdbcTrackingStoreFactory implements TrackingStoreFactory {
    @Override
    public Set<String> schemes() {
        return Set.of("sqlite", "postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg",
                "postgresql+pg8000", "mysql", "mysql+pymysql", "mysql+mysqldb", "mysql+mysqlconnector", "mariadb",
                "mariadb+pymysql", "mariadb+mariadbconnector");
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed URI, INTERNAL_ERROR when the database
     *     cannot be reached or migrated
     */
    @Override
    public TrackingStore open(String uri) {
        MigratedDatabase database = MigratedDatabase.open(uri, "tracking");
        return new JdbcTrackingStore(database.dataSource(), database.dialect());
    }

    /**
     * Opens a registry store on the same database as {@link #open(String)} would; the two stores may be open at
     * the same time.
     *
     * @throws SlipwayException as {@link #open(String)}
     */
    public RegistryStore openRegistry(String uri) {
        return new JdbcRegistryStoreFactory().open(uri);
    }
}
