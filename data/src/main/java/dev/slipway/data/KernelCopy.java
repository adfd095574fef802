package dev.slipway.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies between files inside the kernel ({@link FileChannel#transferTo}): no byte passes through Java, which
 * costs about half the CPU of writing the same bytes from a buffer, and the copy lands in the page cache, where
 * the next command that reads it (a push after an add, a checkout after a fetch) finds it.
 */
final class KernelCopy {
    /** The most one call moves, so that an interrupt is seen between calls. */
    private static final long STEP = 64L << 20;

    private KernelCopy() {}

    /**
     * Copies what {@code in} holds from its start until its end (read as it is copied: a file that grows meanwhile is
     * copied to its new end).
     */
    static long copy(FileChannel in, FileChannel out) throws IOException {
        return copy(in, out, STEP, written -> { });
    }

    /** Told how many bytes a copy holds from its start, after each call of the kernel. */
    @FunctionalInterface
    interface Progress {
        void copied(long written) throws IOException;
    }

    /**
     * As {@link #copy(FileChannel, FileChannel)}, {@code step} bytes at most per call, telling {@code progress} after
     * each call how many bytes {@code out} holds from its start.
     */
    static long copy(FileChannel in, FileChannel out, long step, Progress progress) throws IOException {
        long position = 0;
        while (true) {
            long moved = in.transferTo(position, step, out);
            if (moved <= 0) {
                return position;
            }
            position += moved;
            progress.copied(position);
        }
    }

    /**
     * New files that follow a copy being written: {@link #upTo} copies into each, inside the kernel, the bytes the
     * copy gained since the last call, while they are still in the page cache.
     */
    static final class Tee implements java.io.Closeable {
        private final FileChannel source;
        private final List<FileChannel> targets = new ArrayList<>();
        private long copied;

        /**
         * Creates {@code targets} (none may exist) to follow {@code source}, a channel open for reading; on a failure
         * the files created so far are left for the caller to delete.
         */
        Tee(FileChannel source, List<Path> targets) throws IOException {
            this.source = source;
            try {
                for (Path target : targets) {
                    this.targets.add(FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        /** Brings every target to the first {@code end} bytes of the source. */
        void upTo(long end) throws IOException {
            for (FileChannel target : targets) {
                for (long position = copied; position < end; ) {
                    long moved = source.transferTo(position, end - position, target);
                    if (moved <= 0) {
                        throw new IOException("the copy ended at " + position + " bytes, before " + end);
                    }
                    position += moved;
                }
            }
            copied = Math.max(copied, end);
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (FileChannel target : targets) {
                try {
                    target.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
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
