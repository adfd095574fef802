package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the test folders on disk: LF/CRLF text, binary, empty, non-ASCII and tricky-order names. */
final class Fixtures {
    /** The name of the non-ASCII file under {@code sub/deeper/} (includes a non-BMP emoji). */
    static final String UNICODE_NAME = "\u00fcn\u00efc\u00f6d\u00e9 \uD83D\uDE00.txt";

    /**
     * The {@code .dir} hash of {@link #writeTree}'s folder, computed independently with Python 3
     * ({@code os.walk}, sort by relpath, {@code json.dumps(sort_keys=True)}, md5), as dvc-data does.
     */
    static final String TREE_DIR_HASH = "bd37d1e0b27a28c224aebcabb306ecb3.dir";
    static final int TREE_FILES = 8;
    static final long TREE_SIZE = 318;

    private Fixtures() {}

    /** Writes the reference tree under {@code root} (which is created) and returns {@code root}. */
    static Path writeTree(Path root) {
        write(root.resolve("lf.txt"), "line one\nline two\n");
        write(root.resolve("crlf.txt"), "line one\r\nline two\r\n");
        write(root.resolve("empty.bin"), new byte[0]);
        write(root.resolve("binary.bin"), allBytes());
        write(root.resolve("sub.txt"), "beside\n");
        write(root.resolve("sub/x"), "inside\n");
        write(root.resolve("sub/deeper/" + UNICODE_NAME), "unicode\n");
        write(root.resolve("Upper.txt"), "U\n");
        write(root.resolve(".git/config"), "ignored by DVC\n");
        try {
            Files.createDirectories(root.resolve("emptydir"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    static byte[] allBytes() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static Path write(Path file, String text) {
        return write(file, text.getBytes(UTF_8));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
