package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostHeaderCheckTest {
    private static boolean allowed(HostHeaderCheck check, String host) {
        return check.isAllowed(Optional.ofNullable(host));
    }

    @Test
    void loopbackNamesWithAnyPortAreAllowed() {
        HostHeaderCheck check = new HostHeaderCheck("127.0.0.1", List.of());
        for (String host : List.of("localhost", "localhost:5000", "LocalHost:80", "127.0.0.1", "127.0.0.1:8080", "[::1]",
                "[::1]:5000")) {
            assertThat(allowed(check, host)).as(host).isTrue();
        }
    }

    @Test
    void otherNamesAndMissingHostsAreRefused() {
        HostHeaderCheck check = new HostHeaderCheck("127.0.0.1", List.of());
        for (String host : List.of("evil.com", "localhost.evil.com", "127.0.0.1.evil.com", "evil.com:5000", "[::2]:5000",
                "", " ")) {
            assertThat(allowed(check, host)).as(host).isFalse();
        }
        assertThat(allowed(check, null)).isFalse();
        assertThatThrownBy(() -> check.check(Optional.of("evil.com"))).isInstanceOf(SlipwayException.class)
                .satisfies(failure -> assertThat(((SlipwayException) failure).errorCode())
                        .isEqualTo(ErrorCode.PERMISSION_DENIED));
    }

    @Test
    void theBoundHostIsAllowed() {
        assertThat(allowed(new HostHeaderCheck("tracking.internal", List.of()), "tracking.internal:5000")).isTrue();
        assertThat(allowed(new HostHeaderCheck("::1", List.of()), "[::1]:5000")).isTrue();
        assertThat(allowed(new HostHeaderCheck("10.0.0.7", List.of()), "10.0.0.7:5000")).isTrue();
    }

    @Test
    void allowListEntriesMatchExactlyOrByWildcard() {
        HostHeaderCheck check = new HostHeaderCheck("127.0.0.1", List.of("mlflow.example.com", "*.corp.example",
                "10.0.0.5:5000"));
        assertThat(allowed(check, "mlflow.example.com")).isTrue();
        assertThat(allowed(check, "MLFLOW.example.com:443")).isTrue();
        assertThat(allowed(check, "a.corp.example")).isTrue();
        assertThat(allowed(check, "a.corp.example:8080")).isTrue();
        assertThat(allowed(check, "corp.example.evil.com")).isFalse();
        assertThat(allowed(check, "10.0.0.5:5000")).isTrue();
        assertThat(allowed(check, "10.0.0.5:5001")).isFalse();
        assertThat(allowed(check, "example.com")).isFalse();
    }

    @Test
    void aLoneStarAllowsEveryHost() {
        HostHeaderCheck check = new HostHeaderCheck("127.0.0.1", List.of("*"));
        assertThat(allowed(check, "anything.example:1")).isTrue();
        assertThat(allowed(check, null)).isTrue();
    }
}
