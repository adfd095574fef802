package dev.slipway.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic stream of pseudo-random bytes of a given length, generated as it is read, so that tests move large
 * files without holding them in memory; optionally failing with an IOException after some bytes.
 */
final class GeneratedContent extends InputStream {
    private final long length;
    private final long failAfter;
    private long position;
    private long state;

    private GeneratedContent(long seed, long length, long failAfter) {
        this.length = length;
        this.failAfter = failAfter;
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
    }

    static GeneratedContent of(long seed, long length) {
        return new GeneratedContent(seed, length, Long.MAX_VALUE);
    }

    /** Content that throws an IOException once {@code failAfter} bytes have been read. */
    static GeneratedContent failingAfter(long seed, long length, long failAfter) {
        return new GeneratedContent(seed, length, failAfter);
    }

    /** The SHA-256 of {@code of(seed, length)}, in hex. */
    static String sha256(long seed, long length) {
        try (InputStream in = of(seed, length)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 of the rest of the stream, in hex; reads it in chunks. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[64 * 1024];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            digest.update(buffer, 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (position >= length) {
            return -1;
        }
        if (position >= failAfter) {
            throw new IOException("generated failure after " + failAfter + " bytes");
        }
        int n = (int) Math.min(count, Math.min(length - position, failAfter - position));
        for (int i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            buffer[offset + i] = (byte) state;
        }
        position += n;
        return n;
    }
}
