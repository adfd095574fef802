package dev.slipway.pipeline.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a {@link Chart} as inline SVG or as a PNG image, with the same layout: axes with round tick values, one
 * colour per series, a legend on the right. Stateless and thread-safe.
 */
public final class ChartRenderer {
    public static final int WIDTH = 760;
    public static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT_OF_PLOT = 520;
    private static final int TOP = 40;
    private static final int BOTTOM_OF_PLOT = 360;
    private static final int LEGEND_X = 540;
    private static final int LEGEND_CHARACTERS = 30;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    /** The chart as an {@code <svg>} element of {@link #WIDTH} x {@link #HEIGHT}. */
    public String svg(Chart chart) {
        Scale scale = Scale.of(chart);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0 - 110, 22, chart.title(), "middle", 15, "bold"));
        for (double tick : scale.xTicks()) {
            double x = scale.x(tick);
            svg.append(line(x, TOP, x, BOTTOM_OF_PLOT, "#e5e5e5"));
            svg.append(text(x, BOTTOM_OF_PLOT + 16, label(tick), "middle", 11, "normal"));
        }
        for (double tick : scale.yTicks()) {
            double y = scale.y(tick);
            svg.append(line(LEFT, y, RIGHT_OF_PLOT, y, "#e5e5e5"));
            svg.append(text(LEFT - 6, y + 4, label(tick), "end", 11, "normal"));
        }
        svg.append(line(LEFT, BOTTOM_OF_PLOT, RIGHT_OF_PLOT, BOTTOM_OF_PLOT, "#333"));
        svg.append(line(LEFT, TOP, LEFT, BOTTOM_OF_PLOT, "#333"));
        svg.append(text((LEFT + RIGHT_OF_PLOT) / 2.0, BOTTOM_OF_PLOT + 40, chart.xLabel(), "middle", 12, "normal"));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 18 %.1f)\">%s</text>%n", (TOP + BOTTOM_OF_PLOT) / 2.0,
                (TOP + BOTTOM_OF_PLOT) / 2.0, escape(chart.yLabel())));
        for (int index = 0; index < chart.series().size(); index++) {
            Chart.Series series = chart.series().get(index);
            String color = COLORS[index % COLORS.length];
            if (!chart.scatter() && series.points().size() > 1) {
                StringBuilder points = new StringBuilder();
                for (Chart.Point point : series.points()) {
                    points.append(String.format(Locale.ROOT, "%.2f,%.2f ", scale.x(point.x()), scale.y(point.y())));
                }
                svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                        color, points.toString().strip()));
            }
            if (chart.scatter() || series.points().size() <= 50) {
                for (Chart.Point point : series.points()) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%s\" fill=\"%s\">"
                            + "<title>%s</title></circle>%n", scale.x(point.x()), scale.y(point.y()),
                            chart.scatter() ? "3.5" : "2.5", color,
                            escape(series.label() + " (" + label(point.x()) + ", " + label(point.y()) + ")")));
                }
            }
            double legendY = TOP + 10 + index * 20;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/>%n",
                    LEGEND_X, legendY - 4, color));
            svg.append(text(LEGEND_X + 20, legendY + 2, legend(series.label()), "start", 12, "normal"));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The chart as a PNG image of {@link #WIDTH} x {@link #HEIGHT}, drawn headless. */
    public byte[] png(Chart chart) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Scale scale = Scale.of(chart);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, WIDTH, HEIGHT);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            drawText(graphics, chart.title(), WIDTH / 2.0 - 110, 22, "middle", Color.BLACK);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double tick : scale.xTicks()) {
                int x = (int) Math.round(scale.x(tick));
                graphics.setColor(new Color(0xE5E5E5));
                graphics.drawLine(x, TOP, x, BOTTOM_OF_PLOT);
                drawText(graphics, label(tick), x, BOTTOM_OF_PLOT + 16, "middle", Color.DARK_GRAY);
            }
            for (double tick : scale.yTicks()) {
                int y = (int) Math.round(scale.y(tick));
                graphics.setColor(new Color(0xE5E5E5));
                graphics.drawLine(LEFT, y, RIGHT_OF_PLOT, y);
                drawText(graphics, label(tick), LEFT - 6, y + 4, "end", Color.DARK_GRAY);
            }
            graphics.setColor(new Color(0x333333));
            graphics.drawLine(LEFT, BOTTOM_OF_PLOT, RIGHT_OF_PLOT, BOTTOM_OF_PLOT);
            graphics.drawLine(LEFT, TOP, LEFT, BOTTOM_OF_PLOT);
            graphics.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            drawText(graphics, chart.xLabel(), (LEFT + RIGHT_OF_PLOT) / 2.0, BOTTOM_OF_PLOT + 40, "middle", Color.BLACK);
            AffineTransform saved = graphics.getTransform();
            graphics.rotate(-Math.PI / 2, 18, (TOP + BOTTOM_OF_PLOT) / 2.0);
            drawText(graphics, chart.yLabel(), 18, (TOP + BOTTOM_OF_PLOT) / 2.0, "middle", Color.BLACK);
            graphics.setTransform(saved);
            for (int index = 0; index < chart.series().size(); index++) {
                Chart.Series series = chart.series().get(index);
                Color color = Color.decode(COLORS[index % COLORS.length]);
                graphics.setColor(color);
                graphics.setStroke(new BasicStroke(2f));
                if (!chart.scatter() && series.points().size() > 1) {
                    Path2D.Double path = new Path2D.Double();
                    boolean first = true;
                    for (Chart.Point point : series.points()) {
                        if (first) {
                            path.moveTo(scale.x(point.x()), scale.y(point.y()));
                            first = false;
                        } else {
                            path.lineTo(scale.x(point.x()), scale.y(point.y()));
                        }
                    }
                    graphics.draw(path);
                }
                if (chart.scatter() || series.points().size() <= 50) {
                    double radius = chart.scatter() ? 3.5 : 2.5;
                    for (Chart.Point point : series.points()) {
                        graphics.fill(new Ellipse2D.Double(scale.x(point.x()) - radius, scale.y(point.y()) - radius,
                                2 * radius, 2 * radius));
                    }
                }
                int legendY = TOP + 10 + index * 20;
                graphics.fillRect(LEGEND_X, legendY - 4, 14, 4);
                drawText(graphics, legend(series.label()), LEGEND_X + 20, legendY + 2, "start", Color.BLACK);
            }
        } finally {
            graphics.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void drawText(Graphics2D graphics, String text, double x, double y, String anchor, Color color) {
        FontMetrics metrics = graphics.getFontMetrics();
        int width = metrics.stringWidth(text);
        double left = switch (anchor) {
            case "middle" -> x - width / 2.0;
            case "end" -> x - width;
            default -> x;
        };
        graphics.setColor(color);
        graphics.drawString(text, (float) left, (float) y);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String content, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
                + "font-weight=\"%s\">%s</text>%n", x, y, anchor, size, weight, escape(content));
    }

    /** A legend entry that fits right of the chart: long labels keep their end, which names the field. */
    private static String legend(String label) {
        return label.length() <= LEGEND_CHARACTERS ? label : "..." + label.substring(label.length() - LEGEND_CHARACTERS + 3);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A tick or point value: integers without a fraction, others with up to 4 significant decimals. */
    private static String label(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.4g", value);
        if (text.contains("e")) {
            return text;
        }
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    /** Data to pixel coordinates, with the axes' ranges widened to round tick values. */
    private record Scale(double minX, double maxX, double minY, double maxY, double xStep, double yStep) {
        static Scale of(Chart chart) {
            double minX = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (Chart.Series series : chart.series()) {
                for (Chart.Point point : series.points()) {
                    if (Double.isFinite(point.x()) && Double.isFinite(point.y())) {
                        minX = Math.min(minX, point.x());
                        maxX = Math.max(maxX, point.x());
                        minY = Math.min(minY, point.y());
                        maxY = Math.max(maxY, point.y());
                    }
                }
            }
            if (minX > maxX) {
                minX = 0;
                maxX = 1;
                minY = 0;
                maxY = 1;
            }
            if (minX == maxX) {
                minX -= 1;
                maxX += 1;
            }
            if (minY == maxY) {
                minY -= Math.max(1, Math.abs(minY) * 0.1);
                maxY += Math.max(1, Math.abs(maxY) * 0.1);
            }
            double xStep = niceStep((maxX - minX) / 6);
            double yStep = niceStep((maxY - minY) / 5);
            return new Scale(Math.floor(minX / xStep) * xStep, Math.ceil(maxX / xStep) * xStep,
                    Math.floor(minY / yStep) * yStep, Math.ceil(maxY / yStep) * yStep, xStep, yStep);
        }

        private static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double fraction = rough / magnitude;
            double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        double x(double value) {
            return LEFT + (value - minX) / (maxX - minX) * (RIGHT_OF_PLOT - LEFT);
        }

        double y(double value) {
            return BOTTOM_OF_PLOT - (value - minY) / (maxY - minY) * (BOTTOM_OF_PLOT - TOP);
        }

        List<Double> xTicks() {
            return ticks(minX, maxX, xStep);
        }

        List<Double> yTicks() {
            return ticks(minY, maxY, yStep);
        }

        private static List<Double> ticks(double from, double to, double step) {
            List<Double> ticks = new ArrayList<>();
            for (int i = 0; i <= 50 && from + i * step <= to + step * 1e-9; i++) {
                double tick = from + i * step;
                ticks.add(Math.abs(tick) < step * 1e-9 ? 0 : tick);
            }
            return ticks;
        }
    }
}
