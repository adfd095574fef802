package dev.slipway.models.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.tracking.Dataset;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Describes a CSV file used for training as an MLflow dataset input: name, digest, source, schema and
 * profile, in the shapes MLflow's {@code PandasDataset} logs.
 *
 * <p>The digest follows MLflow's {@code mlflow/data/digest_utils.py}: an MD5 over a list of elements,
 * truncated to its first 8 hex characters. MLflow hashes {@code pandas.util.hash_pandas_object} of the
 * first 10,000 rows, the row count as a numpy int64 and the column names; pandas' row hash cannot be
 * reproduced outside pandas, so Slipway hashes, in this order: every byte of the file (all rows, not the
 * first 10,000, so a change anywhere changes the digest), the number of data rows as an 8-byte
 * little-endian integer (numpy's int64 on the platforms MLflow runs on), and each column name in UTF-8.
 * Digests therefore equal each other for equal files, but not MLflow's digest of the same data.
 */
public final class TrainingDataset {
    /** MLflow's {@code LocalArtifactDatasetSource} type for a file on local disk. */
    public static final String SOURCE_TYPE = "local";
    private static final int DIGEST_LENGTH = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingDataset() {
    }

    /**
     * @throws SlipwayException INTERNAL_ERROR when the file cannot be read again for the digest
     */
    public static Dataset describe(Path file, TrainingTable table) {
        String fileName = file.getFileName().toString();
        String name = fileName.toLowerCase(Locale.ROOT).endsWith(".csv")
                ? fileName.substring(0, fileName.length() - 4) : fileName;
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("num_rows", table.rowCount());
        profile.put("num_elements", (long) table.rowCount() * table.header().size());
        return new Dataset(name, digest(file, table), SOURCE_TYPE,
                json(Map.of("uri", file.toAbsolutePath().normalize().toString())),
                Optional.of("{\"mlflow_colspec\": " + schema(table).toJson() + "}"), Optional.of(json(profile)));
    }

    /**
     * The columns as MLflow's schema inference would type them from pandas: {@code long} for a numeric
     * column of whole numbers with no missing cell, {@code double} for other numeric columns, {@code
     * string} for the rest; a column is required when no cell is missing.
     */
    public static Schema schema(TrainingTable table) {
        List<ColumnSpec> columns = new ArrayList<>();
        for (int column = 0; column < table.header().size(); column++) {
            boolean missing = false;
            boolean whole = true;
            boolean numeric = table.columnKind(column) == ColumnKind.NUMERIC;
            for (int row = 0; row < table.rowCount(); row++) {
                String cell = table.cell(row, column);
                if (numeric) {
                    double value = TrainingTable.parseNumber(cell);
                    missing |= Double.isNaN(value);
                    whole &= value == Math.rint(value) && Math.abs(value) < 9.007199254740992E15;
                } else {
                    missing |= cell.isEmpty();
                }
            }
            ColumnType type = !numeric ? ColumnType.STRING
                    : whole && !missing ? ColumnType.LONG
                    : ColumnType.DOUBLE;
            columns.add(new ColumnSpec(Optional.of(table.header().get(column)), type, !missing));
        }
        return Schema.ofColumns(columns);
    }

    static String digest(Path file, TrainingTable table) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
        try (InputStream input = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = input.read(buffer); read >= 0; read = input.read(buffer)) {
                md5.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Cannot read " + file + " for its digest: "
                    + e.getMessage(), e);
        }
        md5.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(table.rowCount()).array());
        for (String column : table.header()) {
            md5.update(column.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md5.digest()).substring(0, DIGEST_LENGTH);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
