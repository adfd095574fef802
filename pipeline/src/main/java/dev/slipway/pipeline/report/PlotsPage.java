package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a {@link PlotsReport} as a self-contained HTML page ({@code index.html}: inline SVG charts, images inlined as
 * data URLs, nothing downloaded) and, on request, one PNG image per chart beside it.
 */
public final class PlotsPage {
    public static final String DEFAULT_FOLDER = "dvc_plots";
    public static final String INDEX = "index.html";

    private final ChartRenderer renderer;

    public PlotsPage(ChartRenderer renderer) {
        this.renderer = requireNonNull(renderer, "renderer is null");
    }

    /**
     * What was written.
     *
     * @param index the HTML page
     * @param pngFiles the PNG images, one per chart, in chart order (empty unless asked for)
     */
    public record Written(Path index, List<Path> pngFiles) {
        public Written {
            requireNonNull(index, "index is null");
            pngFiles = List.copyOf(requireNonNull(pngFiles, "pngFiles is null"));
        }
    }

    /**
     * Writes {@code index.html} (and the PNG images when {@code png}) into {@code folder}, creating it.
     *
     * @throws SlipwayException INTERNAL_ERROR naming the file that cannot be written
     */
    public Written write(PlotsReport report, Path folder, boolean png) {
        requireNonNull(report, "report is null");
        requireNonNull(folder, "folder is null");
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Slipway plots</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}")
                .append(".plot{display:inline-block;vertical-align:top;margin:0 24px 24px 0}")
                .append("h2{font-size:15px;margin:8px 0}.errors{color:#b00020}</style>\n</head>\n<body>\n");
        if (report.charts().isEmpty() && report.images().isEmpty()) {
            html.append("<p>No plots.</p>\n");
        }
        for (Chart chart : report.charts()) {
            html.append("<div class=\"plot\">\n<h2>").append(ChartRenderer.escape(chart.id())).append("</h2>\n")
                    .append(renderer.svg(chart)).append("</div>\n");
        }
        for (PlotsReport.Image image : report.images()) {
            html.append("<div class=\"plot\">\n<h2>").append(ChartRenderer.escape(image.version() + ": " + image.id()))
                    .append("</h2>\n<img alt=\"").append(ChartRenderer.escape(image.path())).append("\" src=\"data:")
                    .append(image.mediaType()).append(";base64,")
                    .append(Base64.getEncoder().encodeToString(image.content())).append("\">\n</div>\n");
        }
        if (!report.errors().isEmpty()) {
            html.append("<ul class=\"errors\">\n");
            report.errors().forEach(error -> html.append("<li>").append(ChartRenderer.escape(error)).append("</li>\n"));
            html.append("</ul>\n");
        }
        html.append("</body>\n</html>\n");
        Path index = folder.resolve(INDEX);
        List<Path> pngFiles = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            Files.writeString(index, html, UTF_8);
            if (png) {
                Set<String> used = new HashSet<>();
                for (Chart chart : report.charts()) {
                    Path file = folder.resolve(fileName(chart.id(), used) + ".png");
                    Files.write(file, renderer.png(chart));
                    pngFiles.add(file);
                }
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot write the plots into '%s': %s", folder, e), e);
        }
        return new Written(index, pngFiles);
    }

    /** A file name from a plot id ({@code plots/loss.csv} -> {@code plots_loss.csv}), unique within the folder. */
    static String fileName(String id, Set<String> used) {
        String base = id.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "");
        if (base.isEmpty()) {
            base = "plot";
        }
        String name = base;
        for (int suffix = 2; !used.add(name); suffix++) {
            name = base + "_" + suffix;
        }
        return name;
    }
}
