package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.backup.BackupListener;
import dev.slipway.core.backup.BackupSummary;
import dev.slipway.core.backup.StoreBackup;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code slipway db export|import}: backs a backend store up into one portable file and restores it into an empty
 * store, on the same kind of database or another (SQLite to PostgreSQL, PostgreSQL to MySQL, ...).
 */
@Command(name = "db", description = "Back a store up into a portable file, and restore it into an empty store of "
        + "any supported database (to move from SQLite to PostgreSQL or MySQL, for example).",
        subcommands = {DbCommand.Export.class, DbCommand.Import.class})
final class DbCommand {
    private DbCommand() {}

    /** A command on one backend store, with a progress bar, a table of rows per table and {@code --json}. */
    abstract static class StoreCommand implements Callable<Integer> {
        @Option(names = "--backend-store-uri", paramLabel = "URI", description = {
                "The store: sqlite:///path/to/file.db, postgresql://user:password@host:5432/db or "
                        + "mysql://user:password@host:3306/db.",
                "Default: sqlite:///<current folder>/.slipway/slipway.db"})
        Optional<String> backendStoreUri = Optional.empty();

        @Option(names = "--no-progress", description = "Do not draw a progress bar.")
        boolean noProgress;

        @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
        boolean json;

        @Spec
        CommandSpec spec;

        final Environment environment;

        StoreCommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        String storeUri() {
            return backendStoreUri.map(String::trim)
                    .orElseGet(() -> LocalStore.databaseUri(environment.workingDirectory()));
        }

        /** Runs the work on the opened store with a progress bar, then prints the summary. */
        int run(String task, BackupWork work, Path file) throws IOException {
            BackupSummary summary;
            try (StoreBackup store = Backends.discover().openStoreBackup(storeUri());
                    Progress progress = Progress.start(task, "rows", OptionalLong.empty(), !noProgress)) {
                summary = work.run(store, new BackupListener() {
                    private long done;

                    @Override
                    public void totalRows(long rows) {
                        progress.total(rows);
                    }

                    @Override
                    public void rows(String table, long rows) {
                        done += rows;
                        progress.stepTo(done);
                    }
                });
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode root = TrackingCommand.json().createObjectNode();
                root.put("file", file.toString());
                root.put("format_version", summary.formatVersion());
                root.put("schema_version", summary.schemaVersion());
                root.put("source_database", summary.sourceDatabase());
                ObjectNode tables = root.putObject("tables");
                summary.tables().forEach(table -> tables.put(table.table(), table.rows()));
                root.put("total_rows", summary.totalRows());
                out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else {
                out.println(describe(summary, file));
                out.println();
                TextTable table = new TextTable("TABLE", "ROWS");
                summary.tables().stream().filter(rows -> rows.rows() > 0)
                        .forEach(rows -> table.add(rows.table(), String.valueOf(rows.rows())));
                table.add("total", String.valueOf(summary.totalRows()));
                table.print(out);
                long empty = summary.tables().stream().filter(rows -> rows.rows() == 0).count();
                if (empty > 0) {
                    out.printf("(and %d empty table%s)%n", empty, empty == 1 ? "" : "s");
                }
            }
            out.flush();
            return 0;
        }

        abstract String describe(BackupSummary summary, Path file);

        @FunctionalInterface
        interface BackupWork {
            BackupSummary run(StoreBackup store, BackupListener listener) throws IOException;
        }
    }

    @Command(name = "export", sortOptions = false, description = {"Write every row of the store to a backup file: "
            + "gzip-compressed JSON lines, the same whatever the database.",
            "The backup is one consistent snapshot, so servers may keep running. It holds everything, password and "
                    + "token hashes of users included: keep it as safe as the database (it is created readable by "
                    + "its owner only)."})
    static final class Export extends StoreCommand {
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
                description = "The backup file to create, such as backup.jsonl.gz; it must not exist yet.")
        Path output;

        Export(Environment environment) {
            super(environment);
        }

        @Override
        public Integer call() throws IOException {
            Path target = environment.resolve(output.toString());
            if (Files.exists(target)) {
                throw SlipwayException.invalidParameter("'%s' exists already: remove it or give another file name",
                        target);
            }
            Path folder = target.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            // written beside the target and moved into place when complete, so no half-written backup is left
            Path partial = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".partial");
            try {
                createPrivately(partial);
                int exitCode = run("Exporting", (store, listener) -> {
                    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
                            OutputStream out = new BufferedOutputStream(Channels
                                    .newOutputStream(channel), 1 << 16)) {
                        BackupSummary summary = store.exportTo(out, listener);
                        out.flush();
                        channel.force(true);
                        return summary;
                    }
                }, target);
                moveIntoPlace(partial, target);
                return exitCode;
            } finally {
                Files.deleteIfExists(partial);
            }
        }

        @Override
        String describe(BackupSummary summary, Path file) {
            return String.format("Exported %d rows of %d tables (%s store, schema version %s) to %s",
                    summary.totalRows(), summary.tables().size(), summary.sourceDatabase(), summary.schemaVersion(),
                    file);
        }

        /** Creates the empty file, readable and writable by its owner only where the file system knows owners. */
        private static void createPrivately(Path file) throws IOException {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        }

        private static void moveIntoPlace(Path partial, Path target) throws IOException {
            try {
                Files.createLink(target, partial);
            } catch (FileAlreadyExistsException e) {
                throw SlipwayException.invalidParameter("'%s' appeared while exporting: remove it or give another "
                        + "file name", target);
            } catch (UnsupportedOperationException | IOException e) {
                try {
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException notAtomic) {
                    Files.move(partial, target);
                }
            }
        }
    }

    @Command(name = "import", sortOptions = false, description = {"Restore a backup made by 'slipway db export' "
            + "into an empty store, of the same kind of database or another: experiment ids, run ids and every "
            + "other id stay as they were.",
            "The store must be empty: a new database (or SQLite file), migrated here first; a Default experiment "
                    + "that a server created is replaced. Stop servers on it meanwhile. Rows go in batches; if "
                    + "anything fails (a truncated or corrupt file, say), the rows imported so far are removed "
                    + "again."})
    static final class Import extends StoreCommand {
        @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE",
                description = "The backup file, such as backup.jsonl.gz.")
        Path input;

        Import(Environment environment) {
            super(environment);
        }

        @Override
        public Integer call() throws IOException {
            Path source = environment.resolve(input.toString());
            InputStream in;
            try {
                in = new BufferedInputStream(Files.newInputStream(source), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST, "No backup file '" + source + "'");
            }
            try (in) {
                return run("Importing", (store, listener) -> store.importFrom(in, listener), source);
            }
        }

        @Override
        String describe(BackupSummary summary, Path file) {
            return String.format("Imported %d rows of %d tables from %s (made from a %s store, schema version %s)",
                    summary.totalRows(), summary.tables().size(), file, summary.sourceDatabase(),
                    summary.schemaVersion());
        }
    }
}
