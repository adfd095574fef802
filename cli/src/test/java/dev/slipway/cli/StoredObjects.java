package dev.slipway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** What a cache or folder remote holds on disk: its objects, their content hashes, leftover temporary files. */
final class StoredObjects {
    private StoredObjects() {}

    /** Every file under {@code root} named as an object ({@code XX/<30 hex>[.dir]}), as {@code XX/...} names. */
    static List<Path> objects(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(StoredObjects::isObject).sorted().toList();
        }
    }

    /** The objects under {@code root} whose bytes do not hash to their name: partial or corrupted ones. */
    static List<Path> damaged(Path root) throws IOException {
        List<Path> damaged = new java.util.ArrayList<>();
        for (Path object : objects(root)) {
            String name = object.getParent().getFileName().toString() + object.getFileName();
            if (!name.replace(".dir", "").equals(md5(object))) {
                damaged.add(object);
            }
        }
        return damaged;
    }

    /** The temporary files ({@code *.tmp}) under {@code root}. */
    static List<Path> temporaryFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }

    private static boolean isObject(Path file) {
        return file.getParent().getFileName().toString().matches("[0-9a-f]{2}")
                && file.getFileName().toString().matches("[0-9a-f]{30}(\\.dir)?");
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
