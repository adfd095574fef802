package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A new file written around the page cache ({@code O_DIRECT}) where the file system allows it, for bytes
 * that nobody reads back soon: an object sent to a folder remote that had to be hashed on the way (objects
 * whose hash is trusted go as a {@link KernelCopy}). Skipping the page cache spares the kernel copying every byte into
 * freshly allocated pages, which costs about as much CPU as hashing them, and leaves the memory to data
 * that is read again. Where direct writes are refused (tmpfs, some network file systems, an unaligned
 * last block) it falls back to ordinary writes, so the bytes are the same either way.
 *
 * <p>Callers write from {@link FileHasher#directBuffer()} (aligned); every write but the last is a whole
 * number of {@link #ALIGNMENT} blocks. Not thread-safe.
 */
final class UncachedFile implements Closeable {
    /** Buffer address and length granularity for direct writes; 4 KiB covers the usual logical block sizes. */
    static final int ALIGNMENT = 4096;

    private final Path file;
    private FileChannel channel;
    private boolean direct;
    private long written;

    private UncachedFile(Path file, FileChannel channel, boolean direct) {
        this.file = file;
        this.channel = channel;
        this.direct = direct;
    }

    /**
     * Creates {@code file}, which must not exist.
     *
     * @param bypassPageCache whether to try {@code O_DIRECT} at all
     */
    static UncachedFile create(Path file, boolean bypassPageCache) throws IOException {
        requireNonNull(file, "file is null");
        if (bypassPageCache) {
            try {
                return new UncachedFile(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT), true);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException e) {
                // refused here (the file may have been created before the flag was checked): write normally
                Files.deleteIfExists(file);
            }
        }
        return new UncachedFile(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                false);
    }

    /** Writes all of {@code chunk}'s remaining bytes at the end of the file. */
    void write(ByteBuffer chunk) throws IOException {
        if (direct) {
            int start = chunk.position();
            long before = written;
            int limit = chunk.limit();
            int aligned = chunk.remaining() - chunk.remaining() % ALIGNMENT;
            try {
                chunk.limit(start + aligned);
                while (chunk.hasRemaining()) {
                    written += channel.write(chunk);
                }
            } catch (IOException e) {
                if (DiskFull.causedBy(e)) {
                    throw e;
                }
                // direct writes refused after all: go on from the last byte written, normally
            } finally {
                chunk.limit(limit);
            }
            chunk.position(start + (int) (written - before));
            if (!chunk.hasRemaining()) {
                return;
            }
            reopenBuffered(); // a tail shorter than a block, or direct writes refused
        }
        while (chunk.hasRemaining()) {
            written += channel.write(chunk);
        }
    }

    private void reopenBuffered() throws IOException {
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        channel.truncate(written);
        channel.position(written);
        direct = false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
