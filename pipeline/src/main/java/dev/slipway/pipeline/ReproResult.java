package dev.slipway.pipeline;

import java.util.List;

/** The results of a repro, one per planned stage in plan order. */
public record ReproResult(List<StageResult> results, boolean interrupted) {
    public ReproResult {
        results = List.copyOf(results);
    }

    /** No stage failed and nothing was interrupted. */
    public boolean succeeded() {
        return !interrupted && results.stream().allMatch(StageResult::succeeded);
    }
}
