package dev.slipway.pipeline.report;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The plots of one or more versions: a chart per plot definition with one series per version (and field), the
 * image plots as they are, and what could not be read.
 *
 * @param errors one line per file that could not be read: {@code version: path: message}
 */
public record PlotsReport(List<Chart> charts, List<Image> images, List<String> errors) {
    /** An image plot ({@code .png}, {@code .svg}, ...) of one version. */
    public record Image(String id, String version, String path, byte[] content) {
        public Image {
            requireNonNull(id, "id is null");
            requireNonNull(version, "version is null");
            requireNonNull(path, "path is null");
            content = requireNonNull(content, "content is null").clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        /** The MIME type for its extension. */
        public String mediaType() {
            String lower = path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".svg")) {
                return "image/svg+xml";
            }
            if (lower.endsWith(".gif")) {
                return "image/gif";
            }
            return lower.endsWith(".png") ? "image/png" : "image/jpeg";
        }
    }

    public PlotsReport {
        charts = List.copyOf(requireNonNull(charts, "charts is null"));
        images = List.copyOf(requireNonNull(images, "images is null"));
        errors = List.copyOf(requireNonNull(errors, "errors is null"));
    }

    /** Reads every definition's data files in every version. */
    static PlotsReport collect(List<PlotDefinition> definitions, List<VersionedFiles> versions) {
        List<Chart> charts = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (PlotDefinition definition : definitions) {
            List<Chart.Series> series = new ArrayList<>();
            String xLabel = definition.x().orElse(PlotDefinition.INDEX_FIELD);
            List<String> yNames = new ArrayList<>();
            int lines = definition.fields().values().stream().mapToInt(fields -> Math.max(1, fields.size())).sum();
            for (VersionedFiles version : versions) {
                for (Map.Entry<String, List<String>> file : definition.fields().entrySet()) {
                    String path = file.getKey();
                    if (PlotDefinition.isImage(path)) {
                        version.read(path).ifPresent(bytes -> images.add(new Image(definition.id(), version.name(),
                                path, bytes)));
                        continue;
                    }
                    Optional<byte[]> bytes = version.read(path);
                    if (bytes.isEmpty()) {
                        continue;
                    }
                    List<Map<String, Object>> records;
                    try {
                        records = PlotData.records(path, bytes.get(), definition.header());
                    } catch (SlipwayException e) {
                        errors.add(version.name() + ": " + path + ": " + e.getMessage());
                        continue;
                    }
                    List<String> fields = file.getValue().isEmpty() ? defaultY(records, definition.x())
                            : file.getValue();
                    for (String field : fields) {
                        if (!yNames.contains(field)) {
                            yNames.add(field);
                        }
                        List<Chart.Point> points = new ArrayList<>();
                        for (int index = 0; index < records.size(); index++) {
                            Map<String, Object> record = records.get(index);
                            Optional<Double> y = PlotData.number(record.get(field));
                            double x = definition.x().flatMap(name -> PlotData.number(record.get(name)))
                                    .orElse((double) index);
                            y.ifPresent(value -> points.add(new Chart.Point(x, value)));
                        }
                        String label = lines > 1 || definition.fields().size() > 1
                                ? version.name() + " " + path + ": " + field : version.name();
                        series.add(new Chart.Series(label, points));
                    }
                }
            }
            boolean onlyImages = definition.fields().keySet().stream().allMatch(PlotDefinition::isImage);
            if (!onlyImages) {
                charts.add(new Chart(definition.id(), definition.title().orElse(definition.id()),
                        definition.xLabel().orElse(xLabel), definition.yLabel().orElse(String.join(", ", yNames)),
                        definition.template().toLowerCase(Locale.ROOT).startsWith("scatter"), series));
            }
        }
        return new PlotsReport(charts, images, errors);
    }

    /** DVC's default y: the last field of the first record (here: the last numeric one that is not x). */
    private static List<String> defaultY(List<Map<String, Object>> records, Optional<String> x) {
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>(records.get(0).keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            String name = names.get(i);
            if (!x.map(name::equals).orElse(false) && PlotData.number(records.get(0).get(name)).isPresent()) {
                return List.of(name);
            }
        }
        return List.of();
    }
}
