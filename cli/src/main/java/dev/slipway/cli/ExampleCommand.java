package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvWriter;
import dev.slipway.models.data.TrainTestSplit;
import dev.slipway.models.examples.ChurnGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway example ...}: what the examples and the demo need and nobody should download: a synthetic churn
 * table, a seeded train/test split, and the churn pipeline template. Files are written through a temporary file in
 * the same folder and moved into place, so a failed or interrupted command leaves no half-written output.
 */
@Command(name = "example", description = "Example data and projects shipped with Slipway: churn-data, split, "
        + "churn-project.",
        subcommands = {ExampleCommand.ChurnData.class, ExampleCommand.Split.class, ExampleCommand.ChurnProject.class})
final class ExampleCommand {
    private ExampleCommand() {}

    /** A subcommand that runs in the environment's working directory. */
    abstract static class ExampleSubcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        final Environment environment;

        ExampleSubcommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            run(out);
            out.flush();
            return 0;
        }

        abstract void run(PrintWriter out) throws Exception;

        ParameterException usageError(String format, Object... args) {
            return new ParameterException(spec.commandLine(), String.format(Locale.ROOT, format, args));
        }
    }

    @Command(name = "churn-data", description = {"Write a synthetic, seeded table of telecom customers and whether "
            + "they churned (the target 'churned', 0/1) as CSV.",
            "Columns: tenure_months, monthly_charges, total_charges, contract, payment_method, support_calls, "
                    + "internet_service, senior, churned. The same seed and row count give the same bytes."})
    static final class ChurnData extends ExampleSubcommand {
        @Option(names = "--rows", paramLabel = "N", defaultValue = "5000",
                description = "How many customers (default: 5000).")
        long rows;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "The seed (default: 42).")
        long seed;

        @Option(names = "--drift", paramLabel = "F", defaultValue = "0", description = {"Shift the customers, from 0 "
                + "(none, the default) to 1 (strong): shorter tenures, more month-to-month contracts and fiber, higher "
                + "prices, more support calls. For trying monitoring on data unlike the training data."})
        double drift;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "CSV",
                description = "The file to write (its folder is created; an existing file is replaced).")
        Path output;

        ChurnData(Environment environment) {
            super(environment);
        }

        @Override
        void run(PrintWriter out) throws IOException {
            if (rows < 0) {
                throw usageError("--rows must not be negative, got %d", rows);
            }
            if (!(drift >= 0 && drift <= 1)) {
                throw usageError("--drift must be between 0 and 1, got %s", drift);
            }
            ChurnGenerator generator = new ChurnGenerator(seed, drift);
            Path file = environment.resolve(output.toString());
            writeAtomically(List.of(file), writers -> generator.write(writers.get(0), rows));
            out.printf(Locale.ROOT, "Wrote %,d customers to %s%n", rows, output);
        }
    }

    @Command(name = "split", description = {"Split a CSV file into a training and a test file, both with the header.",
            "Each row goes to the test file with probability --test-fraction, drawn from --seed: the same input, "
                    + "fraction and seed give the same files. Streams: any size fits."})
    static final class Split extends ExampleSubcommand {
        @Option(names = {"-i", "--input"}, required = true, paramLabel = "CSV", description = "The CSV file to split.")
        Path input;

        @Option(names = "--train", required = true, paramLabel = "CSV", description = "The training rows' file.")
        Path train;

        @Option(names = "--test", required = true, paramLabel = "CSV", description = "The test rows' file.")
        Path test;

        @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.2",
                description = "The share of rows for the test file, above 0 and below 1 (default: 0.2).")
        double testFraction;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "The seed (default: 42).")
        long seed;

        Split(Environment environment) {
            super(environment);
        }

        @Override
        void run(PrintWriter out) throws IOException {
            if (!(testFraction > 0 && testFraction < 1)) {
                throw usageError("--test-fraction must be above 0 and below 1, got %s", testFraction);
            }
            Path inputFile = environment.resolve(input.toString());
            Path trainFile = environment.resolve(train.toString());
            Path testFile = environment.resolve(test.toString());
            if (trainFile.equals(testFile) || trainFile.equals(inputFile) || testFile.equals(inputFile)) {
                throw usageError("--input, --train and --test must be three different files");
            }
            if (!Files.isRegularFile(inputFile)) {
                throw SlipwayException.notFound("Input file '%s' does not exist", input);
            }
            TrainTestSplit split = new TrainTestSplit(testFraction, seed);
            TrainTestSplit.Counts[] counts = new TrainTestSplit.Counts[1];
            writeAtomically(List.of(trainFile, testFile), writers -> {
                try (CsvReader reader = CsvReader.open(inputFile)) {
                    counts[0] = split.split(reader, CsvWriter.of(writers.get(0), train.toString()),
                            CsvWriter.of(writers.get(1), test.toString()));
                }
            });
            out.printf(Locale.ROOT, "Wrote %,d rows to %s and %,d rows to %s%n", counts[0].trainingRows(), train,
                    counts[0].testRows(), test);
        }
    }

    @Command(name = "churn-project", description = {"Copy the churn pipeline (dvc.yaml, params.yaml, README.md: "
            + "prepare -> train -> evaluate, each stage calling slipway) into a folder.",
            "Then run it there with 'slipway repro'."})
    static final class ChurnProject extends ExampleSubcommand {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
                description = "The folder (created if missing; default: the current folder).")
        Path folder;

        ChurnProject(Environment environment) {
            super(environment);
        }

        @Override
        void run(PrintWriter out) {
            Path target = environment.resolve(folder.toString());
            List<Path> written = ExampleProject.CHURN.copyTo(target);
            for (Path file : written) {
                out.printf("Wrote %s%n", file);
            }
        }
    }

    /** Writes to the writers given, one per target file. */
    @FunctionalInterface
    interface Content {
        void write(List<BufferedWriter> writers) throws IOException;
    }

    /**
     * Writes each target through a temporary file beside it, then moves them all into place, so that the targets are
     * either replaced whole or left as they were.
     */
    static void writeAtomically(List<Path> targets, Content content) throws IOException {
        List<Path> temporaries = new ArrayList<>();
        List<BufferedWriter> writers = new ArrayList<>();
        try {
            for (Path target : targets) {
                Path folder = target.toAbsolutePath().getParent();
                Files.createDirectories(folder);
                Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
                temporaries.add(temporary);
                writers.add(Files.newBufferedWriter(temporary, StandardCharsets.UTF_8));
            }
            content.write(List.copyOf(writers));
            for (BufferedWriter writer : writers) {
                writer.close();
            }
            for (int i = 0; i < targets.size(); i++) {
                Files.move(temporaries.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            for (BufferedWriter writer : writers) {
                writer.close();
            }
            for (Path temporary : temporaries) {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
