package dev.slipway.bench;

import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.monitoring.DriftOptions;
import dev.slipway.monitoring.DriftReport;
import dev.slipway.monitoring.WindowSketch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A drift report for a window of 1,000,000 rows x 20 features (16 numeric, 4 categorical) against a 100,000-row
 * reference, in process: building the window's sketch row by row through {@link WindowSketch#add(Object[])} (the
 * prediction log's path, boxing included), then {@link DriftReport#compute} (Evidently's default methods: Wasserstein
 * and Jensen-Shannon for a reference of more than 1000 rows). The reference sketch is built once, outside the timing.
 * Half the numeric features of the window are shifted. Data comes from a fixed-seed PRNG into column arrays before
 * the timing. Prints the median and min over rounds of: sketching, report, total, and the per-row sketching cost.
 *
 * <pre>bench/run drift [--rows 1000000] [--reference 100000] [--rounds 5]</pre>
 */
public final class DriftBench {
    private static final int NUMERIC = 16;
    private static final int CATEGORICAL = 4;
    private static final String[] CATEGORIES = {"a", "b", "c", "d", "e", "f", "g", "h"};

    private DriftBench() {}

    public static void main(String[] args) {
        int rows = 1_000_000;
        int referenceRows = 100_000;
        int rounds = 5;
        for (int index = 0; index < args.length; index++) {
            switch (args[index]) {
                case "--rows" -> rows = Integer.parseInt(args[++index]);
                case "--reference" -> referenceRows = Integer.parseInt(args[++index]);
                case "--rounds" -> rounds = Integer.parseInt(args[++index]);
                default -> throw new IllegalArgumentException("unknown option: " + args[index]);
            }
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (int i = 0; i < NUMERIC; i++) {
            columns.add(ColumnSpec.numeric("num" + i));
        }
        for (int i = 0; i < CATEGORICAL; i++) {
            columns.add(ColumnSpec.categorical("cat" + i));
        }
        Table reference = Table.generate(referenceRows, 1, 0);
        Table current = Table.generate(rows, 2, 0.5);
        WindowSketch referenceWindow = new WindowSketch(columns, 1);
        reference.feed(referenceWindow);
        DatasetSketch referenceSketch = referenceWindow.snapshot();

        long[] sketching = new long[rounds];
        long[] report = new long[rounds];
        int drifted = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            WindowSketch window = new WindowSketch(columns, 1);
            current.feed(window);
            DatasetSketch currentSketch = window.snapshot();
            long sketched = System.nanoTime();
            DriftReport result = DriftReport.compute(referenceSketch, currentSketch, DriftOptions.defaults());
            long done = System.nanoTime();
            sketching[round] = sketched - start;
            report[round] = done - sketched;
            drifted = result.driftedFeatures().size();
        }
        long[] total = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            total[round] = sketching[round] + report[round];
        }
        System.out.printf(Locale.ROOT, "drift report: %,d rows x %d features against %,d reference rows, %d rounds (%d features drifted)%n",
                rows, NUMERIC + CATEGORICAL, referenceRows, rounds, drifted);
        print("sketch window", sketching);
        print("drift report", report);
        print("total", total);
        System.out.printf(Locale.ROOT, "%-14s median %8.1f ns per row (%d features)%n", "sketch per row", (double) median(sketching) / rows, NUMERIC + CATEGORICAL);
    }

    private static void print(String label, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-14s median %8.1f ms   min %8.1f ms%n", label, median(nanos) / 1e6, Arrays.stream(nanos).min().orElse(0) / 1e6);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Column arrays of synthetic features; {@code shift} moves half of the numeric features. */
    private record Table(int rows, double[][] numeric, String[][] categorical) {
        static Table generate(int rows, long seed, double shift) {
            SplittableRandom random = new SplittableRandom(seed);
            double[][] numeric = new double[NUMERIC][rows];
            String[][] categorical = new String[CATEGORICAL][rows];
            for (int column = 0; column < NUMERIC; column++) {
                double columnShift = column % 2 == 0 ? shift : 0;
                for (int row = 0; row < rows; row++) {
                    double gaussian = gaussian(random);
                    numeric[column][row] = column % 4 == 3 ? Math.exp(gaussian + columnShift) : 100 * (gaussian + columnShift) + 50 * column;
                }
            }
            for (int column = 0; column < CATEGORICAL; column++) {
                for (int row = 0; row < rows; row++) {
                    categorical[column][row] = CATEGORIES[Math.min(CATEGORIES.length - 1, (int) (-Math.log(1 - random.nextDouble()) * 2))];
                }
            }
            return new Table(rows, numeric, categorical);
        }

        private static double gaussian(SplittableRandom random) {
            double u = random.nextDouble();
            double v = random.nextDouble();
            return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }

        void feed(WindowSketch window) {
            Object[] row = new Object[NUMERIC + CATEGORICAL];
            for (int r = 0; r < rows; r++) {
                for (int column = 0; column < NUMERIC; column++) {
                    row[column] = numeric[column][r];
                }
                for (int column = 0; column < CATEGORICAL; column++) {
                    row[NUMERIC + column] = categorical[column][r];
                }
                window.add(row);
            }
        }
    }
}
