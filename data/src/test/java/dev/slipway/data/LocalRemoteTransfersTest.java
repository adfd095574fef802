package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRemoteTransfersTest extends AbstractRemoteTransfersTest {
    @TempDir
    Path storage;

    @Override
    void configureRemote(Path repositoryRoot) {
        DvcConfig.addRemote(repositoryRoot.resolve(".dvc/config"), "store", storage.toString(), true, false);
    }

    @Override
    void overwriteOnRemote(HashInfo hash, byte[] bytes) {
        try {
            Files.write(storage.resolve(Remote.objectKey(hash)), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pushWritesDvcThreeLayoutAndLeavesNoTemporaryFiles() throws Exception {
        Fixtures.write(root.resolve("model.bin"), Fixtures.allBytes());
        try (Repository repository = Repository.init(root)) {
            configureRemote(root);
            repository.add(Path.of("model.bin"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                repository.push(remote, List.of(), 4, Transfers.Progress.none());
            }
        }
        String md5 = Md5.of(Fixtures.allBytes());
        assertThat(storage.resolve("files/md5/" + md5.substring(0, 2) + "/" + md5.substring(2)))
                .hasBinaryContent(Fixtures.allBytes());
        assertThat(temporaryFiles(storage)).isEmpty();
    }

    @Test
    void pullWritesTheWorkspaceAsObjectsArriveAndTheNextStatusReadsNoFile() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        byte[] large = largeBytes();
        Fixtures.write(root.resolve("large.bin"), large);
        LocalRemote remote = new LocalRemote("store", storage.toString(), storage);
        try (Repository first = Repository.init(root)) {
            first.add(Path.of("data"));
            first.add(Path.of("large.bin"));
            first.push(remote, List.of(), 4, Transfers.Progress.none());
        }
        delete(root.resolve(".dvc/cache"));
        delete(root.resolve("data"));
        delete(root.resolve("large.bin"));
        FileHasher fileHasher = new FileHasher();
        try (StateCache state = SqliteStateCache.open(root.resolve(".dvc/tmp/slipway/state.db"))) {
            WorkspaceHasher hasher = new WorkspaceHasher(fileHasher, state, 4);
            Repository repository = new Repository(root, DvcConfig.empty(),
                    new LocalCache(root.resolve(".dvc/cache"), hasher), hasher, state);

            Repository.Pulled pulled = repository.pull(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(pulled.checkedOut()).extracting(CheckoutChange::path)
                    .containsExactlyInAnyOrder("data", "large.bin");
            assertThat(root.resolve("large.bin")).hasBinaryContent(large).isWritable();
            assertThat(root.resolve("data/crlf.txt")).hasBinaryContent("line one\r\nline two\r\n".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            long afterPull = fileHasher.bytesRead();
            assertThat(repository.status(List.of())).isEmpty();
            assertThat(fileHasher.bytesRead()).as("the copies' stamps were recorded as they were placed")
                    .isEqualTo(afterPull);
            assertThat(temporaryFiles(root)).isEmpty();
            try (var leftovers = Files.list(root.resolve(".dvc/tmp/slipway"))) {
                assertThat(leftovers.map(path -> path.getFileName().toString()))
                        .noneMatch(name -> name.startsWith("pull-"));
            }
        }
    }

    /** A repository tracking large.bin (3 MiB) and model.bin (small), pushed, then emptied of cache and workspace. */
    private byte[] pushedThenEmptied(Path repositoryRoot, String cacheTypes) throws Exception {
        byte[] large = largeBytes();
        Fixtures.write(repositoryRoot.resolve("large.bin"), large);
        Fixtures.write(repositoryRoot.resolve("model.bin"), MODEL);
        try (Repository repository = Repository.init(repositoryRoot)) {
            configureRemote(repositoryRoot);
            if (!cacheTypes.isEmpty()) {
                Files.writeString(repositoryRoot.resolve(".dvc/config"), "[cache]\n    type = " + cacheTypes + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            }
            repository.add(Path.of("large.bin"));
            repository.add(Path.of("model.bin"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                repository.push(remote, List.of(), 4, Transfers.Progress.none());
            }
        }
        delete(repositoryRoot.resolve(".dvc/cache"));
        Files.delete(repositoryRoot.resolve("large.bin"));
        Files.delete(repositoryRoot.resolve("model.bin"));
        return large;
    }

    private Path onRemote(Path remoteRoot, byte[] bytes) {
        return remoteRoot.resolve(Remote.objectKey(HashInfo.md5(Md5.of(bytes))));
    }

    @Test
    void pullLinksTheCacheToTheRemotesObjectsAndCopiesTheWorkspace() throws Exception {
        byte[] large = pushedThenEmptied(root, "");
        try (Repository repository = Repository.open(root); Remote remote = repository.openRemote(Optional.empty())) {
            Repository.Pulled pulled = repository.pull(remote, List.of(), 4, Transfers.Progress.none());

            assertThat(pulled.transfer().transferred()).isEqualTo(2);
            for (byte[] bytes : List.of(large, MODEL)) {
                Path object = repository.cache().objectPath(HashInfo.md5(Md5.of(bytes)));
                assertThat(Files.isSameFile(object, onRemote(storage, bytes))).as("one inode for cache and remote").isTrue();
                assertThat(Files.getPosixFilePermissions(object)).isEqualTo(
                        java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
            }
            assertThat(Files.isSameFile(root.resolve("large.bin"), repository.cache().objectPath(
                    HashInfo.md5(Md5.of(large))))).as("the workspace holds its own copy").isFalse();
            assertThat(root.resolve("large.bin")).hasBinaryContent(large).isWritable();
            assertThat(root.resolve("model.bin")).hasBinaryContent(MODEL);
            assertThat(repository.cache().knownIntact(List.of(HashInfo.md5(Md5.of(large)))))
                    .as("the linked object's stamp is recorded like a copied one's").hasSize(1);
            assertThat(repository.status(List.of())).isEmpty();
            assertThat(temporaryFiles(root)).isEmpty();
            assertThat(temporaryFiles(storage)).isEmpty();
        }
    }

    @Test
    void pullWithoutHardlinksCopiesTheObjects() throws Exception {
        byte[] large = pushedThenEmptied(root, "");
        try (Repository repository = Repository.open(root); Remote remote = repository.openRemote(Optional.empty())) {
            repository.pull(remote, List.of(), 4, Transfers.Progress.none(), false);

            Path object = repository.cache().objectPath(HashInfo.md5(Md5.of(large)));
            assertThat(object).hasBinaryContent(large);
            assertThat(Files.isSameFile(object, onRemote(storage, large))).isFalse();
            assertThat(root.resolve("large.bin")).hasBinaryContent(large);
        }
    }

    @Test
    void fetchLinksToo() throws Exception {
        byte[] large = pushedThenEmptied(root, "");
        try (Repository repository = Repository.open(root); Remote remote = repository.openRemote(Optional.empty())) {
            assertThat(repository.fetch(remote, List.of(), 4, Transfers.Progress.none()).transferred()).isEqualTo(2);

            assertThat(Files.isSameFile(repository.cache().objectPath(HashInfo.md5(Md5.of(large))),
                    onRemote(storage, large))).isTrue();
            assertThat(root.resolve("large.bin")).doesNotExist();
        }
    }

    @Test
    void objectsAreCopiedWhenTheCheckoutWouldLinkTheWorkspaceToTheCache() throws Exception {
        byte[] large = pushedThenEmptied(root, "hardlink");
        try (Repository repository = Repository.open(root); Remote remote = repository.openRemote(Optional.empty())) {
            repository.pull(remote, List.of(), 4, Transfers.Progress.none());

            Path object = repository.cache().objectPath(HashInfo.md5(Md5.of(large)));
            assertThat(Files.isSameFile(root.resolve("large.bin"), object)).as("cache.type hardlink").isTrue();
            assertThat(Files.isSameFile(object, onRemote(storage, large)))
                    .as("a workspace file never shares the remote's inode").isFalse();
        }
    }

    @Test
    void aRemoteOnAnotherFileSystemIsCopied() throws Exception {
        Path memory = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(memory) && Files.isWritable(memory)
                && !Files.getFileStore(memory).equals(Files.getFileStore(root)), "/dev/shm is another file system");
        Path elsewhere = Files.createTempDirectory(memory, "slipway-remote");
        try {
            Path repositoryRoot = root.resolve("repo");
            byte[] large = largeBytes();
            Fixtures.write(repositoryRoot.resolve("large.bin"), large);
            try (Repository repository = Repository.init(repositoryRoot)) {
                DvcConfig.addRemote(repositoryRoot.resolve(".dvc/config"), "shm", elsewhere.toString(), true, false);
                repository.add(Path.of("large.bin"));
                try (Remote remote = repository.openRemote(Optional.empty())) {
                    repository.push(remote, List.of(), 4, Transfers.Progress.none());
                    delete(repositoryRoot.resolve(".dvc/cache"));
                    Files.delete(repositoryRoot.resolve("large.bin"));

                    repository.pull(remote, List.of(), 4, Transfers.Progress.none());
                }
                assertThat(repositoryRoot.resolve("large.bin")).hasBinaryContent(large);
                assertThat(repository.cache().objectPath(HashInfo.md5(Md5.of(large)))).hasBinaryContent(large);
                assertThat(temporaryFiles(repositoryRoot)).isEmpty();
            }
        } finally {
            delete(elsewhere);
        }
    }

    @Test
    void aCorruptedRemoteObjectIsNotLinkedAndIsLeftAsItWas() throws Exception {
        byte[] large = pushedThenEmptied(root, "");
        HashInfo hash = HashInfo.md5(Md5.of(large));
        byte[] tampered = large.clone();
        tampered[2 * FileHasher.CHUNK_SIZE + 5] ^= 1;
        overwriteOnRemote(hash, tampered);
        try (Repository repository = Repository.open(root); Remote remote = repository.openRemote(Optional.empty())) {
            assertThatThrownBy(() -> repository.pull(remote, List.of(), 4, Transfers.Progress.none()))
                    .hasMessageContaining(hash.value()).hasMessageContaining("arrived corrupted");

            assertThat(repository.cache().contains(hash)).isFalse();
            assertThat(root.resolve("large.bin")).doesNotExist();
            assertThat(onRemote(storage, large)).hasBinaryContent(tampered);
            assertThat(Files.getAttribute(onRemote(storage, large), "unix:nlink")).as("no link left to it").isEqualTo(1);
            assertThat(temporaryFiles(root)).isEmpty();
        }
    }

    @Test
    void legacyObjectsAreReadFromTheLegacyLayout() throws Exception {
        byte[] bytes = "legacy\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HashInfo legacy = new HashInfo(HashName.MD5_DOS2UNIX, Md5.of(bytes));
        Fixtures.write(storage.resolve(legacy.value().substring(0, 2) + "/" + legacy.value().substring(2)), bytes);
        LocalRemote remote = new LocalRemote("store", storage.toString(), storage);

        assertThat(remote.list()).containsExactly(legacy);
        assertThat(remote.existing(List.of(legacy))).containsEntry(legacy, (long) bytes.length);
    }

    @Test
    void pushCreatesAMissingRemoteFolder() throws Exception {
        Path remoteFolder = root.resolve("remotes/new/store");
        try (Repository repository = Repository.init(root.resolve("repo"))) {
            Fixtures.write(root.resolve("repo/model.bin"), Fixtures.allBytes());
            DvcConfig.addRemote(root.resolve("repo/.dvc/config"), "store", remoteFolder.toString(), true, false);
            repository.add(Path.of("model.bin"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                Transfers.Result pushed = repository.push(remote, List.of(), 4, Transfers.Progress.none());

                assertThat(pushed.transferred()).isEqualTo(1);
                assertThat(remoteFolder.resolve("files/md5/e2/c865db4162bed963bfaa9ef6ac18f0")).exists();
            }
        }
    }

    @Test
    void missingFolderRemoteIsReportedWithNameAndUrlOnFetchAndPull() throws Exception {
        Fixtures.write(root.resolve("model.bin"), Fixtures.allBytes());
        try (Repository repository = Repository.init(root)) {
            DvcConfig.addRemote(root.resolve(".dvc/config"), "usb", "/mnt/not-mounted-here", true, false);
            repository.add(Path.of("model.bin"));
            AbstractRemoteTransfersTest.delete(root.resolve(".dvc/cache"));
            try (Remote remote = repository.openRemote(Optional.empty())) {
                assertThatThrownBy(() -> repository.pull(remote, List.of(), 4, Transfers.Progress.none()))
                        .isInstanceOfSatisfying(SlipwayException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                        .hasMessageContaining("'usb'")
                        .hasMessageContaining("/mnt/not-mounted-here")
                        .hasMessageContaining("not reachable");
                assertThatThrownBy(() -> repository.fetch(remote, List.of(), 4, Transfers.Progress.none()))
                        .isInstanceOfSatisfying(SlipwayException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                        .hasMessageContaining("'usb'")
                        .hasMessageContaining("/mnt/not-mounted-here")
                        .hasMessageContaining("not reachable");
            }
        }
    }

    @Test
    void relativeFolderUrlResolvesAgainstTheDvcFolder() throws Exception {
        try (Repository repository = Repository.init(root)) {
            DvcConfig.addRemote(root.resolve(".dvc/config"), "near", "../storage", true, false);
            try (Remote remote = repository.openRemote(Optional.of("near"))) {
                assertThat(((LocalRemote) remote).root()).isEqualTo(root.resolve("storage").toAbsolutePath().normalize());
            }
        }
    }

    @Test
    void workspaceGcDryRunListsThenRemovesUnreferencedObjects() throws Exception {
        Fixtures.write(root.resolve("model.bin"), "first\n");
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("model.bin"));
            HashInfo first = HashInfo.md5(Md5.of("first\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Fixtures.write(root.resolve("model.bin"), "second\n");
            repository.add(Path.of("model.bin"));
            HashInfo second = HashInfo.md5(Md5.of("second\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

            assertThat(repository.collectGarbage(true)).containsExactly(first);
            assertThat(repository.cache().contains(first)).isTrue();
            assertThat(repository.collectGarbage(false)).containsExactly(first);
            assertThat(repository.cache().objects()).containsExactly(second);
        }
    }

    @Test
    void unknownRemoteNamesTheConfiguredOnes() {
        try (Repository repository = Repository.init(root)) {
            configureRemote(root);
            assertThatThrownBy(() -> repository.openRemote(Optional.of("other")))
                    .hasMessageContaining("Remote 'other' is not configured")
                    .hasMessageContaining("store");
        }
    }
}
