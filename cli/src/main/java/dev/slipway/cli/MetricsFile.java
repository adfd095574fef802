package dev.slipway.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A metrics file as DVC's {@code metrics} (and {@code slipway metrics show}) read it: one flat JSON object from
 * metric name to number, such as {@code {"roc_auc": 0.83, "accuracy": 0.77}}. A value that is not a finite number
 * (JSON has no NaN) is left out.
 */
final class MetricsFile {
    private MetricsFile() {}

    /** Writes the metrics, in the map's order, through a temporary file beside {@code file} that is then moved. */
    static void write(Path file, Map<String, Double> metrics) throws IOException {
        ObjectNode node = TrackingCommand.json().createObjectNode();
        metrics.forEach((key, value) -> {
            if (value != null && Double.isFinite(value)) {
                node.put(key, value);
            }
        });
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, TrackingCommand.json().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(node) + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
