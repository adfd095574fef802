package dev.slipway.serving;

import dev.slipway.models.training.Algorithm;
import dev.slipway.models.training.Trainer;
import dev.slipway.models.training.TrainingListener;
import dev.slipway.models.training.TrainingRequest;
import dev.slipway.models.training.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Real models for the serving tests, trained by Slipway's trainer on generated CSVs: a classifier of {@code churn}
 * (yes/no) from {@code x1}, {@code x2} (doubles) and {@code color} (a category), and a regressor of {@code price}
 * from {@code x1} (double) and {@code rooms}, whose signature type is patched to {@code long} to test whole-number
 * enforcement.
 */
final class TrainedModels {
    private static final Trainer TRAINER = new Trainer(Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"),
            ZoneOffset.UTC));
    private static final String[] COLORS = {"red", "green", "blue"};

    private TrainedModels() {}

    static Path classifier(Path folder) {
        StringBuilder csv = new StringBuilder("x1,x2,color,churn\n");
        Random random = new Random(7);
        for (int row = 0; row < 300; row++) {
            double x1 = random.nextGaussian() * 2;
            double x2 = random.nextDouble() * 10 - 5;
            int color = random.nextInt(COLORS.length);
            double signal = x1 + 0.3 * x2 + (color == 1 ? 2 : 0) + random.nextGaussian() * 0.5;
            csv.append(format(x1)).append(',').append(format(x2)).append(',').append(COLORS[color]).append(',')
                    .append(signal > 0 ? "yes" : "no").append('\n');
        }
        return train(folder, "churn", csv.toString(), Algorithm.LOGISTIC);
    }

    static Path regressor(Path folder) {
        StringBuilder csv = new StringBuilder("x1,rooms,price\n");
        Random random = new Random(8);
        for (int row = 0; row < 300; row++) {
            double x1 = random.nextGaussian() * 2;
            int rooms = 1 + random.nextInt(6);
            double price = 3 * x1 + 10 * rooms + random.nextGaussian();
            csv.append(format(x1)).append(',').append(rooms).append(',').append(format(price)).append('\n');
        }
        Path model = train(folder, "price", csv.toString(), Algorithm.LINEAR);
        try {
            Path mlmodel = model.resolve("MLmodel");
            String text = Files.readString(mlmodel);
            String patched = text.replace("{\"type\": \"double\", \"name\": \"rooms\"",
                    "{\"type\": \"long\", \"name\": \"rooms\"");
            if (patched.equals(text)) {
                throw new IllegalStateException("could not find column 'rooms' in the signature: " + text);
            }
            Files.writeString(mlmodel, patched);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    /** A copy of a model folder whose MLmodel has no signature, as foreign models often have none. */
    static Path withoutSignature(Path model, Path copy) {
        try {
            Files.createDirectories(copy);
            try (var files = Files.list(model)) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(file.getFileName().toString()));
                }
            }
            Path mlmodel = copy.resolve("MLmodel");
            StringBuilder kept = new StringBuilder();
            boolean inSignature = false;
            for (String line : Files.readAllLines(mlmodel)) {
                if (!line.startsWith(" ")) {
                    inSignature = line.startsWith("signature:");
                }
                if (!inSignature) {
                    kept.append(line).append('\n');
                }
            }
            if (kept.length() == Files.readString(mlmodel).length()) {
                throw new IllegalStateException("no signature in " + mlmodel);
            }
            Files.writeString(mlmodel, kept);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path train(Path folder, String target, String csv, Algorithm algorithm) {
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve(target + ".csv");
            Files.writeString(file, csv);
            Path model = folder.resolve(target + "-model");
            TRAINER.train(new TrainingRequest(file, target, algorithm, Map.of(), Set.of(), Validation.split(0.2), 11,
                    Optional.empty(), model, Optional.empty(), Optional.empty()), new TrainingListener() {});
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
