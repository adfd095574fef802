package dev.slipway.data;

import java.nio.charset.StandardCharsets;

/**
 * A head start for a data command: on a background thread, loads and initialises what the command reaches for later
 * on its own thread, chiefly Jackson (the {@code .dvc} YAML reader, built on first use, took about 45 ms of each
 * {@code pull} before it read a pointer file, and as long at the end of an {@code add}), while that thread is busy
 * starting up (parsing its options, opening the repository) with one core mostly idle on a two-core machine.
 */
public final class WarmUp {
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    private WarmUp() {}

    /** Starts the warm-up on a daemon thread and returns at once. */
    public static void start() {
        Thread thread = new Thread(WarmUp::run, "slipway-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads a pointer file and a directory listing, compares, hashes and prints a record (the first record method
     * called builds the method handles all records share), draws a random UUID and loads the MD5 kernel's and
     * SQLite's libraries. A failure only ends the head start: the command does the same work itself and reports what
     * fails.
     *
     * @return whether every step ran
     */
    static boolean run() {
        try {
            DvcFile.parse("outs:\n- md5: " + EMPTY_MD5 + "\n  size: 0\n  hash: md5\n  path: warm-up\n", "warm-up");
            DirectoryListing.parse(("[{\"md5\": \"" + EMPTY_MD5 + "\", \"relpath\": \"warm-up\"}]")
                    .getBytes(StandardCharsets.UTF_8), "warm-up");
            HashInfo hash = new HashInfo(HashName.MD5, EMPTY_MD5);
            hash.equals(new HashInfo(HashName.MD5, EMPTY_MD5));
            hash.hashCode();
            hash.toString();
            // temporary files are named with random UUIDs; the first one seeds SecureRandom (about 10 ms)
            java.util.UUID.randomUUID();
            // the MD5 kernel's library (loaded when its class initialises)
            LaneMd5.available();
            // the state cache's SQLite: its native library
            return org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception e) {
            return false;
        }
    }
}
