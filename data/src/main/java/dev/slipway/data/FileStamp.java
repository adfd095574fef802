package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What identifies a file's content without reading it: absolute path, inode, modification time
 * (nanoseconds) and size. The state cache trusts a recorded hash only while all four match, as DVC's
 * state does with (inode, mtime, size).
 */
public record FileStamp(Path path, long inode, long mtimeNanos, long size) {
    public FileStamp {
        requireNonNull(path, "path is null");
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("path must be absolute: " + path);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /**
     * Reads the stamp of {@code file}, following a symbolic link to its target.
     *
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the file when it is gone
     */
    public static FileStamp of(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            BasicFileAttributes attributes = Files.readAttributes(absolute, BasicFileAttributes.class);
            return new FileStamp(absolute, inodeOf(absolute, attributes),
                    attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size());
        } catch (NoSuchFileException e) {
            throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                    String.format("File '%s' vanished while it was being hashed", file), e);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read the attributes of '%s': %s", file, e.getMessage()), e);
        }
    }

    /**
     * The stamp of {@code file} from attributes already read (by a folder walk, say), reading nothing
     * more when they carry the inode, as on Linux and macOS; a symbolic link is stamped by its target.
     *
     * @throws SlipwayException as {@link #of(Path)}
     */
    public static FileStamp of(Path file, BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return of(file);
        }
        long inode = inodeFromKey(attributes.fileKey());
        if (inode < 0) {
            return of(file);
        }
        return new FileStamp(file.toAbsolutePath(), inode, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                attributes.size());
    }

    /**
     * The inode in a Unix file key, whose text is {@code (dev=<hex>,ino=<decimal>)} in OpenJDK; -1 when the
     * key has another shape.
     */
    static long inodeFromKey(Object key) {
        if (key == null) {
            return -1;
        }
        String text = key.toString();
        int start = text.indexOf(",ino=");
        if (start < 0 || !text.endsWith(")")) {
            return -1;
        }
        try {
            return Long.parseLong(text, start + 5, text.length() - 1, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long inodeOf(Path file, BasicFileAttributes attributes) throws IOException {
        long fromKey = inodeFromKey(attributes.fileKey());
        if (fromKey >= 0) {
            return fromKey;
        }
        try {
            Object inode = Files.getAttribute(file, "unix:ino");
            return ((Number) inode).longValue();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no "unix" view (Windows): the file key is the closest stable identity there is
            Object key = attributes.fileKey();
            return key == null ? 0 : key.hashCode();
        }
    }
}
