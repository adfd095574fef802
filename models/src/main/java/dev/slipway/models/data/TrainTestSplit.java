package dev.slipway.models.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Random;

/**
 * Splits the rows of a CSV file into a training and a test file, both with the header, streaming in constant memory.
 * Each row goes to the test file with probability {@code testFraction}, drawn from a {@link Random} seeded with
 * {@code seed}, so the same input, fraction and seed give the same two files on every machine; rows keep their order.
 * Fields are rewritten in {@link CsvWriter}'s dialect.
 *
 * @param testFraction the share of rows in the test file, above 0 and below 1
 * @param seed the seed of the draws
 */
public record TrainTestSplit(double testFraction, long seed) {
    public TrainTestSplit {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw SlipwayException.invalidParameter("The test fraction must be above 0 and below 1, got %s",
                    testFraction);
        }
    }

    /** How many data rows went to each file. */
    public record Counts(long trainingRows, long testRows) {
    }

    /**
     * Reads every row of {@code input} and writes it to {@code training} or {@code test}; flushes both writers and
     * closes none.
     *
     * @throws SlipwayException when the input is not valid CSV (naming the row and column) or writing fails
     */
    public Counts split(CsvReader input, CsvWriter training, CsvWriter test) {
        requireNonNull(input, "input is null");
        requireNonNull(training, "training is null");
        requireNonNull(test, "test is null");
        Random random = new Random(seed);
        training.writeRow(input.header());
        test.writeRow(input.header());
        long trainingRows = 0;
        long testRows = 0;
        while (input.next()) {
            boolean toTest = random.nextDouble() < testFraction;
            CsvWriter output = toTest ? test : training;
            for (int column = 0; column < input.fieldCount(); column++) {
                output.field(input.get(column));
            }
            output.endRow();
            if (toTest) {
                testRows++;
            } else {
                trainingRows++;
            }
        }
        training.flush();
        test.flush();
        return new Counts(trainingRows, testRows);
    }
}
