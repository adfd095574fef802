package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link Remote} must show under push, fetch, pull and gc; subclasses supply the store. */
abstract class AbstractRemoteTransfersTest {
    static final HashInfo LF_TXT = HashInfo.md5(Md5.of("line one\nline two\n".getBytes(UTF_8)));
    static final byte[] MODEL = "weights v1\n".getBytes(UTF_8);
    static final HashInfo MODEL_HASH = HashInfo.md5(Md5.of(MODEL));

    @TempDir
    Path root;

    /** Adds remote {@code store} to {@code repositoryRoot/.dvc/config} as the default remote. */
    abstract void configureRemote(Path repositoryRoot);

    /** Replaces the bytes of {@code hash} on the remote. */
    abstract void overwriteOnRemote(HashInfo hash, byte[] bytes);

    private Repository trackedRepository() {
        Fixtures.writeTree(root.resolve("data"));
        Fixtures.write(root.resolve("model.bin"), MODEL);
        Repository repository = Repository.init(root);
        configureRemote(root);
        repository.add(Path.of("data"));
        repository.add(Path.of("model.bin"));
        return repository;
    }

    @Test
    void pullRestoresWorkspaceAfterCacheAndCopiesAreDeleted() throws Exception {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            Transfers.Result pushed = repository.push(remote, List.of(), 4, Transfers.Progress.none());
            assertThat(pushed.transferred()).isEqualTo(Fixtures.TREE_FILES + 2); // 8 files, .dir, model.bin

            delete(root.resolve(".dvc/cache"));
            delete(root.resolve("data"));
            delete(root.resolve("model.bin"));
            Repository.Pulled pulled = repository.pull(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(pulled.transfer().transferred()).isEqualTo(Fixtures.TREE_FILES + 2);
            assertThat(pulled.checkedOut()).extracting(CheckoutChange::path, CheckoutChange::kind)
                    .containsExactlyInAnyOrder(tuple("data", CheckoutChange.Kind.ADDED),
                            tuple("model.bin", CheckoutChange.Kind.ADDED));
            assertThat(repository.status(List.of())).isEmpty();
            assertThat(root.resolve("data/crlf.txt")).hasBinaryContent("line one\r\nline two\r\n".getBytes(UTF_8));
            assertThat(root.resolve("data/sub/deeper/" + Fixtures.UNICODE_NAME)).hasContent("unicode\n");
            assertThat(root.resolve("model.bin")).hasBinaryContent(MODEL);
        }
    }

    @Test
    void cloudStatusListsObjectsNewDeletedAndMissingByWorkspacePath() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            List<CloudStatus.Entry> before = CloudStatus.compare(repository, remote, List.of());
            assertThat(before).hasSize(Fixtures.TREE_FILES + 2)
                    .allSatisfy(entry -> assertThat(entry.state()).isEqualTo(CloudStatus.State.NEW));
            assertThat(before).extracting(CloudStatus.Entry::name).contains("data", "data/lf.txt", "model.bin");

            repository.push(remote, List.of(Path.of("model.bin")), 4, Transfers.Progress.none());
            assertThat(CloudStatus.compare(repository, remote, List.of())).hasSize(Fixtures.TREE_FILES + 1)
                    .extracting(CloudStatus.Entry::name).doesNotContain("model.bin");

            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            assertThat(CloudStatus.compare(repository, remote, List.of())).as("in sync").isEmpty();

            repository.cache().remove(MODEL_HASH);
            repository.cache().remove(LF_TXT);
            remote.delete(LF_TXT);
            assertThat(CloudStatus.compare(repository, remote, List.of()))
                    .extracting(CloudStatus.Entry::name, CloudStatus.Entry::state)
                    .containsExactlyInAnyOrder(tuple("data/lf.txt", CloudStatus.State.MISSING),
                            tuple("model.bin", CloudStatus.State.DELETED));
            assertThat(CloudStatus.compare(repository, remote, List.of(root.resolve("data.dvc"))))
                    .extracting(CloudStatus.Entry::name).containsExactly("data/lf.txt");
        }
    }

    @Test
    void secondPushTransfersNothing() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            Transfers.Result again = repository.push(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(again.transferred()).isZero();
            assertThat(again.bytes()).isZero();
            assertThat(again.alreadyPresent()).isEqualTo(Fixtures.TREE_FILES + 2);
        }
    }

    @Test
    void pushOfOneTargetSendsOnlyItsObjects() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            Transfers.Result pushed = repository.push(remote, List.of(Path.of("model.bin")), 2, Transfers.Progress.none());

            assertThat(pushed.transferred()).isEqualTo(1);
            assertThat(remote.list()).containsExactly(MODEL_HASH);
        }
    }

    @Test
    void pushRefusesACorruptedCacheObjectAndTheFolderListingThatNamesIt() throws Exception {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            Path object = repository.cache().objectPath(LF_TXT);
            object.toFile().setWritable(true);
            Files.writeString(object, "line one\nline tw0\n");

            assertThatThrownBy(() -> repository.push(remote, List.of(), 4, Transfers.Progress.none()))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageContaining(LF_TXT.value()).hasMessageContaining("corrupted")
                    .hasMessageContaining("not pushed because some of its files were not");

            assertThat(remote.list()).as("neither the corrupted object nor its folder's listing")
                    .doesNotContain(LF_TXT, new HashInfo(HashName.MD5, Fixtures.TREE_DIR_HASH))
                    .contains(MODEL_HASH).hasSize(Fixtures.TREE_FILES);
        }
    }

    /** 3 MiB of varied bytes: larger than one hashing chunk, so the cache keeps its stamp when it writes it. */
    static byte[] largeBytes() {
        byte[] bytes = new byte[3 << 20];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }

    /** A new repository with this test's remote, tracking {@code name} with {@code bytes}. */
    private Repository repositoryTracking(String name, byte[] bytes) {
        Fixtures.write(root.resolve(name), bytes);
        Repository repository = Repository.init(root);
        try {
            configureRemote(root);
            repository.add(Path.of(name));
            return repository;
        } catch (RuntimeException | Error e) {
            repository.close();
            throw e;
        }
    }

    /** Overwrites one byte of a cache object in place: same inode and size, a new modification time. */
    static void corruptInPlace(Path object) throws IOException {
        object.toFile().setWritable(true);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(object.toFile(), "rw")) {
            file.seek(1000);
            int old = file.read();
            file.seek(1000);
            file.write(old ^ 0xff);
        }
    }

    @Test
    void pushRefusesALargeCacheObjectWrittenToAfterItWasStored() throws Exception {
        byte[] large = largeBytes();
        HashInfo hash = HashInfo.md5(Md5.of(large));
        try (Repository repository = repositoryTracking("large.bin", large)) {
            corruptInPlace(repository.cache().objectPath(hash));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                assertThatThrownBy(() -> repository.push(remote, List.of(), 4, Transfers.Progress.none()))
                        .hasMessageContaining(hash.value()).hasMessageContaining("corrupted");
                assertThat(remote.list()).isEmpty();
            }
        }
    }

    @Test
    void pushChecksALargeObjectWhoseStampChangedAndSendsItWhenIntact() throws Exception {
        byte[] large = largeBytes();
        HashInfo hash = HashInfo.md5(Md5.of(large));
        try (Repository repository = repositoryTracking("large.bin", large)) {
            Path object = repository.cache().objectPath(hash);
            Files.setLastModifiedTime(object, java.nio.file.attribute.FileTime.fromMillis(0)); // no longer trusted
            assertThat(repository.cache().knownIntact(List.of(hash))).isEmpty();
            try (Remote remote = repository.openRemote(Optional.empty())) {
                repository.push(remote, List.of(), 4, Transfers.Progress.none());

                assertThat(remote.list()).containsExactly(hash);
                delete(root.resolve(".dvc/cache"));
                delete(root.resolve("large.bin"));
                repository.pull(remote, List.of(), 4, Transfers.Progress.none());
                assertThat(root.resolve("large.bin")).hasBinaryContent(large);
            }
        }
    }

    @Test
    void pushSendsALargeObjectWhoseStampIsUnchangedAsItIsAndVerifyStillFindsCorruption() throws Exception {
        byte[] large = largeBytes();
        HashInfo hash = HashInfo.md5(Md5.of(large));
        try (Repository repository = repositoryTracking("large.bin", large)) {
            Path object = repository.cache().objectPath(hash);
            java.nio.file.attribute.FileTime stored = Files.getLastModifiedTime(object);
            corruptInPlace(object);
            Files.setLastModifiedTime(object, stored); // bit rot, or a tool that restores the time: the stamp holds
            try (Remote remote = repository.openRemote(Optional.empty())) {
                repository.push(remote, List.of(), 4, Transfers.Progress.none());
                assertThat(remote.list()).as("trusted by its stamp, as DVC trusts its state").containsExactly(hash);
            }
            assertThat(repository.verifyCache().corrupted()).extracting(LocalCache.Corruption::hash)
                    .containsExactly(hash);
        }
    }

    @Test
    void pulledLargeObjectIsTrustedOnTheNextPush() throws Exception {
        byte[] large = largeBytes();
        HashInfo hash = HashInfo.md5(Md5.of(large));
        try (Repository repository = repositoryTracking("large.bin", large)) {
            try (Remote remote = repository.openRemote(Optional.empty())) {
                repository.push(remote, List.of(), 4, Transfers.Progress.none());
                delete(root.resolve(".dvc/cache"));
                delete(root.resolve("large.bin"));
                repository.pull(remote, List.of(), 4, Transfers.Progress.none());
                assertThat(root.resolve("large.bin")).hasBinaryContent(large);
                assertThat(repository.cache().knownIntact(List.of(hash))).containsExactly(hash);
                corruptInPlace(repository.cache().objectPath(hash));
                assertThat(repository.cache().knownIntact(List.of(hash))).isEmpty();
            }
        }
    }

    @Test
    void progressEndsWithAllBytesDone() {
        List<long[]> updates = new ArrayList<>();
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 3, (done, total) -> updates.add(new long[] {done, total}));
        }
        long[] last = updates.get(updates.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]);
        assertThat(last[0]).isGreaterThan(Fixtures.TREE_SIZE + MODEL.length); // the files, model.bin and the .dir
        assertThat(updates).allSatisfy(update -> assertThat(update[0]).isLessThanOrEqualTo(update[1]));
    }

    @Test
    void corruptedRemoteObjectIsRefusedOnPullAndNeverCached() throws Exception {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            overwriteOnRemote(LF_TXT, "tampered\n".getBytes(UTF_8));
            delete(root.resolve(".dvc/cache"));

            assertThatThrownBy(() -> repository.fetch(remote, List.of(), 4, Transfers.Progress.none()))
                    .isInstanceOfSatisfying(SlipwayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE))
                    .hasMessageContaining(LF_TXT.value())
                    .hasMessageContaining("arrived corrupted")
                    .hasMessageContaining("'store'");
            assertThat(repository.cache().contains(LF_TXT)).isFalse();
            assertThat(repository.cache().objects()).hasSize(Fixtures.TREE_FILES + 2 - 1); // the rest did arrive
            assertThat(temporaryFiles(root.resolve(".dvc/cache"))).isEmpty();
        }
    }

    @Test
    void pullOfACorruptedRemoteObjectLeavesNeitherItsObjectNorAnyWorkspaceFile() throws Exception {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            overwriteOnRemote(LF_TXT, "tampered\n".getBytes(UTF_8));
            delete(root.resolve(".dvc/cache"));
            delete(root.resolve("data"));
            delete(root.resolve("model.bin"));

            assertThatThrownBy(() -> repository.pull(remote, List.of(), 4, Transfers.Progress.none()))
                    .hasMessageContaining(LF_TXT.value()).hasMessageContaining("arrived corrupted");

            assertThat(repository.cache().contains(LF_TXT)).isFalse();
            assertThat(root.resolve("data")).doesNotExist();
            assertThat(root.resolve("model.bin")).as("nothing is checked out when the fetch failed").doesNotExist();
            assertThat(temporaryFiles(root)).as("no staged copy and no partial object").isEmpty();
        }
    }

    @Test
    void aLargeFileIsPulledWhileItArrivesAndWhenCorruptedLeavesNothing() throws Exception {
        // large enough to be copied in several steps and hashed behind the copy on the native lanes where they run
        byte[] weights = new byte[9 * FileHasher.CHUNK_SIZE + 321];
        new java.util.Random(17).nextBytes(weights);
        HashInfo weightsHash = HashInfo.md5(Md5.of(weights));
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            Fixtures.write(root.resolve("weights.bin"), weights);
            repository.add(Path.of("weights.bin"));
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            delete(root.resolve(".dvc/cache"));
            delete(root.resolve("weights.bin"));

            repository.pull(remote, List.of(Path.of("weights.bin.dvc")), 4, Transfers.Progress.none());
            assertThat(root.resolve("weights.bin")).hasBinaryContent(weights);
            assertThat(repository.cache().contains(weightsHash)).isTrue();

            byte[] tampered = weights.clone();
            tampered[7 * FileHasher.CHUNK_SIZE + 3] ^= 1;
            overwriteOnRemote(weightsHash, tampered);
            delete(root.resolve(".dvc/cache"));
            delete(root.resolve("weights.bin"));
            assertThatThrownBy(() -> repository.pull(remote, List.of(Path.of("weights.bin.dvc")), 4,
                    Transfers.Progress.none()))
                    .hasMessageContaining(weightsHash.value()).hasMessageContaining("arrived corrupted");
            assertThat(repository.cache().contains(weightsHash)).isFalse();
            assertThat(root.resolve("weights.bin")).doesNotExist();
            assertThat(temporaryFiles(root)).as("no staged copy and no partial object").isEmpty();
        }
    }

    @Test
    void directoryObjectIsNotPushedWhileOneOfItsFilesIsMissing() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            HashInfo listing = HashInfo.md5(Fixtures.TREE_DIR_HASH);
            repository.cache().remove(LF_TXT);

            assertThatThrownBy(() -> repository.push(remote, List.of(Path.of("data.dvc")), 4, Transfers.Progress.none()))
                    .hasMessageContaining(LF_TXT.value() + ": not in the local cache")
                    .hasMessageContaining(listing.value() + ": not pushed");
            assertThat(remote.existing(List.of(listing))).isEmpty();
            assertThat(remote.list()).hasSize(Fixtures.TREE_FILES - 1);
        }
    }

    @Test
    void fetchDownloadsOnlyWhatTheCacheLacks() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            repository.cache().remove(LF_TXT);

            Transfers.Result fetched = repository.fetch(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(fetched.transferred()).isEqualTo(1);
            assertThat(fetched.bytes()).isEqualTo("line one\nline two\n".length());
            assertThat(repository.cache().contains(LF_TXT)).isTrue();
        }
    }

    @Test
    void cloudGcRemovesOnlyUnreferencedObjects() {
        try (Repository repository = trackedRepository(); Remote remote = repository.openRemote(Optional.empty())) {
            repository.push(remote, List.of(), 4, Transfers.Progress.none());
            Fixtures.write(root.resolve("model.bin"), "retrained\n");
            HashInfo oldModel = MODEL_HASH;
            repository.add(Path.of("model.bin"));
            repository.push(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(repository.collectGarbage(remote, true)).containsExactly(oldModel);
            assertThat(remote.list()).contains(oldModel);
            assertThat(repository.collectGarbage(remote, false)).containsExactly(oldModel);
            assertThat(remote.list()).doesNotContain(oldModel).hasSize(Fixtures.TREE_FILES + 2);
        }
    }

    static List<Path> temporaryFiles(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                file.toFile().setWritable(true);
                Files.delete(file);
            }
        }
    }
}
