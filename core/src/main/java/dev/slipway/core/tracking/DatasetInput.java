package dev.slipway.core.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A dataset used by a run, with the input tags of that use (for example {@code mlflow.data.context}). */
public record DatasetInput(List<Tag> tags, Dataset dataset) {
    public DatasetInput {
        tags = List.copyOf(requireNonNull(tags, "tags is null"));
        requireNonNull(dataset, "dataset is null");
    }
}
