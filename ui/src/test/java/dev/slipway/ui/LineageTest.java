package dev.slipway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.monitors.StoredMonitor;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.RegisteredModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LineageTest {
    private static final RegisteredModel CHURN = new RegisteredModel("churn", 1, 1, Optional.empty(), List.of(),
            List.of(new ModelAlias("champion", 2), new ModelAlias("challenger", 3)));

    private static Lineage.Monitor monitor(String name, String model) {
        return Lineage.monitor(new StoredMonitor(name, "{\"name\": \"" + name + "\", \"model\": \"" + model + "\"}",
                1, 1));
    }

    @Test
    void aMonitorWatchesTheVersionItsModelUriResolvesTo() {
        List<Lineage.Monitor> monitors = List.of(monitor("by-alias", "models:/churn@champion"),
                monitor("by-number", "models:/churn/3"), monitor("latest", "models:/churn/latest"),
                monitor("other-model", "models:/fraud@champion"));
        assertThat(Lineage.watching(monitors, CHURN, 2, 3)).extracting(m -> m.stored().name())
                .containsExactly("by-alias");
        assertThat(Lineage.watching(monitors, CHURN, 3, 3)).extracting(m -> m.stored().name())
                .containsExactly("by-number", "latest");
        assertThat(Lineage.watching(monitors, CHURN, 1, 3)).isEmpty();
    }

    @Test
    void anUnreadableDefinitionIsKeptButWatchesNothing() {
        Lineage.Monitor broken = Lineage.monitor(new StoredMonitor("broken", "{not json", 1, 1));
        assertThat(broken.definition()).isEmpty();
        assertThat(broken.model()).isEqualTo("?");
        assertThat(Lineage.watching(List.of(broken), CHURN, 2, 3)).isEmpty();
    }

    @Test
    void quotesSearchStringsTheWayTheFilterParserReadsThem() {
        assertThat(Lineage.quote("o'brien")).isEqualTo("o''brien");
    }
}
