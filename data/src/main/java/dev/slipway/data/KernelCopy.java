package dev.slipway.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * Copies between files inside the kernel ({@link FileChannel#transferTo}): no byte passes through Java, which
 * costs about half the CPU of writing the same bytes from a buffer, and the copy lands in the page cache, where
 * the next command that reads it (a push after an add, a checkout after a fetch) finds it.
 */
final class KernelCopy {
    /** The most one call moves, so that an interrupt is seen between calls. */
    private static final long STEP = 64L << 20;

    private KernelCopy() {}

    /** Copies what {@code in} holds from its start until its end (read as it is copied: a file that grows meanwhile is copied to its new end). */
    static long copy(FileChannel in, FileChannel out) throws IOException {
        return copy(in, out, STEP, written -> { });
    }

    /**
     * As {@link #copy(FileChannel, FileChannel)}, {@code step} bytes at most per call, telling {@code progress} after
     * each call how many bytes {@code out} holds from its start.
     */
    static long copy(FileChannel in, FileChannel out, long step, LongConsumer progress) throws IOException {
        long position = 0;
        while (true) {
            long moved = in.transferTo(position, step, out);
            if (moved <= 0) {
                return position;
            }
            position += moved;
            progress.accept(position);
        }
    }

    /** Copies {@code source} to {@code target}, a new file (writable by its owner under the usual umask). */
    static long copy(Path source, Path target) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            return copy(in, out);
        }
    }
}
