package dev.slipway.cli;

import java.util.ArrayList;
import java.util.List;

/** A stop signal that tests fire by hand, in place of SIGTERM. */
final class ManualStopSignal implements StopSignal {
    private final List<Runnable> actions = new ArrayList<>();

    @Override
    public synchronized void onStop(Runnable action) {
        actions.add(action);
    }

    synchronized void fire() {
        actions.forEach(Runnable::run);
        actions.clear();
    }
}
