package dev.slipway.data;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping the thread pools that hash and move objects. */
final class WorkerPools {
    /** Long enough for a worker to finish the object it is writing and remove its temporary file. */
    static final Duration UNWIND_TIME = Duration.ofSeconds(20);

    private WorkerPools() {}

    /**
     * Interrupts the pool's workers and waits (up to {@link #UNWIND_TIME}) until they have stopped, so
     * that each has removed its temporary file before the caller reports a failure, or the process exits
     * after Ctrl-C. Keeps the caller's interrupt status.
     */
    static void stopAndAwait(ExecutorService pool) {
        pool.shutdownNow();
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + UNWIND_TIME.toNanos();
        try {
            while (true) {
                try {
                    if (pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                            || System.nanoTime() >= deadline) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
