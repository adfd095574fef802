package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.core.auth.Permission;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route the server registers has an access rule, so that none is left to administrators by omission. */
class AccessRulesCoverageTest {
    @TempDir
    Path directory;

    @Test
    void everyRouteOfTheServerHasAnAccessRule() {
        try (AuthServer server = AuthServer.start(directory, Permission.READ)) {
            assertThat(server.server.routesWithoutAccessRule()).isEmpty();
        }
    }

    @Test
    void everyRouteOfTheServerWithoutAuthenticationHasAnAccessRuleToo() {
        try (TestServer server = TestServer.start(directory)) {
            assertThat(server.server.routesWithoutAccessRule()).isEmpty();
        }
    }
}
