package dev.slipway.server;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed authentications per key (a client address, a username) over a sliding window: once a key has
 * {@code maxFailures} failures in the window, it is blocked until the oldest of them leaves the window. Counts are kept
 * in memory, checked on every request; with a {@link SharedFailures} they are also recorded where every replica of the
 * server counts them, and {@link #blockedOnAnyReplica} consults those before a check worth guessing at (a password
 * that needs the slow hash), so that spreading guesses over replicas gains nothing. At most {@value #MAX_KEYS} keys
 * are tracked in memory; past that, keys whose failures have all expired are dropped, and if none have, everything is
 * forgotten (a flood of keys must not exhaust memory). Thread-safe.
 */
final class LoginThrottle {
    static final int MAX_KEYS = 100_000;
    /** The longest key recorded in the shared store (longer ones, absurd usernames, are cut to it). */
    static final int MAX_SHARED_KEY_LENGTH = 300;
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

    /** Where the replicas of a server record their failures: the store they share. */
    interface SharedFailures {
        /** Records a failure of the key now, forgetting failures older than {@code window}. */
        void record(String key, Duration window);

        /** The times (epoch ms, newest first) of the key's latest failures within the window, {@code limit} at most. */
        List<Long> latest(String key, Duration window, int limit);
    }

    private final int maxFailures;
    private final Duration window;
    private final long windowMillis;
    private final Clock clock;
    private final Optional<SharedFailures> shared;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    LoginThrottle(int maxFailures, Duration window, Clock clock) {
        this(maxFailures, window, clock, Optional.empty());
    }

    LoginThrottle(int maxFailures, Duration window, Clock clock, Optional<SharedFailures> shared) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be positive: " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.window = requireNonNull(window, "window is null");
        this.windowMillis = window.toMillis();
        this.clock = requireNonNull(clock, "clock is null");
        this.shared = requireNonNull(shared, "shared is null");
        if (windowMillis < 1) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /**
     * How long the key stays blocked, when it is, counting the failures every replica recorded (without shared
     * failures, those of this one).
     */
    Optional<Duration> blockedOnAnyReplica(String key) {
        Optional<Duration> here = blocked(key);
        if (here.isPresent() || shared.isEmpty()) {
            return here;
        }
        List<Long> latest = shared.get().latest(sharedKey(key), window, maxFailures);
        if (latest.size() < maxFailures) {
            return Optional.empty();
        }
        long oldest = latest.get(latest.size() - 1);
        return Optional.of(Duration.ofMillis(Math.max(1, oldest + windowMillis - clock.millis())));
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

    /**
     * Counts one failure of the key, here and in the shared store; a store that cannot record it is logged, and the
     * failure still counts here.
     */
    void failed(String key) {
        countHere(key);
        if (shared.isPresent()) {
            try {
                shared.get().record(sharedKey(key), window);
            } catch (RuntimeException e) {
                LOG.warn("Cannot record a failed login for the other replicas: {}", e.getMessage());
            }
        }
    }

    private static String sharedKey(String key) {
        return key.codePointCount(0, key.length()) <= MAX_SHARED_KEY_LENGTH ? key
                : key.substring(0, key.offsetByCodePoints(0, MAX_SHARED_KEY_LENGTH));
    }

    private void countHere(String key) {
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
