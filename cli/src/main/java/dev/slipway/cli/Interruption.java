package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Ctrl-C (or SIGTERM) while a data command runs. On the stop signal it interrupts the command's thread and
 * waits, for a bounded time, until the command has unwound: thread pools stopped, temporary files removed,
 * no pointer file written for the step in progress. Then it prints one line and lets the JVM exit (130
 * after SIGINT). Objects are always written under a temporary name and renamed, so whatever the command
 * finished stays valid.
 *
 * <p>Thread-safe: {@link #finish} runs on the command's thread, the stop action on the JVM's shutdown thread.
 */
final class Interruption {
    /** The exit code of a process stopped by SIGINT, as shells report it (128 + 2). */
    static final int EXIT_INTERRUPTED = 130;
    /** Enough for worker threads to finish the object each is writing (they get 20 s) and the command to return. */
    private static final Duration UNWIND_TIME = Duration.ofSeconds(30);

    private final Thread commandThread;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch unwound = new CountDownLatch(1);

    private Interruption(Thread commandThread) {
        this.commandThread = requireNonNull(commandThread, "commandThread is null");
    }

    /**
     * Watches {@code signal} while the command runs on {@code commandThread}; call {@link #finish} when it
     * returns or fails.
     *
     * @param commandName how the message names the command, e.g. {@code slipway data add}
     * @param err where the message goes
     */
    static Interruption watch(StopSignal signal, Thread commandThread, String commandName, PrintWriter err) {
        return watch(signal, commandThread, commandName, Optional.empty(), err);
    }

    /** Like the public {@code watch}, with the command's own words after "interrupted." when present. */
    private static Interruption watch(StopSignal signal, Thread commandThread, String commandName,
            Optional<String> stoppedMessage, PrintWriter err) {
        requireNonNull(commandName, "commandName is null");
        requireNonNull(stoppedMessage, "stoppedMessage is null");
        requireNonNull(err, "err is null");
        Interruption interruption = new Interruption(commandThread);
        signal.onStop(() -> interruption.stop(commandName, stoppedMessage, err));
        return interruption;
    }

    /** A command's work, run by {@link #run}. */
    @FunctionalInterface
    interface Body {
        int run() throws Exception;
    }

    /**
     * Runs a command's {@code body} on this thread with Ctrl-C watched: the signal interrupts this thread (which
     * stops stage processes, transfers and hashing), a body that returns after the signal exits 130, and a failure
     * after the signal is reported as the interruption.
     */
    static int run(Environment environment, CommandSpec spec, Body body) throws Exception {
        return run(environment, spec, Optional.empty(), body);
    }

    /**
     * Like {@link #run(Environment, CommandSpec, Body)} for a command that is not a data command: once it has unwound,
     * stderr gets "interrupted." followed by {@code stoppedMessage} (what was kept, how to continue).
     */
    static int run(Environment environment, CommandSpec spec, String stoppedMessage, Body body) throws Exception {
        return run(environment, spec, Optional.of(stoppedMessage), body);
    }

    private static int run(Environment environment, CommandSpec spec, Optional<String> stoppedMessage, Body body)
            throws Exception {
        Interruption interruption = watch(environment.stopSignal(), Thread.currentThread(), spec.qualifiedName(),
                stoppedMessage, spec.commandLine().getErr());
        try {
            int exitCode = body.run();
            spec.commandLine().getOut().flush();
            return interruption.requested() ? EXIT_INTERRUPTED : exitCode;
        } catch (Exception | Error e) {
            if (interruption.requested()) {
                throw new InterruptedCommandException(e);
            }
            throw e;
        } finally {
            interruption.finish();
        }
    }

    /** Whether the stop signal arrived before the command finished. */
    boolean requested() {
        return requested.get();
    }

    /** The command returned or failed: a later stop signal (the JVM's normal exit) does nothing. */
    void finish() {
        finished.set(true);
        unwound.countDown();
    }

    private void stop(String commandName, Optional<String> stoppedMessage, PrintWriter err) {
        if (finished.get()) {
            return;
        }
        requested.set(true);
        commandThread.interrupt();
        boolean clean;
        try {
            clean = unwound.await(UNWIND_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        if (stoppedMessage.isPresent()) {
            err.println(commandName + ": interrupted. " + (clean ? "" : "The step in progress did not stop in time. ")
                    + stoppedMessage.get());
        } else {
            err.println(commandName + ": interrupted. " + (clean
                    ? "Finished steps are kept; the step in progress left no pointer file and no partial object. "
                    : "The step in progress did not stop in time; 'slipway data gc -w' removes leftover temporary "
                            + "files. ")
                    + "Run the command again to complete it.");
        }
        err.flush();
    }

    /** A command that failed because it was interrupted: Main exits with {@link #EXIT_INTERRUPTED}, silently. */
    static final class InterruptedCommandException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InterruptedCommandException(Throwable cause) {
            super("interrupted", cause);
        }
    }
}
