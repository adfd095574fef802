package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Scores a CSV file with a model and writes the predictions as CSV, streaming: rows are read,
 * scored and written in batches (1,000 rows by default), so files of any size take constant
 * memory.
 *
 * <p>The header is checked against the model before any row is scored (a missing column is one
 * error naming it); a cell that is not a number where the model needs one stops the run with an
 * error naming the file, row and column. The output columns are {@code prediction} and, for a
 * classifier with probabilities, {@code probability_<class>} per class (see {@link Predictions}).
 * The output file is written to a temporary sibling and renamed when complete, so a failed run
 * leaves no partial output.
 *
 * <p>Thread-safe: each call uses its own batches (ONNX Runtime sessions may run concurrently).
 */
public final class BatchPredictor {
    /** The default number of rows per batch. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;

    private final OnnxModel model;
    private final int batchSize;

    public BatchPredictor(OnnxModel model, int batchSize) {
        this.model = requireNonNull(model, "model is null");
        if (batchSize < 1) {
            throw SlipwayException.invalidParameter("Batch size must be at least 1, got %d", batchSize);
        }
        this.batchSize = batchSize;
    }

    public BatchPredictor(OnnxModel model) {
        this(model, DEFAULT_BATCH_SIZE);
    }

    /**
     * Predicts every row of {@code input} into {@code output} (created or replaced).
     *
     * @param excludedColumns columns never used as features (the model's target always is)
     * @param progress called after each batch with the number of rows done so far
     * @throws SlipwayException for a missing input file, a header without a column the model needs,
     *     a bad value (naming the row and column), or a failure to write the output
     */
    public PredictionSummary predict(Path input, Path output, Set<String> excludedColumns, LongConsumer progress) {
        requireNonNull(input, "input is null");
        requireNonNull(output, "output is null");
        requireNonNull(excludedColumns, "excludedColumns is null");
        requireNonNull(progress, "progress is null");
        Path target = output.toAbsolutePath().normalize();
        Path temporary;
        try {
            Files.createDirectories(target.getParent());
            temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Cannot write predictions to '%s': %s".formatted(output, e.getMessage()), e);
        }
        boolean done = false;
        try (CsvReader reader = CsvReader.open(input)) {
            PredictionSummary summary;
            try (CsvWriter writer = CsvWriter.open(temporary)) {
                summary = predict(reader, writer, excludedColumns, progress);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return new PredictionSummary(output, summary.columns(), summary.rows());
        } catch (IOException | UncheckedIOException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Cannot write predictions to '%s': %s".formatted(output, e.getMessage()), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // The leftover is a hidden .tmp file beside the output; nothing else to do.
                }
            }
        }
    }

    /**
     * Predicts the remaining rows of a reader into a writer (header first). The caller closes
     * both. The returned summary's {@code output} is an empty path.
     *
     * <p>Two batches alternate: while a helper thread scores one with ONNX Runtime and writes its
     * predictions, this thread parses the next rows into the other, so reading CSV overlaps with
     * scoring and writing. The writer and the progress callback are used by one thread at a time.
     */
    public PredictionSummary predict(CsvReader reader, CsvWriter writer, Set<String> excludedColumns,
            LongConsumer progress) {
        requireNonNull(reader, "reader is null");
        requireNonNull(writer, "writer is null");
        requireNonNull(excludedColumns, "excludedColumns is null");
        requireNonNull(progress, "progress is null");
        FeatureBatch[] batches = {
            model.newBatch(reader.header(), excludedColumns, reader.source(), batchSize),
            model.newBatch(reader.header(), excludedColumns, reader.source(), batchSize)
        };
        ExecutorService scorer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "slipway-batch-scorer");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Output output = new Output(writer, progress);
            Future<?> pending = null;
            int current = 0;
            while (reader.next()) {
                FeatureBatch batch = batches[current];
                batch.addRow(reader);
                if (batch.isFull()) {
                    if (pending != null) {
                        await(pending);
                    }
                    // scoring and writing run on the helper thread, so this thread only reads and parses
                    pending = scorer.submit(() -> output.write(model.predict(batch)));
                    current ^= 1;
                    batches[current].clear();
                }
            }
            if (pending != null) {
                await(pending);
            }
            if (batches[current].size() > 0) {
                output.write(model.predict(batches[current]));
            }
            if (output.columns == null) {
                output.columns = model.predictionColumns().orElse(List.of(OnnxModel.PREDICTION_OUTPUT));
                writer.writeRow(output.columns);
            }
            return new PredictionSummary(Path.of(""), output.columns, output.rows);
        } finally {
            stop(scorer);
        }
    }

    /** Waits for a batch still being scored, so that the caller may close the model safely. */
    private static void stop(ExecutorService scorer) {
        scorer.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (scorer.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(Future<?> pending) {
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Interrupted while scoring", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Scoring failed: " + e.getCause(), e.getCause());
        }
    }

    /** Writes predictions in order: the header before the first batch, then rows; counts rows. */
    private static final class Output {
        private final CsvWriter writer;
        private final LongConsumer progress;
        private List<String> columns;
        private long rows;

        Output(CsvWriter writer, LongConsumer progress) {
            this.writer = writer;
            this.progress = progress;
        }

        void write(Predictions predictions) {
            if (columns == null) {
                columns = predictions.columns();
                writer.writeRow(columns);
            }
            for (int row = 0; row < predictions.rowCount(); row++) {
                predictions.writeRow(row, writer);
            }
            rows += predictions.rowCount();
            progress.accept(rows);
        }
    }
}
