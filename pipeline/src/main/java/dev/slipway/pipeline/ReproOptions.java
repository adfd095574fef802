package dev.slipway.pipeline;

import java.util.Map;

/**
 * Options of {@code repro}, as DVC's flags.
 *
 * @param force run even unchanged stages, without the run-cache ({@code -f})
 * @param singleItem only the targets, not what they depend on ({@code -s})
 * @param downstream the targets and what depends on them ({@code --downstream})
 * @param dry say what would run, run nothing ({@code --dry})
 * @param jobs how many independent stages may run at once (at least 1)
 * @param keepGoing after a failure, go on with stages that do not depend on it
 * @param noRunCache never restore from the run-cache ({@code --no-run-cache})
 * @param environment the environment of the commands (the process's, usually), before DVC_ROOT, DVC_STAGE and the
 *     listener's variables
 */
public record ReproOptions(boolean force, boolean singleItem, boolean downstream, boolean dry, int jobs,
        boolean keepGoing, boolean noRunCache, Map<String, String> environment) {
    public ReproOptions {
        if (jobs < 1) {
            throw dev.slipway.core.SlipwayException.invalidParameter("jobs must be at least 1, not %d", jobs);
        }
        environment = Map.copyOf(environment);
    }

    /** Nothing forced, one job, with {@code environment}. */
    public static ReproOptions defaults(Map<String, String> environment) {
        return new ReproOptions(false, false, false, false, 1, false, false, environment);
    }

    public ReproOptions withForce(boolean value) {
        return new ReproOptions(value, singleItem, downstream, dry, jobs, keepGoing, noRunCache, environment);
    }

    public ReproOptions withSingleItem(boolean value) {
        return new ReproOptions(force, value, downstream, dry, jobs, keepGoing, noRunCache, environment);
    }

    public ReproOptions withDownstream(boolean value) {
        return new ReproOptions(force, singleItem, value, dry, jobs, keepGoing, noRunCache, environment);
    }

    public ReproOptions withDry(boolean value) {
        return new ReproOptions(force, singleItem, downstream, value, jobs, keepGoing, noRunCache, environment);
    }

    public ReproOptions withJobs(int value) {
        return new ReproOptions(force, singleItem, downstream, dry, value, keepGoing, noRunCache, environment);
    }

    public ReproOptions withKeepGoing(boolean value) {
        return new ReproOptions(force, singleItem, downstream, dry, jobs, value, noRunCache, environment);
    }

    public ReproOptions withNoRunCache(boolean value) {
        return new ReproOptions(force, singleItem, downstream, dry, jobs, keepGoing, value, environment);
    }
}
