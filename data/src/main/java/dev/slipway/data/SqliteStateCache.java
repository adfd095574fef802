package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link StateCache} in a local SQLite file (by default {@code .dvc/tmp/slipway/state.db}, which
 * DVC's {@code .dvc/.gitignore} already keeps out of Git). Lookups are batched, 500 paths per query.
 *
 * <p>Not thread-safe: one thread at a time (see {@link StateCache}).
 */
public final class SqliteStateCache implements StateCache {
    private static final int BATCH = 500;

    private final Path file;
    private final Path trees;
    private Connection connection;

    private SqliteStateCache(Path file) {
        this.file = file;
        this.trees = file.resolveSibling("trees");
    }

    /**
     * Prepares the state database at {@code file} (created on first use; an unchanged folder's status is
     * answered from its small tree file beside it without opening the database at all).
     *
     * @throws SlipwayException INTERNAL_ERROR naming the file if its folder cannot be created
     */
    public static SqliteStateCache open(Path file) {
        requireNonNull(file, "file is null");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot open the state cache '%s': %s", file, e.getMessage()), e);
        }
        return new SqliteStateCache(file.toAbsolutePath());
    }

    private Connection connection() {
        if (connection != null) {
            return connection;
        }
        try {
            // the driver itself rather than DriverManager, which would first load every driver on the class path
            Connection opened = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new java.util.Properties());
            try (Statement statement = opened.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=NORMAL"); // a cache: losing the last writes only costs re-hashing
                statement.execute("CREATE TABLE IF NOT EXISTS file_state ("
                        + "path TEXT NOT NULL, hash_name TEXT NOT NULL, inode INTEGER NOT NULL, "
                        + "mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, md5 TEXT NOT NULL, "
                        + "PRIMARY KEY (path, hash_name))");
            }
            connection = opened;
            return opened;
        } catch (SQLException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot open the state cache '%s': %s", file, e.getMessage()), e);
        }
    }

    @Override
    public Map<FileStamp, String> lookup(Collection<FileStamp> stamps, HashName rule) {
        Map<String, FileStamp> byPath = new HashMap<>();
        for (FileStamp stamp : stamps) {
            byPath.put(stamp.path().toString(), stamp);
        }
        List<String> paths = new ArrayList<>(byPath.keySet());
        Map<FileStamp, String> found = new HashMap<>();
        try {
            for (int from = 0; from < paths.size(); from += BATCH) {
                List<String> batch = paths.subList(from, Math.min(paths.size(), from + BATCH));
                String sql = "SELECT path, inode, mtime_ns, size, md5 FROM file_state WHERE hash_name = ? AND path IN ("
                        + "?,".repeat(batch.size() - 1) + "?)";
                try (PreparedStatement query = connection().prepareStatement(sql)) {
                    query.setString(1, rule.dvcName());
                    for (int i = 0; i < batch.size(); i++) {
                        query.setString(i + 2, batch.get(i));
                    }
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            FileStamp stamp = byPath.get(rows.getString(1));
                            if (stamp.inode() == rows.getLong(2) && stamp.mtimeNanos() == rows.getLong(3)
                                    && stamp.size() == rows.getLong(4)) {
                                found.put(stamp, rows.getString(5));
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
        return Map.copyOf(found);
    }

    @Override
    public void record(Map<FileStamp, String> hashes, HashName rule) {
        if (hashes.isEmpty()) {
            return;
        }
        String sql = "INSERT OR REPLACE INTO file_state (path, hash_name, inode, mtime_ns, size, md5) VALUES (?, ?, ?, ?, ?, ?)";
        try {
            connection().setAutoCommit(false);
            try (PreparedStatement insert = connection().prepareStatement(sql)) {
                for (Map.Entry<FileStamp, String> entry : hashes.entrySet()) {
                    FileStamp stamp = entry.getKey();
                    insert.setString(1, stamp.path().toString());
                    insert.setString(2, rule.dvcName());
                    insert.setLong(3, stamp.inode());
                    insert.setLong(4, stamp.mtimeNanos());
                    insert.setLong(5, stamp.size());
                    insert.setString(6, entry.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw failure("write", e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is unusable anyway; the next call reports it
            }
        }
    }

    /**
     * Tree state lives in one small file per folder ({@code trees/<md5 of path and rule>}: fingerprint, space,
     * md5), so that the status of an unchanged folder needs no database.
     */
    @Override
    public Optional<String> lookupTree(Path folder, String fingerprint, HashName rule) {
        return recall(treeKey(folder, rule)).flatMap(value -> {
            String[] fields = value.split(" ");
            return fields.length == 2 && fields[0].equals(fingerprint) ? Optional.of(fields[1]) : Optional.empty();
        });
    }

    @Override
    public void recordTree(Path folder, String fingerprint, HashName rule, String md5) {
        remember(treeKey(folder, rule), fingerprint + " " + md5);
    }

    private static String treeKey(Path folder, HashName rule) {
        return folder.toAbsolutePath() + "\0" + rule.dvcName();
    }

    /**
     * Tree state and other memos live in one small file each ({@code trees/<md5 of the key>}), so that the
     * status of an unchanged folder needs no database.
     */
    @Override
    public Optional<String> recall(String key) {
        Path entry = memoFile(key);
        try {
            return Optional.of(Files.readString(entry, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read the state cache '%s': %s", entry, e.getMessage()), e);
        }
    }

    @Override
    public void remember(String key, String value) {
        AtomicFiles.write(memoFile(key), (value + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Path memoFile(String key) {
        return trees.resolve(Md5.of(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }

    private SlipwayException failure(String action, SQLException e) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                String.format("Cannot %s the state cache '%s': %s", action, file, e.getMessage()), e);
    }
}
