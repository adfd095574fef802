package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether and how the client uploads large files with MLflow's proxied multipart upload: as MLflow's Python client,
 * only when {@value #ENABLE_VARIABLE} is {@code true} or {@code 1}, only for files of at least
 * {@value #MINIMUM_FILE_SIZE_VARIABLE} bytes (500 MiB by default), in parts of {@value #CHUNK_SIZE_VARIABLE} bytes
 * (100 MiB by default; the last part may be shorter).
 *
 * @param minimumFileSize the smallest file sent in parts; at least 1
 * @param chunkSize the size of every part but the last; 5 MiB (S3's smallest part) to 5 GiB (S3's largest)
 */
public record MultipartSettings(boolean enabled, long minimumFileSize, long chunkSize) {
    public static final String ENABLE_VARIABLE = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
    public static final String MINIMUM_FILE_SIZE_VARIABLE = "MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE";
    public static final String CHUNK_SIZE_VARIABLE = "MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE";
    public static final long DEFAULT_MINIMUM_FILE_SIZE = 500L * 1024 * 1024;
    public static final long DEFAULT_CHUNK_SIZE = 100L * 1024 * 1024;
    public static final long MIN_CHUNK_SIZE = 5L * 1024 * 1024;
    public static final long MAX_CHUNK_SIZE = 5L * 1024 * 1024 * 1024;
    private static final MultipartSettings DISABLED = new MultipartSettings(false, DEFAULT_MINIMUM_FILE_SIZE,
            DEFAULT_CHUNK_SIZE);

    /** @throws SlipwayException INVALID_PARAMETER_VALUE for a size out of range */
    public MultipartSettings {
        checkMinimumFileSize("minimumFileSize", minimumFileSize);
        checkChunkSize("chunkSize", chunkSize);
    }

    /** Every file goes up with a single PUT. */
    public static MultipartSettings disabled() {
        return DISABLED;
    }

    /**
     * The settings of MLflow's variables; blank values count as unset, and the sizes are read only when multipart
     * upload is enabled (as MLflow reads them only when it uploads in parts).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the variable for a flag other than true/false/1/0, a
     *     size that is not a whole number, or a size out of range
     */
    public static MultipartSettings fromVariables(Map<String, String> variables) {
        requireNonNull(variables, "variables is null");
        return fromVariables(variables::get);
    }

    /** The settings of this process's environment variables. */
    public static MultipartSettings fromEnvironment() {
        return fromVariables(System::getenv);
    }

    private static MultipartSettings fromVariables(Function<String, String> lookup) {
        if (!flag(lookup, ENABLE_VARIABLE)) {
            return DISABLED;
        }
        long minimumFileSize = size(lookup, MINIMUM_FILE_SIZE_VARIABLE, DEFAULT_MINIMUM_FILE_SIZE);
        checkMinimumFileSize(MINIMUM_FILE_SIZE_VARIABLE, minimumFileSize);
        long chunkSize = size(lookup, CHUNK_SIZE_VARIABLE, DEFAULT_CHUNK_SIZE);
        checkChunkSize(CHUNK_SIZE_VARIABLE, chunkSize);
        return new MultipartSettings(true, minimumFileSize, chunkSize);
    }

    /** Whether a file of {@code size} bytes goes up in parts. */
    public boolean appliesTo(long size) {
        return enabled && size >= minimumFileSize;
    }

    /** The number of parts of a file of {@code size} bytes. */
    public long partCount(long size) {
        return (size + chunkSize - 1) / chunkSize;
    }

    private static boolean flag(Function<String, String> lookup, String name) {
        Optional<String> value = value(lookup, name);
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw SlipwayException.invalidParameter(
                    "Invalid value '%s' for %s: expected true, false, 1 or 0",
                    value.get(), name);
        };
    }

    private static long size(Function<String, String> lookup, String name, long defaultValue) {
        Optional<String> value = value(lookup, name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.get().strip());
        } catch (NumberFormatException e) {
            throw SlipwayException.invalidParameter("Invalid value '%s' for %s: expected a whole number of bytes",
                    value.get(), name);
        }
        return parsed;
    }

    private static void checkMinimumFileSize(String name, long value) {
        if (value < 1) {
            throw SlipwayException.invalidParameter("Invalid value %d for %s: expected at least 1 byte", value, name);
        }
    }

    private static void checkChunkSize(String name, long value) {
        if (value < MIN_CHUNK_SIZE || value > MAX_CHUNK_SIZE) {
            throw SlipwayException.invalidParameter("Invalid value %d for %s: expected %d (5 MiB, the smallest part S3 "
                    + "accepts) to %d bytes (5 GiB, the largest)", value, name, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
        }
    }

    private static Optional<String> value(Function<String, String> lookup, String name) {
        return Optional.ofNullable(lookup.apply(name)).filter(value -> !value.isBlank());
    }
}
