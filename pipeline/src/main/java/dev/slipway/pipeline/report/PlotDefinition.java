package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One plot a {@code dvc.yaml} declares: a top-level {@code plots} entry or a stage's {@code plots} output.
 *
 * @param id the plot's name: its file path, or the key of a top-level definition
 * @param fields the data files and, for each, the y fields it contributes (empty: DVC's default, the last field)
 * @param x the x field; absent: the row index, named {@code step} as DVC names it
 * @param template DVC's template name ({@code linear}, {@code scatter}, ...); {@code linear} when not given
 * @param title the chart title, if given
 * @param xLabel the x axis label, if given
 * @param yLabel the y axis label, if given
 * @param header whether CSV/TSV files start with a header row ({@code header: false} names columns 0, 1, ...)
 */
public record PlotDefinition(String id, Map<String, List<String>> fields, Optional<String> x, String template,
        Optional<String> title, Optional<String> xLabel, Optional<String> yLabel, boolean header) {
    public static final String INDEX_FIELD = "step";
    public static final String DEFAULT_TEMPLATE = "linear";

    public PlotDefinition {
        requireNonNull(id, "id is null");
        requireNonNull(fields, "fields is null");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        fields.forEach((file, names) -> copy.put(requireNonNull(file, "file is null"), List.copyOf(names)));
        fields = java.util.Collections.unmodifiableMap(copy);
        requireNonNull(x, "x is null");
        requireNonNull(template, "template is null");
        requireNonNull(title, "title is null");
        requireNonNull(xLabel, "xLabel is null");
        requireNonNull(yLabel, "yLabel is null");
    }

    /** A plot of one file with DVC's defaults. */
    public static PlotDefinition ofFile(String path) {
        return new PlotDefinition(path, Map.of(path, List.of()), Optional.empty(), DEFAULT_TEMPLATE, Optional.empty(),
                Optional.empty(), Optional.empty(), true);
    }

    /** Whether the file is an image, which DVC shows as is rather than as a chart. */
    public static boolean isImage(String path) {
        String lower = path.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".gif")
                || lower.endsWith(".svg");
    }
}
