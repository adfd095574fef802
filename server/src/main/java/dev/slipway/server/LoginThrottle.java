package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per key (a client address, a username) over a sliding window: once a key has
 * {@code maxFailures} failures in the window, it is blocked until the oldest of them leaves the window. Counts are in
 * memory, per server replica. At most {@value #MAX_KEYS} keys are tracked; past that, keys whose failures have all
 * expired are dropped, and if none have, everything is forgotten (a flood of keys must not exhaust memory).
 * Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_KEYS = 100_000;

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    LoginThrottle(int maxFailures, Duration window, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be positive: " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.windowMillis = requireNonNull(window, "window is null").toMillis();
        this.clock = requireNonNull(clock, "clock is null");
        if (windowMillis < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /** How long the key stays blocked, when it is. */
    Optional<Duration> blocked(String key) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        synchronized (times) {
            expire(times, now);
            if (times.size() < maxFailures) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.max(1, times.peekFirst() + windowMillis - now)));
        }
    }

    /** Counts one failure of the key. */
    void failed(String key) {
        long now = clock.millis();
        if (failures.size() >= MAX_KEYS && !failures.containsKey(key)) {
            failures.values().removeIf(times -> {
                synchronized (times) {
                    expire(times, now);
                    return times.isEmpty();
                }
            });
            if (failures.size() >= MAX_KEYS) {
                failures.clear();
            }
        }
        Deque<Long> times = failures.computeIfAbsent(key, ignored -> new ArrayDeque<>());
        synchronized (times) {
            expire(times, now);
            times.addLast(now);
            while (times.size() > maxFailures) {
                times.removeFirst();
            }
        }
    }

    private void expire(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
            times.removeFirst();
        }
    }
}
