package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.nio.file.Path;

/** Where validation rows come from: a seeded random share of the training file, or a separate CSV. */
public sealed interface Validation {
    /** The default: 20% of the training rows. */
    double DEFAULT_FRACTION = 0.2;

    static Validation split(double fraction) {
        return new Split(fraction);
    }

    static Validation file(Path csv) {
        return new File(csv);
    }

    /**
     * Holds out {@code fraction} of the training rows, chosen with the training seed.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE unless 0 < fraction < 1
     */
    record Split(double fraction) implements Validation {
        public Split {
            if (!(fraction > 0 && fraction < 1)) {
                throw SlipwayException.invalidParameter("Validation split must be above 0 and below 1, got %s",
                        fraction);
            }
        }
    }

    /** Validates on every row of another CSV file with the training file's columns. */
    record File(Path csv) implements Validation {
        public File {
            requireNonNull(csv, "csv is null");
        }
    }
}
