package dev.slipway.serving;

import static java.util.Objects.requireNonNull;

import dev.slipway.models.scoring.OnnxModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version being served: its name (as clients route to it), its version label (the registry
 * version number, or {@code "1"} for a plain folder), the URI it was loaded from, and its ONNX Runtime session.
 *
 * <p>Requests hold it through {@link Lease}s. Once {@link #retire() retired} (replaced by a swap or the server
 * stopping), it takes no new leases and closes its session when the last lease is released, so in-flight requests
 * finish on the version they started with. Thread-safe.
 */
public final class ServedModel {
    /** Bit set in {@link #state} once retired; the lower bits count leases. */
    private static final int RETIRED = 1 << 30;

    private final String name;
    private final String version;
    private final String uri;
    private final OnnxModel onnx;
    private final AtomicInteger state = new AtomicInteger();

    public ServedModel(String name, String version, String uri, OnnxModel onnx) {
        this.name = requireNonNull(name, "name is null");
        this.version = requireNonNull(version, "version is null");
        this.uri = requireNonNull(uri, "uri is null");
        this.onnx = requireNonNull(onnx, "onnx is null");
    }

    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    public String uri() {
        return uri;
    }

    public OnnxModel onnx() {
        return onnx;
    }

    /**
     * Takes a lease on this model for one request.
     *
     * @return false if the model is retired (the caller routes again)
     */
    boolean tryAcquire() {
        while (true) {
            int current = state.get();
            if ((current & RETIRED) != 0) {
                return false;
            }
            if (state.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Ends a lease; closes the session if this was the last lease of a retired model. */
    void release() {
        if (state.decrementAndGet() == RETIRED) {
            onnx.close();
        }
    }

    /** Takes no more leases; closes the session now if none is held, else when the last one is released. */
    public void retire() {
        while (true) {
            int current = state.get();
            if ((current & RETIRED) != 0) {
                return;
            }
            if (state.compareAndSet(current, current | RETIRED)) {
                if (current == 0) {
                    onnx.close();
                }
                return;
            }
        }
    }

    /** Leases held right now (for draining and tests). */
    public int leases() {
        return state.get() & ~RETIRED;
    }

    public boolean isRetired() {
        return (state.get() & RETIRED) != 0;
    }

    @Override
    public String toString() {
        return name + " version " + version + " (" + uri + ")";
    }
}
