package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCacheTest {
    private static final HashInfo FOO = HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8");

    @TempDir
    Path dir;

    private LocalCache cache() {
        return new LocalCache(dir.resolve(".dvc/cache"), new WorkspaceHasher(new FileHasher(), StateCache.none(), 2));
    }

    @Test
    void objectsLiveUnderFilesMd5AndLegacyObjectsAtTheRoot() {
        LocalCache cache = cache();

        assertThat(cache.objectPath(FOO)).isEqualTo(
                dir.resolve(".dvc/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8").toAbsolutePath());
        assertThat(cache.objectPath(HashInfo.md5("5ea40360f5b4ec688df672a4db9c17d1.dir"))).isEqualTo(
                dir.resolve(".dvc/cache/files/md5/5e/a40360f5b4ec688df672a4db9c17d1.dir").toAbsolutePath());
        assertThat(cache.objectPath(new HashInfo(HashName.MD5_DOS2UNIX, FOO.value()))).isEqualTo(
                dir.resolve(".dvc/cache/ac/bd18db4cc2f85cedef654fccc4a4d8").toAbsolutePath());
    }

    @Test
    void storedObjectsAreReadOnlyAndNoTemporaryFileIsLeft() throws Exception {
        LocalCache cache = cache();
        Path foo = Fixtures.write(dir.resolve("foo"), "foo");

        cache.storeFile(foo, FOO);

        Path object = cache.objectPath(FOO);
        assertThat(object).hasContent("foo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(object))).isEqualTo("r--r--r--");
        try (Stream<Path> siblings = Files.list(object.getParent())) {
            assertThat(siblings).containsExactly(object);
        }
    }

    @Test
    void aFileThatChangedSinceItWasHashedIsNotStored() {
        LocalCache cache = cache();
        Path foo = Fixtures.write(dir.resolve("foo"), "not foo any more");

        assertThatThrownBy(() -> cache.storeFile(foo, FOO))
                .hasMessageContaining("foo").hasMessageContaining("changed");
        assertThat(cache.contains(FOO)).isFalse();
        assertThat(cache.objectPath(FOO).getParent()).isEmptyDirectory();
    }

    @Test
    void storesAndReadsBackADirectoryListing() {
        LocalCache cache = cache();
        DirectoryListing listing = new DirectoryListing(List.of(new DirectoryListing.Entry("sub.txt", FOO.value())));

        HashInfo hash = cache.storeListing(listing, HashName.MD5);

        assertThat(cache.objectPath(hash)).hasBinaryContent(listing.toBytes());
        assertThat(cache.readListing(hash)).isEqualTo(listing);
    }

    @Test
    void aCorruptedObjectIsReportedAndNeverCheckedOut() throws Exception {
        LocalCache cache = cache();
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        Path object = cache.objectPath(FOO);
        object.toFile().setWritable(true);
        Files.writeString(object, "bit rot");
        Path target = dir.resolve("workspace/foo");

        assertThatThrownBy(() -> cache.checkout(FOO, target, LinkType.DEFAULT_ORDER))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining(object.toString()).hasMessageContaining("corrupted")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(target).doesNotExist();
    }

    @Test
    void aFolderWithOneCorruptedFileIsNotCheckedOutAtAll() throws Exception {
        LocalCache cache = cache();
        HashInfo bar = HashInfo.md5("37b51d194a7513e45b56f6524f2d51f2");
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        cache.storeFile(Fixtures.write(dir.resolve("bar"), "bar"), bar);
        HashInfo folder = cache.storeListing(new DirectoryListing(List.of(
                new DirectoryListing.Entry("a/foo", FOO.value()), new DirectoryListing.Entry("b/bar", bar.value()))),
                HashName.MD5);
        cache.objectPath(bar).toFile().setWritable(true);
        Files.writeString(cache.objectPath(bar), "rab");

        assertThatThrownBy(() -> cache.checkout(folder, dir.resolve("data"), LinkType.DEFAULT_ORDER))
                .hasMessageContaining("corrupted");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aCorruptedDirectoryObjectIsReported() throws Exception {
        LocalCache cache = cache();
        HashInfo folder = cache.storeListing(new DirectoryListing(List.of()), HashName.MD5);
        cache.objectPath(folder).toFile().setWritable(true);
        Files.writeString(cache.objectPath(folder), "[{}]");

        assertThatThrownBy(() -> cache.verify(folder)).hasMessageContaining("corrupted");
    }

    @Test
    void checksOutAFolderWithNestedAndNonAsciiNames() throws Exception {
        LocalCache cache = cache();
        Path source = Fixtures.writeTree(dir.resolve("source"));
        WorkspaceHasher hasher = new WorkspaceHasher(new FileHasher(), StateCache.none(), 2);
        WorkspaceHasher.HashedDirectory hashed = hasher.hashDirectory(source, HashName.MD5);
        for (DirectoryListing.Entry entry : hashed.listing().entries()) {
            cache.storeFile(source.resolve(entry.relpath()), HashInfo.md5(entry.md5()));
        }
        cache.storeListing(hashed.listing(), HashName.MD5);

        cache.checkout(hashed.hash(), dir.resolve("restored"), List.of(LinkType.COPY));

        assertThat(dir.resolve("restored/sub/deeper/" + Fixtures.UNICODE_NAME)).hasContent("unicode");
        assertThat(dir.resolve("restored/crlf.txt")).hasBinaryContent("line one\r\nline two\r\n".getBytes(UTF_8));
        assertThat(hasher.hashDirectory(dir.resolve("restored"), HashName.MD5).hash()).isEqualTo(hashed.hash());
    }

    @Test
    void hardlinkFirstSharesTheInodeOfTheCacheObject() throws Exception {
        LocalCache cache = cache();
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        Path target = dir.resolve("workspace/foo");

        LinkType used = cache.checkout(FOO, target, List.of(LinkType.HARDLINK, LinkType.COPY));

        assertThat(used).isEqualTo(LinkType.HARDLINK);
        assertThat(Files.isSameFile(target, cache.objectPath(FOO))).isTrue();
    }

    @Test
    void symlinkPointsIntoTheCache() throws Exception {
        LocalCache cache = cache();
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        Path target = dir.resolve("workspace/foo");

        LinkType used = cache.checkout(FOO, target, List.of(LinkType.SYMLINK));

        assertThat(used).isEqualTo(LinkType.SYMLINK);
        assertThat(Files.readSymbolicLink(target)).isEqualTo(cache.objectPath(FOO));
    }

    @Test
    void copyGivesAWritableIndependentFileAndReplacesWhatWasThere() throws Exception {
        LocalCache cache = cache();
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        Path target = Fixtures.write(dir.resolve("workspace/foo"), "old content");

        LinkType used = cache.checkout(FOO, target, List.of(LinkType.COPY));

        assertThat(used).isEqualTo(LinkType.COPY);
        assertThat(target).hasContent("foo");
        assertThat(Files.isSameFile(target, cache.objectPath(FOO))).isFalse();
        assertThat(Files.isWritable(target)).isTrue();
    }

    @Test
    void defaultOrderGivesAReflinkOrFallsBackToACopy() throws Exception {
        LocalCache cache = cache();
        cache.storeFile(Fixtures.write(dir.resolve("foo"), "foo"), FOO);
        Path target = dir.resolve("workspace/foo");

        LinkType used = cache.checkout(FOO, target, LinkType.DEFAULT_ORDER);

        assertThat(used).isIn(LinkType.REFLINK, LinkType.COPY);
        assertThat(target).hasContent("foo");
        assertThat(Files.isSymbolicLink(target)).isFalse();
        assertThat(Files.isSameFile(target, cache.objectPath(FOO))).isFalse();
    }

    @Test
    void aMissingObjectIsNamed() {
        assertThatThrownBy(() -> cache().checkout(FOO, dir.resolve("foo"), List.of(LinkType.COPY)))
                .hasMessageContaining(FOO.value()).hasMessageContaining("not in the cache");
    }

    @Test
    void legacyObjectsAreVerifiedWithTheLegacyRule() throws Exception {
        LocalCache cache = cache();
        HashInfo legacy = new HashInfo(HashName.MD5_DOS2UNIX, "987929d61c9b69f0c6406b840aa77fd8");
        Path object = cache.objectPath(legacy);
        Fixtures.write(object, "line one\r\nline two\r\n");

        cache.checkout(legacy, dir.resolve("crlf.txt"), List.of(LinkType.COPY));

        assertThat(dir.resolve("crlf.txt")).hasBinaryContent("line one\r\nline two\r\n".getBytes(UTF_8));
    }

    @Test
    void verifyFindsCorruptedObjectsOfBothLayoutsAmongManyOnAnyNumberOfThreads() throws Exception {
        LocalCache cache = cache();
        HashInfo legacy = new HashInfo(HashName.MD5_DOS2UNIX, "987929d61c9b69f0c6406b840aa77fd8");
        Fixtures.write(cache.objectPath(legacy), "line one\r\nline two\r\n");
        HashInfo damagedLegacy = new HashInfo(HashName.MD5_DOS2UNIX, FOO.value());
        Fixtures.write(cache.objectPath(damagedLegacy), "not foo");
        List<HashInfo> stored = new java.util.ArrayList<>();
        for (int index = 0; index < 20; index++) {
            // large enough for whole chunks on the lanes, different lengths so that lanes finish apart
            byte[] bytes = new byte[FileHasher.CHUNK_SIZE + index * 1_000];
            java.util.Arrays.fill(bytes, (byte) index);
            HashInfo hash = HashInfo.md5(Md5.of(bytes));
            Fixtures.write(cache.objectPath(hash), bytes);
            stored.add(hash);
        }
        Path damaged = cache.objectPath(stored.get(13));
        Fixtures.write(damaged, "damaged");

        for (int threads : new int[] {1, 2, 5}) {
            LocalCache.Verification verification = cache.verifyAll(threads);

            assertThat(verification.checked()).isEqualTo(22);
            assertThat(verification.corrupted()).as("%d threads", threads).extracting(LocalCache.Corruption::hash)
                    .containsExactlyInAnyOrder(stored.get(13), damagedLegacy);
            assertThat(verification.corrupted()).extracting(LocalCache.Corruption::actualMd5)
                    .containsExactlyInAnyOrder(Md5.of("damaged".getBytes(UTF_8)), Md5.of("not foo".getBytes(UTF_8)));
        }
    }
}
