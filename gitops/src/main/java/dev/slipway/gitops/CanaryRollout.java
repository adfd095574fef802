package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import dev.slipway.gitops.CanaryAnalysis.Check;
import dev.slipway.gitops.DeploymentSpec.Canary;
import java.time.Duration;
import java.time.Instant;

/**
 * The progress of one canary through its steps: the candidate takes {@code steps[i]} percent of the traffic; the
 * analysis is checked every {@link #checkInterval()}; a step is passed when its pause has elapsed and the latest check
 * passed; the canary is promoted after the last step and rolled back after {@code failure_limit} failed checks.
 * Inconclusive checks (too little traffic or feedback) hold the step. Not thread-safe: one agent thread owns it.
 */
public final class CanaryRollout {
    private static final Duration MIN_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_CHECK_INTERVAL = Duration.ofSeconds(30);

    private final Canary canary;
    private final Instant started;
    private int step;
    private Instant stepStarted;
    private Instant lastCheck;
    private VariantTraffic stepBaseline;
    private int failedChecks;
    private int checks;

    /** What the agent must do after a check. */
    public enum Decision {
        /** Keep the current weight. */
        HOLD,
        /** Move to the next step's weight ({@link #weight()} is already the new one). */
        ADVANCE,
        /** Every step passed: pin the candidate. */
        PROMOTE,
        /** Too many failed checks: send all traffic back to the stable version and revert the canary. */
        ROLL_BACK
    }

    /** A rollout at its first step, begun at {@code now}, with the candidate's traffic counters read then. */
    public CanaryRollout(Canary canary, Instant now, VariantTraffic baseline) {
        this.canary = requireNonNull(canary, "canary is null");
        this.started = requireNonNull(now, "now is null");
        this.stepStarted = now;
        this.lastCheck = now;
        this.stepBaseline = requireNonNull(baseline, "baseline is null");
    }

    public Canary canary() {
        return canary;
    }

    /** The candidate's current share of the traffic, in percent. */
    public int weight() {
        return canary.steps().get(step);
    }

    /** The current step, from 0. */
    public int step() {
        return step;
    }

    public Instant started() {
        return started;
    }

    public Instant stepStarted() {
        return stepStarted;
    }

    public int failedChecks() {
        return failedChecks;
    }

    public int checks() {
        return checks;
    }

    /** The candidate's counters when the current step began; the analysis looks at the traffic since. */
    public VariantTraffic stepBaseline() {
        return stepBaseline;
    }

    /** Half the pause, between 1 and 30 seconds. */
    public Duration checkInterval() {
        Duration half = canary.pause().dividedBy(2);
        return half.compareTo(MIN_CHECK_INTERVAL) < 0 ? MIN_CHECK_INTERVAL
                : half.compareTo(MAX_CHECK_INTERVAL) > 0 ? MAX_CHECK_INTERVAL : half;
    }

    /** Whether a check is due at {@code now}. */
    public boolean checkDue(Instant now) {
        return !now.isBefore(lastCheck.plus(checkInterval()));
    }

    /**
     * Records a check made at {@code now} and decides; on {@link Decision#ADVANCE} the next step begins at {@code now}
     * with {@code current} as its baseline.
     */
    public Decision record(Instant now, Check check, VariantTraffic current) {
        requireNonNull(now, "now is null");
        requireNonNull(check, "check is null");
        requireNonNull(current, "current is null");
        lastCheck = now;
        checks++;
        return switch (check.verdict()) {
            case FAIL -> ++failedChecks >= canary.failureLimit() ? Decision.ROLL_BACK : Decision.HOLD;
            case INCONCLUSIVE -> Decision.HOLD;
            case PASS -> {
                if (now.isBefore(stepStarted.plus(canary.pause()))) {
                    yield Decision.HOLD;
                }
                if (step == canary.steps().size() - 1) {
                    yield Decision.PROMOTE;
                }
                step++;
                stepStarted = now;
                stepBaseline = current;
                yield Decision.ADVANCE;
            }
        };
    }
}
