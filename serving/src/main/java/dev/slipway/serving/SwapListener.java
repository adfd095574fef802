package dev.slipway.serving;

/**
 * Hears about the live swaps of {@link LiveModels} (for logs and metrics). Called on the polling thread (or the thread
 * that called {@link LiveModels#reconfigure}), after the new version serves; must not block for long and should not
 * throw.
 */
public interface SwapListener {
    SwapListener NONE = new SwapListener() {};

    /**
     * A followed URI moved and the new version now serves; the previous one is retired and closes once drained.
     *
     * @param variant {@link Lease#STABLE}, {@link Lease#CANARY} or {@link Lease#SHADOW}
     */
    default void onSwap(String modelName, String variant, ServedModel previous, ServedModel next) {
    }

    /**
     * Checking a followed URI or loading its new version failed, or so did loading a version for
     * {@link LiveModels#reconfigure}; the previous version keeps serving.
     */
    default void onSwapFailure(SwapFailure failure) {
    }
}
