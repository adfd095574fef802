package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A run with its data: the latest value of each metric, its params, its tags and its dataset inputs.
 */
public record Run(RunInfo info, List<Metric> metrics, List<Param> params, List<Tag> tags, List<DatasetInput> inputs) {
    public Run {
        requireNonNull(info, "info is null");
        metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
        params = List.copyOf(requireNonNull(params, "params is null"));
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    }
}
