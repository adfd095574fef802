package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often and how patiently the client repeats a request that the server answered with 429, 502, 503 or
 * 504, or that failed on an established connection. The wait doubles from {@code initialBackoff} up to
 * {@code maxBackoff}; a {@code Retry-After} header in seconds is honoured up to {@code maxBackoff}.
 *
 * @param maxRetries how many times a request is repeated after the first attempt; 0 turns retries off
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries is negative: " + maxRetries);
        }
        requireNonNull(initialBackoff, "initialBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("backoff is negative");
        }
    }

    /** Four retries after 0.5, 1, 2 and 4 seconds: at most 7.5 seconds of waiting. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8));
    }

    public static RetryPolicy none() {
        return new RetryPolicy(0, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before retry number {@code retry} (0 for the first retry). */
    public Duration backoff(int retry) {
        Duration wait = initialBackoff;
        for (int doubling = 0; doubling < retry && wait.compareTo(maxBackoff) < 0; doubling++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
