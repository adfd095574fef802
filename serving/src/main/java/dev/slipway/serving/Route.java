package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where one request goes: the model that answers it (the stable version, or the canary for its share of traffic)
 * and, when a shadow is configured, the model that scores a copy whose answer is discarded. Closing releases both.
 */
public record Route(Lease primary, Optional<Lease> shadow) implements AutoCloseable {
    public Route {
        requireNonNull(primary, "primary is null");
        requireNonNull(shadow, "shadow is null");
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            shadow.ifPresent(Lease::close);
        }
    }
}
