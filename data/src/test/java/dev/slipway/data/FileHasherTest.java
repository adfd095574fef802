package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected digests were computed with Python's hashlib and a transcription of dvc-data's legacy rule. */
class FileHasherTest {
    @TempDir
    Path dir;

    private final FileHasher hasher = new FileHasher();

    @Test
    void dvc3HashesRawBytesSoCrlfAndLfDiffer() {
        Path lf = Fixtures.write(dir.resolve("lf.txt"), "line one\nline two\n");
        Path crlf = Fixtures.write(dir.resolve("crlf.txt"), "line one\r\nline two\r\n");

        assertThat(hasher.hash(lf, HashName.MD5)).isEqualTo("987929d61c9b69f0c6406b840aa77fd8");
        assertThat(hasher.hash(crlf, HashName.MD5)).isEqualTo("a775daabdb44c57a65eaadeef4edfe51");
    }

    @Test
    void hashesEmptyAndBinaryFiles() {
        Path empty = Fixtures.write(dir.resolve("empty"), new byte[0]);
        Path binary = Fixtures.write(dir.resolve("binary"), Fixtures.allBytes());

        assertThat(hasher.hash(empty, HashName.MD5)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(hasher.hash(binary, HashName.MD5)).isEqualTo("e2c865db4162bed963bfaa9ef6ac18f0");
        assertThat(hasher.hash(empty, HashName.MD5_DOS2UNIX)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void legacyRuleHashesCrlfTextAsIfItWereLf() {
        Path crlf = Fixtures.write(dir.resolve("crlf.txt"), "line one\r\nline two\r\n");

        assertThat(hasher.hash(crlf, HashName.MD5_DOS2UNIX)).isEqualTo("987929d61c9b69f0c6406b840aa77fd8");
    }

    @Test
    void legacyRuleLeavesBinaryAndUtf8HeavyFilesAlone() {
        Path binary = Fixtures.write(dir.resolve("nul"), new byte[] {0, '\r', '\n', 1});
        byte[] accented = ("\u00e9".repeat(10) + "\r\n").getBytes(StandardCharsets.UTF_8);
        Path utf8 = Fixtures.write(dir.resolve("accents.txt"), accented);

        assertThat(hasher.hash(binary, HashName.MD5_DOS2UNIX)).isEqualTo("6fb1bb143e07d52be6b9f2c90cd306c4");
        assertThat(hasher.hash(utf8, HashName.MD5_DOS2UNIX)).isEqualTo("5ca3a92ed3b8d943cc725cd5e6738419")
                .isEqualTo(hasher.hash(utf8, HashName.MD5));
    }

    @Test
    void legacyRuleKeepsACrlfSplitAcrossTheOneMebibyteChunkBoundary() {
        byte[] bytes = new byte[(1 << 20) - 1 + 5];
        Arrays.fill(bytes, (byte) 'a');
        byte[] tail = "\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tail, 0, bytes, (1 << 20) - 1, tail.length);
        Path file = Fixtures.write(dir.resolve("big.txt"), bytes);

        assertThat(hasher.hash(file, HashName.MD5_DOS2UNIX)).isEqualTo("deb8178cc400550795d42d701b97846d");
        assertThat(hasher.hash(file, HashName.MD5)).isEqualTo("e0bc301cdd0940f2de68d786f8e52418");
    }

    @Test
    void readsEachFileOnceAndCountsTheBytes() {
        Path binary = Fixtures.write(dir.resolve("binary"), Fixtures.allBytes());

        hasher.hash(binary, HashName.MD5);

        assertThat(hasher.bytesRead()).isEqualTo(256);
    }

    @Test
    void missingFileIsNamedInTheError() {
        Path gone = dir.resolve("gone.csv");

        assertThatThrownBy(() -> hasher.hash(gone, HashName.MD5))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("gone.csv").hasMessageContaining("vanished")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void textDetectionFollowsDvcThresholdOfThirtyPercent() {
        byte[] thirty = new byte[10];
        Arrays.fill(thirty, (byte) 'a');
        thirty[0] = thirty[1] = thirty[2] = (byte) 0xc3;
        byte[] forty = thirty.clone();
        forty[3] = (byte) 0xc3;

        assertThat(FileHasher.isText(thirty, thirty.length)).isTrue();
        assertThat(FileHasher.isText(forty, forty.length)).isFalse();
        assertThat(FileHasher.isText(new byte[0], 0)).isTrue();
    }

    /**
     * A stream (as from S3) written to a new file and hashed: whole, in Java for one chunk or less, behind the writes
     * on the lanes beyond (several times the lanes' lead, so the writer is held back), arriving in uneven reads.
     */
    @Test
    void aStreamIsWrittenWholeAndHashedWhateverItsLength() throws Exception {
        int chunk = FileHasher.CHUNK_SIZE;
        int[] sizes = {0, 1_000, chunk - 1, chunk, chunk + 1, 3 * chunk + 5,
            (int) (2 * LaneMd5.Follower.LEAD) + 12_345};
        Random random = new Random(17);
        for (int size : sizes) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Path file = dir.resolve("stream-" + size + ".bin");

            String md5 = hasher.writeThenHash(unevenChannel(bytes, Integer.MAX_VALUE), file);

            assertThat(md5).as("size %d", size)
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
            assertThat(Files.mismatch(file, Files.write(dir.resolve("expected-" + size), bytes))).isEqualTo(-1);
        }
    }

    @Test
    void aStreamThatFailsOrAFileThatExistsIsReported() throws Exception {
        byte[] bytes = new byte[5 * FileHasher.CHUNK_SIZE];
        assertThatThrownBy(() -> hasher.writeThenHash(unevenChannel(bytes, 3 * FileHasher.CHUNK_SIZE),
                dir.resolve("broken.bin"))).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
        Path existing = Files.write(dir.resolve("existing.bin"), new byte[] {1});
        assertThatThrownBy(() -> hasher.writeThenHash(unevenChannel(bytes, Integer.MAX_VALUE), existing))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(existing).hasBinaryContent(new byte[] {1});
        // the lanes go on serving after the abandoned stream
        assertThat(hasher.writeThenHash(unevenChannel(bytes, Integer.MAX_VALUE), dir.resolve("after.bin")))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes)));
    }

    /** A channel over {@code bytes} giving at most 7,001 bytes a read, failing once {@code failAt} were read. */
    private static ReadableByteChannel unevenChannel(byte[] bytes, int failAt) {
        return new ReadableByteChannel() {
            private int position;

            @Override
            public int read(ByteBuffer target) throws IOException {
                if (position >= failAt) {
                    throw new IOException("connection reset");
                }
                if (position == bytes.length) {
                    return -1;
                }
                int length = Math.min(Math.min(target.remaining(), 7_001), bytes.length - position);
                target.put(bytes, position, length);
                position += length;
                return length;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
    }
}
