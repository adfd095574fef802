package dev.slipway.models.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Small generated training tables: two numeric columns (some cells missing; x2 has one decimal, so many
 * rows tie and split thresholds fall next to data values) and one categorical column.
 */
final class GeneratedTables {
    static final List<String> HEADER = List.of("x1", "x2", "color", "target");
    private static final String[] COLORS = {"red", "green", "blue"};

    private GeneratedTables() {
    }

    /** {@code classes} 0 for regression, else the number of classes (named c0, c1, ...). */
    static TrainingTable table(String source, int rows, int classes, long seed) {
        Random random = new Random(seed);
        List<List<String>> cells = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            double x1 = random.nextGaussian() * 2;
            double x2 = random.nextDouble() * 10 - 5;
            int color = random.nextInt(COLORS.length);
            double signal = x1 + 0.4 * x2 + (color == 1 ? 1.5 : 0) + random.nextGaussian() * 0.5;
            String target;
            if (classes == 0) {
                target = format(signal * 1.5 + 3);
            } else {
                int label = (int) Math.floor((Math.tanh(signal / 3) + 1) / 2 * classes);
                target = "c" + Math.min(classes - 1, Math.max(0, label));
            }
            cells.add(List.of(
                    random.nextInt(10) == 0 ? "" : format(x1),
                    random.nextInt(12) == 0 ? "" : String.format(Locale.ROOT, "%.1f", x2),
                    random.nextInt(15) == 0 ? "" : COLORS[color],
                    target));
        }
        return new TrainingTable(source, HEADER, cells);
    }

    /** Rows to score: like the training rows, plus an unknown category and missing cells. */
    static TrainingTable scoringTable(int rows, int classes, long seed) {
        TrainingTable base = table("scoring.csv", rows, classes, seed);
        List<List<String>> cells = new ArrayList<>(base.rows());
        cells.add(List.of("", "", "purple", classes == 0 ? "0" : "c0"));
        cells.add(List.of("0.5", "", "", classes == 0 ? "0" : "c0"));
        cells.add(List.of("1e3", "-7.25", "blue", classes == 0 ? "0" : "c0"));
        return new TrainingTable("scoring.csv", HEADER, cells);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
