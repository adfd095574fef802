package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hashes one file's bytes with DVC's rules, reading the file once in 1 MiB chunks.
 *
 * <p>Every byte read goes through this class, which counts them ({@link #bytesRead()}): callers and
 * tests can tell whether a file was actually read or its hash came from the state cache.
 *
 * <p>Thread-safe: one instance is shared by the hashing pool.
 */
public final class FileHasher {
    /** DVC's read size ({@code dvc_objects} uses 1 MiB chunks), which the legacy rule depends on. */
    static final int CHUNK_SIZE = 1 << 20;
    private static final int TEXT_PROBE_SIZE = 512;
    /**
     * Copies at least this long are hashed on the shared lanes of {@link LaneMd5} (where it runs); shorter ones on
     * the calling thread, where handing them over would cost more than their hashing.
     */
    static final long LANE_THRESHOLD = 256 * 1024;
    /** How much of a copy is written between two reports to the lane hashing it behind ({@link #copyThenHash}). */
    private static final long FOLLOW_STEP = 4L * CHUNK_SIZE;
    /**
     * Copies made while the native lanes hash their source ({@link #hashWhileCopying}) run on one core less than the
     * machine has (all of them on one core) until the hash is done: the hashing worker then keeps a core of its own
     * instead of a share next to every copying thread, and copying and hashing end together rather than hashing alone
     * at the end (a pull of 1 GB in ten files from a folder remote on two cores, alternating: 0.72 -> 0.67 s). Copies
     * hashed behind their writes ({@link #copyThenHash}) are not held: there the lanes wait for the copy, and holding
     * copies back made {@code add} and a pull that copies slower.
     */
    private static final Semaphore COPIERS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() - 1));

    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[CHUNK_SIZE]);
    private static final ThreadLocal<ByteBuffer> DIRECT_BUFFERS = ThreadLocal.withInitial(() ->
            ByteBuffer.allocateDirect(CHUNK_SIZE + UncachedFile.ALIGNMENT).alignedSlice(UncachedFile.ALIGNMENT)
                    .limit(CHUNK_SIZE).slice());

    private final LongAdder bytesRead = new LongAdder();

    /** The calling thread's heap buffer of {@link #CHUNK_SIZE} bytes, reused by every read on that thread. */
    static byte[] buffer() {
        return BUFFERS.get();
    }

    /**
     * The calling thread's direct buffer of {@link #CHUNK_SIZE} bytes, aligned for {@link UncachedFile}, cleared.
     * Reading a file into it costs one copy (into a heap array, Java adds a second).
     */
    static ByteBuffer directBuffer() {
        return DIRECT_BUFFERS.get().clear();
    }

    /** Reads from {@code in} until {@code buffer} is full or the input ends; returns the bytes read. */
    static int readFully(ReadableByteChannel in, ByteBuffer buffer) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int read = in.read(buffer);
            if (read < 0) {
                break;
            }
            total += read;
        }
        return total;
    }

    /** Where {@link #copyHashing} writes each chunk (all of its remaining bytes). */
    @FunctionalInterface
    interface ChunkWriter {
        void write(ByteBuffer chunk) throws IOException;

        /** Writes each chunk fully to {@code channel}. */
        static ChunkWriter to(WritableByteChannel channel) {
            return chunk -> {
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
            };
        }
    }

    /**
     * Copies everything {@code in} holds to {@code out} in whole {@link #CHUNK_SIZE} chunks of the thread's
     * {@link #directBuffer()} (the last may be shorter), digesting the bytes on the way.
     *
     * @return the lowercase hex MD5 of the bytes copied
     */
    static String copyHashing(ReadableByteChannel in, ChunkWriter out) throws IOException {
        MessageDigest digest = Md5.newDigest();
        ByteBuffer chunk = directBuffer();
        while (readFully(in, chunk) > 0) {
            chunk.flip();
            digest.update(chunk);
            chunk.rewind();
            out.write(chunk);
            chunk.clear();
        }
        return Md5.hex(digest);
    }

    /**
     * Reads the whole of {@code file} into the thread's {@link #directBuffer()} when it fits.
     *
     * @return the buffer, flipped (its remaining bytes are the file's), or {@code null} when the file is longer
     *     than the buffer and must be streamed
     * @throws SlipwayException as {@link #hash}
     */
    ByteBuffer readWhole(Path file) {
        ByteBuffer buffer = directBuffer();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (in.size() > CHUNK_SIZE) {
                return null;
            }
            int length = readFully(in, buffer);
            if (!buffer.hasRemaining() && in.read(ByteBuffer.allocate(1)) >= 0) {
                return null; // grew past the buffer while it was read
            }
            bytesRead.add(length);
            return buffer.flip();
        } catch (NoSuchFileException e) {
            throw vanished(file, e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Hashes {@code file} with {@code rule}.
     *
     * @return the lowercase hex MD5 (no {@code .dir} suffix)
     * @throws SlipwayException RESOURCE_DOES_NOT_EXIST naming the file if it is gone (for example it
     *     vanished after the folder was listed), INTERNAL_ERROR naming it on other read failures
     */
    public String hash(Path file, HashName rule) {
        requireNonNull(file, "file is null");
        requireNonNull(rule, "rule is null");
        return digest(file, rule, LaneMd5.available());
    }

    /**
     * The DVC 3 hash of each file, in the order given, read on the calling thread: sixteen at a time on the native
     * kernel ({@link LaneMd5}) where it runs, else one after another.
     *
     * @return the lowercase hex MD5s
     * @throws SlipwayException as {@link #hash}, for the first file that cannot be read
     */
    public List<String> hashAll(List<Path> files) {
        return hashAll(files, LaneMd5.available());
    }

    /** As {@link #hashAll(List)}; {@code lanes} says whether to use the native kernel (which must be available). */
    List<String> hashAll(List<Path> files, boolean lanes) {
        requireNonNull(files, "files is null");
        if (!lanes || files.size() < 2) {
            List<String> digests = new ArrayList<>(files.size());
            for (Path file : files) {
                digests.add(digest(file, HashName.MD5, lanes));
            }
            return digests;
        }
        try {
            return LaneMd5.hash(files, bytesRead);
        } catch (LaneMd5.FileFailure e) {
            throw failed(e);
        }
    }

    /**
     * Copies {@code file} to the new file {@code copy} inside the kernel ({@link KernelCopy}) and hashes the copy with
     * the DVC 3 rule, reading it back from the page cache: a copy of {@link #LANE_THRESHOLD} bytes or more on a lane of
     * {@link LaneMd5#follow} where the native kernel runs, behind the copy as it is written (a copy from a slow disk is
     * hashed while it arrives), and the copies several threads make at once side by side. The hash is the copy's, so
     * an object stored under it holds exactly the bytes it names even if {@code file} changes meanwhile.
     *
     * @return the lowercase hex MD5 of the copy
     * @throws SlipwayException as {@link #hash} when {@code file} cannot be opened; a failure to copy is thrown as
     *     the IOException
     */
    String copyThenHash(Path file, Path copy) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(copy, "copy is null");
        try (FileChannel in = openToRead(file)) {
            return copyThenHash(in, copy);
        }
    }

    /**
     * As {@link #copyThenHash(Path, Path)} for a source already open (a folder remote's object, for instance),
     * copied from its start to its end; the caller closes it.
     */
    String copyThenHash(FileChannel in, Path copy) throws IOException {
        return copyThenHash(in, copy, List.of());
    }

    /**
     * As {@link #copyThenHash(FileChannel, Path)}, also writing the bytes to each of {@code alsoTo} (new files) as
     * they are copied, from the copy in the page cache, before its hash is known: the caller deletes them if it does
     * not match, or if this throws (they may exist then, whole or not).
     */
    String copyThenHash(FileChannel in, Path copy, List<Path> alsoTo) throws IOException {
        requireNonNull(in, "in is null");
        requireNonNull(copy, "copy is null");
        requireNonNull(alsoTo, "alsoTo is null");
        try (FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                KernelCopy.Tee tee = new KernelCopy.Tee(out, alsoTo)) {
            if (!hashesBehindCopy(in.size())) {
                tee.upTo(KernelCopy.copy(in, out));
                return digest(copy, HashName.MD5, false);
            }
            LaneMd5.Follower hashing = LaneMd5.follow(copy, bytesRead);
            long size;
            try {
                size = KernelCopy.copy(in, out, FOLLOW_STEP, written -> {
                    hashing.advance(written);
                    tee.upTo(written);
                    keepUp(hashing, written);
                });
            } catch (IOException | RuntimeException | Error e) {
                hashing.cancel();
                throw e;
            }
            return digestOf(hashing, size);
        }
    }

    /**
     * Opens {@code file} for reading.
     *
     * @throws SlipwayException as {@link #hash} when it cannot be opened
     */
    private static FileChannel openToRead(Path file) {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw vanished(file, e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * The MD5 of {@code file}, complete and no longer written (a folder remote's object the cache just linked), hashed
     * on the shared lanes of {@link LaneMd5} where the kernel runs while this thread copies it, in the kernel, to each
     * of {@code copies} (new files): the hash does not wait for the copies, nor they for it. The caller deletes the
     * copies if the hash does not match, or if this throws (they may exist then, whole or not).
     */
    String hashWhileCopying(Path file, List<Path> copies) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(copies, "copies is null");
        try (FileChannel in = openToRead(file); KernelCopy.Tee tee = new KernelCopy.Tee(in, copies)) {
            long size = in.size();
            if (!hashesBehindCopy(size)) {
                tee.upTo(size);
                return digest(file, HashName.MD5, false);
            }
            LaneMd5.Follower hashing = LaneMd5.follow(file, bytesRead);
            try {
                hashing.advance(size);
                for (long end = 0; end < size && !copies.isEmpty(); ) {
                    end = Math.min(size, end + FOLLOW_STEP);
                    boolean held = hashing.hashed() < size; // see COPIERS
                    if (held) {
                        acquire(COPIERS);
                    }
                    try {
                        tee.upTo(end);
                    } finally {
                        if (held) {
                            COPIERS.release();
                        }
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                hashing.cancel();
                throw e;
            }
            return digestOf(hashing, size);
        }
    }

    /**
     * Writes everything {@code in} holds to {@code file} (created here), and returns the MD5 of what was written: a
     * stream longer than one {@link #CHUNK_SIZE} chunk is hashed on the native lanes behind the writes where the
     * kernel runs ({@link LaneMd5#follow}, the writer held within the lanes' lead), any other in Java as it is
     * written. An object downloaded from S3 is read once, as it arrives, rather than written by the SDK and read back
     * to be hashed.
     */
    String writeThenHash(ReadableByteChannel in, Path file) throws IOException {
        requireNonNull(in, "in is null");
        requireNonNull(file, "file is null");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ChunkWriter writer = ChunkWriter.to(out);
            if (!LaneMd5.available()) {
                return copyHashing(in, writer);
            }
            ByteBuffer chunk = directBuffer();
            if (readFully(in, chunk) < CHUNK_SIZE) { // the whole stream: one chunk
                chunk.flip();
                MessageDigest digest = Md5.newDigest();
                digest.update(chunk);
                writer.write(chunk.rewind());
                return Md5.hex(digest);
            }
            LaneMd5.Follower hashing = LaneMd5.follow(file, bytesRead);
            long written = 0;
            try {
                do {
                    chunk.flip();
                    written += chunk.remaining();
                    writer.write(chunk);
                    hashing.advance(written);
                    keepUp(hashing, written);
                    chunk.clear();
                } while (readFully(in, chunk) > 0);
            } catch (IOException | RuntimeException | Error e) {
                hashing.cancel();
                throw e;
            }
            return digestOf(hashing, written);
        }
    }

    /** Waits for the digest of a file hashed behind its writes, complete at {@code size} bytes. */
    private static String digestOf(LaneMd5.Follower hashing, long size) throws IOException {
        try {
            return hashing.digest(size);
        } catch (LaneMd5.FileFailure e) {
            throw failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
    }

    /** Takes a permit of {@code gate}, an interruption reported as the channels report theirs. */
    private static void acquire(Semaphore gate) throws ClosedByInterruptException {
        try {
            gate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
    }

    /** {@link LaneMd5.Follower#keepUp}, an interruption reported as the channels report theirs. */
    private static void keepUp(LaneMd5.Follower hashing, long written) throws ClosedByInterruptException {
        try {
            hashing.keepUp(written);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
    }

    /**
     * Whether {@link #copyThenHash} hashes a copy of {@code size} bytes on the native lanes behind the copy as it is
     * written; otherwise it copies, then hashes the copy in Java.
     */
    static boolean hashesBehindCopy(long size) {
        return size >= LANE_THRESHOLD && LaneMd5.available();
    }

    /**
     * @param lanes whether a file of {@link #LANE_THRESHOLD} bytes or more may be hashed by the native kernel (alone
     *     on a lane it takes its scalar path, which runs at full speed whatever the JIT compiler has done)
     */
    private String digest(Path file, HashName rule, boolean lanes) {
        if (lanes && rule == HashName.MD5) {
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException e) {
                throw vanished(file, e);
            } catch (IOException e) {
                throw unreadable(file, e);
            }
            if (size >= LANE_THRESHOLD) {
                try {
                    return LaneMd5.hash(List.of(file), bytesRead).get(0);
                } catch (LaneMd5.FileFailure e) {
                    throw failed(e);
                }
            }
        }
        MessageDigest digest = Md5.newDigest();
        ByteBuffer chunk = directBuffer();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                chunk.clear();
                int length = readFully(in, chunk);
                if (length == 0) {
                    break;
                }
                bytesRead.add(length);
                chunk.flip();
                switch (rule) {
                    case MD5 -> digest.update(chunk);
                    case MD5_DOS2UNIX -> {
                        byte[] heap = buffer();
                        chunk.get(heap, 0, length);
                        updateDos2Unix(digest, heap, length);
                    }
                }
                if (length < CHUNK_SIZE) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            throw vanished(file, e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return Md5.hex(digest);
    }

    private static SlipwayException failed(LaneMd5.FileFailure e) {
        return e.getCause() instanceof NoSuchFileException missing ? vanished(e.file(), missing)
                : unreadable(e.file(), e.getCause());
    }

    private static SlipwayException vanished(Path file, IOException e) {
        return new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                String.format("File '%s' vanished while it was being hashed", file), e);
    }

    private static SlipwayException unreadable(Path file, IOException e) {
        return new SlipwayException(ErrorCode.INTERNAL_ERROR,
                String.format("Cannot read '%s' to hash it: %s", file, e.getMessage()), e);
    }

    /** Total bytes read from files by this hasher since it was created. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /**
     * DVC 2's rule, as current dvc-data applies it: each 1 MiB chunk whose first 512 bytes look like
     * text has every CRLF replaced by LF before it is digested (a CRLF split across two chunks stays).
     */
    private static void updateDos2Unix(MessageDigest digest, byte[] chunk, int length) {
        if (!isText(chunk, Math.min(length, TEXT_PROBE_SIZE))) {
            digest.update(chunk, 0, length);
            return;
        }
        int start = 0;
        for (int i = 0; i + 1 < length; i++) {
            if (chunk[i] == '\r' && chunk[i + 1] == '\n') {
                digest.update(chunk, start, i - start);
                start = i + 1;
            }
        }
        digest.update(chunk, start, length - start);
    }

    /**
     * DVC's {@code istextblock}: empty is text; a NUL byte means binary; otherwise binary when more
     * than 30% of the bytes are outside printable ASCII and {@code \n \r \t \f \b}.
     */
    static boolean isText(byte[] block, int length) {
        if (length == 0) {
            return true;
        }
        int nonText = 0;
        for (int i = 0; i < length; i++) {
            int b = block[i] & 0xff;
            if (b == 0) {
                return false;
            }
            boolean text = (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' || b == '\t' || b == '\f' || b == '\b';
            if (!text) {
                nonText++;
            }
        }
        return (double) nonText / length <= 0.30;
    }
}
