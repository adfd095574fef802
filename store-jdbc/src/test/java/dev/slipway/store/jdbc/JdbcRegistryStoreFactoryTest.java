package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.registry.RegistryStoreFactory;
import dev.slipway.core.tracking.TrackingStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcRegistryStoreFactoryTest {
    @TempDir
    Path folder;

    @Test
    void factoryIsFoundThroughServiceLoaderWithTheTrackingSchemes() {
        List<RegistryStoreFactory> factories = ServiceLoader.load(RegistryStoreFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(factories).hasAtLeastOneElementOfType(JdbcRegistryStoreFactory.class);
        assertThat(new JdbcRegistryStoreFactory().schemes()).isEqualTo(new JdbcTrackingStoreFactory().schemes());
    }

    @Test
    void trackingAndRegistryStoresShareOneSqliteDatabase() {
        String uri = "sqlite:///" + folder.resolve("shared/mlflow.db");
        try (TrackingStore tracking = new JdbcTrackingStoreFactory().open(uri);
                RegistryStore registry = new JdbcTrackingStoreFactory().openRegistry(uri)) {
            String experimentId = tracking.createExperiment("experiment", Optional.empty(), "file:///tmp", List.of(),
                    1L);
            registry.createRegisteredModel("model", Optional.empty(), List.of(), 2L);
            registry.createModelVersion(new NewModelVersion("model", "file:///tmp/model", Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), List.of()), 3L);
            assertThat(tracking.getExperiment(experimentId)).isPresent();
        }
        try (RegistryStore reopened = new JdbcRegistryStoreFactory().open(uri)) {
            assertThat(reopened.getModelVersion("model", 1)).isPresent();
            assertThat(reopened.getRegisteredModel("model").orElseThrow().lastUpdatedTimestamp()).isEqualTo(3L);
        }
    }

    @Test
    void malformedUriIsAnInvalidParameter() {
        assertThatThrownBy(() -> new JdbcRegistryStoreFactory().open("oracle://host/db"))
                .isInstanceOf(SlipwayException.class)
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }
}
