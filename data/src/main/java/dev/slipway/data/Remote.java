package dev.slipway.data;

import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A DVC remote: a store of cache objects in DVC's remote layout, DVC 3 objects at
 * {@code <url>/files/md5/XX/<30 hex>[.dir]} and DVC 2 objects at {@code <url>/XX/<30 hex>[.dir]}.
 *
 * <p>Implementations are safe for use from several threads at once (transfers run in parallel).
 * Every failure to reach the store or to authenticate is a {@link dev.slipway.core.SlipwayException}
 * whose message names the remote and its URL.
 */
public interface Remote extends AutoCloseable {
    /** The remote's name in {@code .dvc/config}. */
    String name();

    /** The remote's URL as configured. */
    String url();

    /**
     * Which of {@code hashes} the remote holds, checked in batches (listing or parallel stats).
     *
     * @return the objects present, each with its size in bytes
     */
    Map<HashInfo, Long> existing(Collection<HashInfo> hashes);

    /**
     * Called once before a push: creates what the store needs to receive objects and does not have
     * yet (a folder remote creates its missing folder, as DVC does). Nothing by default. Fetching never
     * calls it, so a store that does not exist stays an error there.
     */
    default void prepareForUpload() {
    }

    /**
     * Stores the file {@code source} as the object {@code hash}. A reader never sees a partly written
     * object under its real name.
     */
    void upload(Path source, HashInfo hash);

    /**
     * Writes the object {@code hash} to {@code target} (a file that does not exist yet).
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the remote lacks it
     */
    void download(HashInfo hash, Path target);

    /** Whether {@link #open} reads objects as streams; when it does, downloads are hashed as they arrive. */
    default boolean streams() {
        return false;
    }

    /**
     * Opens the object {@code hash} for reading, for a remote whose {@link #streams()} is true.
     *
     * @throws dev.slipway.core.SlipwayException RESOURCE_DOES_NOT_EXIST if the remote lacks it
     */
    default ReadableByteChannel open(HashInfo hash) {
        throw new UnsupportedOperationException("remote '" + name() + "' does not stream objects");
    }

    /**
     * Where the remote keeps the object {@code hash} as a file on a file system mounted here (a folder remote), so
     * that a cache on the same file system can take a hard link to it rather than a copy; empty for a remote whose
     * objects are not files here. The file need not exist.
     */
    default Optional<Path> localFile(HashInfo hash) {
        return Optional.empty();
    }

    /**
     * Stores the file {@code source} as the DVC 3 object {@code hash} only if its bytes hash to that name,
     * reading them once, for a remote whose {@link #streams()} is true; nothing is stored otherwise.
     *
     * @return the md5 of the bytes read (without {@code .dir})
     */
    default String uploadIfIntact(Path source, HashInfo hash) {
        throw new UnsupportedOperationException("remote '" + name() + "' does not stream objects");
    }

    /** Every object the remote holds, in both layouts (for {@code gc --cloud}). */
    Collection<HashInfo> list();

    /** Removes the object {@code hash}; absent is not an error. */
    void delete(HashInfo hash);

    @Override
    default void close() {
    }

    /** The object's key below the remote's URL, with {@code /} separators. */
    static String objectKey(HashInfo hash) {
        String value = hash.value();
        String tail = value.substring(0, 2) + "/" + value.substring(2);
        return switch (hash.name()) {
            case MD5 -> "files/md5/" + tail;
            case MD5_DOS2UNIX -> tail;
        };
    }

    /**
     * The object a key below the remote's URL names ({@code files/md5/XX/...} or legacy {@code XX/...}),
     * if it names one.
     */
    static Optional<HashInfo> parseKey(String key) {
        String[] parts = key.split("/");
        HashName rule;
        String prefix;
        String rest;
        if (parts.length == 4 && parts[0].equals("files") && parts[1].equals("md5")) {
            rule = HashName.MD5;
            prefix = parts[2];
            rest = parts[3];
        } else if (parts.length == 2) {
            rule = HashName.MD5_DOS2UNIX;
            prefix = parts[0];
            rest = parts[1];
        } else {
            return Optional.empty();
        }
        String value = prefix + rest;
        if (prefix.length() != 2 || !value.matches("[0-9a-f]{32}(\\.dir)?")) {
            return Optional.empty();
        }
        return Optional.of(new HashInfo(rule, value));
    }
}
