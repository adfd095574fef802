package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.predictions.PredictionSketchStore;
import dev.slipway.core.predictions.SketchBucket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * A {@link PredictionSketchStore} over SQLite, PostgreSQL or MySQL/MariaDB, in the table
 * {@code prediction_sketches} (migration V6). {@link #mergeBuckets} is one transaction that, bucket by bucket in key
 * order (so that replicas merging overlapping buckets cannot deadlock each other), reads the stored row locked for
 * update, merges and writes it back; on SQLite the JVM's writers take turns and the database has a single writer.
 * Thread-safe; shares the {@link Transactions} of the prediction log, which owns it.
 */
final class JdbcPredictionSketchStore implements PredictionSketchStore {
    private static final String INSERT = "INSERT INTO prediction_sketches (model_name, model_version, "
            + "bucket_start_ms, row_count, sketch) VALUES (?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE prediction_sketches SET row_count = ?, sketch = ? "
            + "WHERE model_name = ? AND model_version = ? AND bucket_start_ms = ?";
    private static final String SELECT_RANGE = "SELECT bucket_start_ms, row_count, sketch FROM prediction_sketches "
            + "WHERE model_name = ? AND model_version = ? AND bucket_start_ms >= ? AND bucket_start_ms < ? "
            + "ORDER BY bucket_start_ms";
    private static final Comparator<SketchBucket> KEY_ORDER = Comparator.comparing(SketchBucket::modelName)
            .thenComparing(SketchBucket::modelVersion).thenComparingLong(SketchBucket::bucketStart);

    private final Transactions transactions;
    private final String selectForUpdate;

    JdbcPredictionSketchStore(Transactions transactions) {
        this.transactions = requireNonNull(transactions, "transactions is null");
        this.selectForUpdate = "SELECT row_count, sketch FROM prediction_sketches WHERE model_name = ? "
                + "AND model_version = ? AND bucket_start_ms = ?" + transactions.dialect().lockForUpdate();
    }

    @Override
    public void mergeBuckets(List<SketchBucket> deltas, BinaryOperator<byte[]> merge) {
        requireNonNull(deltas, "deltas is null");
        requireNonNull(merge, "merge is null");
        if (deltas.isEmpty()) {
            return;
        }
        List<SketchBucket> combined = combineSameBuckets(deltas, merge);
        transactions.write("storing " + combined.size() + " prediction sketch buckets", connection -> {
            for (SketchBucket delta : combined) {
                mergeBucket(connection, delta, merge);
            }
            return null;
        });
    }

    /** One delta per bucket, in key order. */
    private static List<SketchBucket> combineSameBuckets(List<SketchBucket> deltas, BinaryOperator<byte[]> merge) {
        Map<List<Object>, SketchBucket> byKey = new LinkedHashMap<>();
        for (SketchBucket delta : deltas) {
            requireNonNull(delta, "delta is null");
            byKey.merge(List.of(delta.modelName(), delta.modelVersion(), delta.bucketStart()), delta,
                    (first, second) -> new SketchBucket(first.modelName(), first.modelVersion(), first.bucketStart(),
                            first.rows() + second.rows(), merge.apply(first.sketch(), second.sketch())));
        }
        List<SketchBucket> sorted = new ArrayList<>(byKey.values());
        sorted.sort(KEY_ORDER);
        return sorted;
    }

    private void mergeBucket(Connection connection, SketchBucket delta, BinaryOperator<byte[]> merge)
            throws SQLException {
        Optional<SketchBucket> stored = Optional.empty();
        try (PreparedStatement select = connection.prepareStatement(selectForUpdate)) {
            select.setString(1, delta.modelName());
            select.setString(2, delta.modelVersion());
            select.setLong(3, delta.bucketStart());
            try (ResultSet resultSet = select.executeQuery()) {
                if (resultSet.next()) {
                    stored = Optional.of(new SketchBucket(delta.modelName(), delta.modelVersion(),
                            delta.bucketStart(), resultSet.getLong(1), resultSet.getBytes(2)));
                }
            }
        }
        if (stored.isEmpty()) {
            // Two first writers of a bucket collide on the key here; the loser's transaction is retried.
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setString(1, delta.modelName());
                insert.setString(2, delta.modelVersion());
                insert.setLong(3, delta.bucketStart());
                insert.setLong(4, delta.rows());
                insert.setBytes(5, delta.sketch());
                insert.executeUpdate();
            }
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
            update.setLong(1, stored.get().rows() + delta.rows());
            update.setBytes(2, merge.apply(stored.get().sketch(), delta.sketch()));
            update.setString(3, delta.modelName());
            update.setString(4, delta.modelVersion());
            update.setLong(5, delta.bucketStart());
            update.executeUpdate();
        }
    }

    @Override
    public List<SketchBucket> buckets(String modelName, String modelVersion, long fromBucketStart,
            long toBucketStart) {
        requireNonNull(modelName, "modelName is null");
        requireNonNull(modelVersion, "modelVersion is null");
        return transactions.read("reading prediction sketches of model '" + modelName + "'", connection -> {
            List<SketchBucket> found = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT_RANGE)) {
                select.setString(1, modelName);
                select.setString(2, modelVersion);
                select.setLong(3, fromBucketStart);
                select.setLong(4, toBucketStart);
                try (ResultSet resultSet = select.executeQuery()) {
                    while (resultSet.next()) {
                        found.add(new SketchBucket(modelName, modelVersion, resultSet.getLong(1),
                                resultSet.getLong(2), resultSet.getBytes(3)));
                    }
                }
            }
            return List.copyOf(found);
        });
    }
}
