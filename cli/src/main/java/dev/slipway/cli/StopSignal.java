package dev.slipway.cli;

/** Tells a long-running command (the server) when to stop: on SIGTERM or Ctrl-C in production. */
public interface StopSignal {
    /** Runs the action once, when the process is asked to stop. */
    void onStop(Runnable action);

    /** Runs the actions from a JVM shutdown hook (SIGTERM, SIGINT, System.exit). */
    static StopSignal jvmShutdown() {
        return action -> Runtime.getRuntime().addShutdownHook(new Thread(action, "slipway-shutdown"));
    }
}
