package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on a {@link ServedModel}, with the traffic variant that chose it ({@code stable},
 * {@code canary} or {@code shadow}). Close it when the request is done with the model; closing twice is harmless.
 */
public final class Lease implements AutoCloseable {
    public static final String STABLE = "stable";
    public static final String CANARY = "canary";
    public static final String SHADOW = "shadow";

    private final ServedModel model;
    private final String variant;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(ServedModel model, String variant) {
        this.model = model;
        this.variant = variant;
    }

    /**
     * Leases the model for one request.
     *
     * @return empty if the model is retired (the caller routes again to its successor)
     */
    public static java.util.Optional<Lease> acquire(ServedModel model, String variant) {
        requireNonNull(model, "model is null");
        requireNonNull(variant, "variant is null");
        return model.tryAcquire() ? java.util.Optional.of(new Lease(model, variant)) : java.util.Optional.empty();
    }

    public ServedModel model() {
        return model;
    }

    public String variant() {
        return variant;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.release();
        }
    }
}
