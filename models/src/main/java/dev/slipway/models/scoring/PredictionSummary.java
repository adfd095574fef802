package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** What a batch prediction wrote: the output file, its columns and the number of rows. */
public record PredictionSummary(Path output, List<String> columns, long rows) {
    public PredictionSummary {
        requireNonNull(output, "output is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
    }
}
