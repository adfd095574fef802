package dev.slipway.data;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
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

    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[CHUNK_SIZE]);

    private final LongAdder bytesRead = new LongAdder();

    /** The calling thread's read buffer of {@link #CHUNK_SIZE} bytes, reused by every read on that thread. */
    static byte[] buffer() {
        return BUFFERS.get();
    }

    /**
     * Reads the whole of {@code file} into {@code buffer} when it fits.
     *
     * @return the number of bytes read, or -1 when the file is longer than the buffer (then the buffer's
     *     content is undefined and the file must be streamed)
     * @throws SlipwayException as {@link #hash}
     */
    int readWhole(Path file, byte[] buffer) {
        try (InputStream in = Files.newInputStream(file)) {
            int length = in.readNBytes(buffer, 0, buffer.length);
            if (length == buffer.length && in.read() >= 0) {
                return -1;
            }
            bytesRead.add(length);
            return length;
        } catch (NoSuchFileException e) {
            throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                    String.format("File '%s' vanished while it was being hashed", file), e);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s' to hash it: %s", file, e.getMessage()), e);
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
        return digest(file, rule, OutputStream.nullOutputStream());
    }

    /**
     * Hashes {@code file} with the DVC 3 rule while writing the same bytes to {@code copy}, so that
     * adding a file to the cache reads it only once.
     *
     * @return the lowercase hex MD5 of the bytes copied
     * @throws SlipwayException as {@link #hash}, and INTERNAL_ERROR naming the file if {@code copy}
     *     fails
     */
    public String hashAndCopy(Path file, OutputStream copy) {
        requireNonNull(file, "file is null");
        requireNonNull(copy, "copy is null");
        return digest(file, HashName.MD5, copy);
    }

    private String digest(Path file, HashName rule, OutputStream copy) {
        MessageDigest digest = Md5.newDigest();
        byte[] chunk = buffer();
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int length = in.readNBytes(chunk, 0, CHUNK_SIZE);
                if (length == 0) {
                    break;
                }
                bytesRead.add(length);
                try {
                    copy.write(chunk, 0, length);
                } catch (IOException e) {
                    throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                            String.format("Cannot write the copy of '%s': %s", file, e.getMessage()), e);
                }
                switch (rule) {
                    case MD5 -> digest.update(chunk, 0, length);
                    case MD5_DOS2UNIX -> updateDos2Unix(digest, chunk, length);
                }
                if (length < CHUNK_SIZE) {
                    break;
                }
            }
        } catch (NoSuchFileException e) {
            throw new SlipwayException(ErrorCode.RESOURCE_DOES_NOT_EXIST,
                    String.format("File '%s' vanished while it was being hashed", file), e);
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                    String.format("Cannot read '%s' to hash it: %s", file, e.getMessage()), e);
        }
        return Md5.hex(digest);
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
