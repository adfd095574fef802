package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
    @TempDir
    Path root;

    @Test
    void initWritesTheFilesDvcInitWrites() throws Exception {
        try (Repository ignored = Repository.init(root)) {
            assertThat(root.resolve(".dvc/config")).isEmptyFile();
            assertThat(Files.readString(root.resolve(".dvc/.gitignore"))).isEqualTo("/config.local\n/tmp\n/cache\n");
            assertThat(Files.readString(root.resolve(".dvcignore"))).isEqualTo(
                    "# Add patterns of files dvc should ignore, which could improve\n"
                            + "# the performance. Learn more at\n"
                            + "# https://dvc.org/doc/user-guide/dvcignore\n");
        }
        assertThatThrownBy(() -> Repository.init(root))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
    }

    @Test
    void initWithoutScmWritesDvcsConfigAndAddThenWritesNoGitignore() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        try (Repository repository = Repository.init(root, true)) {
            assertThat(root.resolve(".dvc/config")).hasContent("[core]\n    no_scm = True\n");

            repository.add(Path.of("notes.txt"));

            assertThat(root.resolve("notes.txt.dvc")).exists();
            assertThat(root.resolve(".gitignore")).doesNotExist();
        }
    }

    @Test
    void openingAFolderWithoutDvcSaysSo() {
        assertThatThrownBy(() -> Repository.open(root)).hasMessageContaining("not a DVC repository");
    }

    @Test
    void addingAFolderWritesPointerCacheAndGitignoreAsDvcDoes() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            Path dvcFile = repository.add(Path.of("data"));

            assertThat(dvcFile).isEqualTo(root.resolve("data.dvc"));
            assertThat(Files.readString(dvcFile)).isEqualTo("outs:\n"
                    + "- md5: " + Fixtures.TREE_DIR_HASH + "\n"
                    + "  size: " + Fixtures.TREE_SIZE + "\n"
                    + "  nfiles: " + Fixtures.TREE_FILES + "\n"
                    + "  hash: md5\n"
                    + "  path: data\n");
            assertThat(Files.readString(root.resolve(".gitignore"))).isEqualTo("/data\n");
            Path listing = root.resolve(".dvc/cache/files/md5/bd/37d1e0b27a28c224aebcabb306ecb3.dir");
            assertThat(Md5.of(Files.readAllBytes(listing)) + ".dir").isEqualTo(Fixtures.TREE_DIR_HASH);
            assertThat(root.resolve(".dvc/cache/files/md5/a7/75daabdb44c57a65eaadeef4edfe51")) // crlf.txt, raw bytes
                    .hasBinaryContent("line one\r\nline two\r\n".getBytes(UTF_8));
            assertThat(repository.status(List.of())).isEmpty();
        }
    }

    @Test
    void addReadsEachNewFileOnceAndUnchangedFilesNeverAgain() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        Repository.init(root).close();
        FileHasher fileHasher = new FileHasher();
        try (StateCache state = SqliteStateCache.open(root.resolve(".dvc/tmp/slipway/state.db"))) {
            WorkspaceHasher hasher = new WorkspaceHasher(fileHasher, state, 4);
            Repository repository = new Repository(root, DvcConfig.empty(),
                    new LocalCache(root.resolve(".dvc/cache"), hasher), hasher, state);

            repository.add(Path.of("data"));
            long afterAdd = fileHasher.bytesRead();
            repository.add(Path.of("data"));
            List<OutputStatus> status = repository.status(List.of());

            assertThat(afterAdd).isEqualTo(Fixtures.TREE_SIZE);
            assertThat(fileHasher.bytesRead()).isEqualTo(afterAdd);
            assertThat(status).isEmpty();
            assertThat(repository.cache().objectPath(HashInfo.md5("987929d61c9b69f0c6406b840aa77fd8")))
                    .hasContent("line one\nline two");
        }
    }

    @Test
    void addingAFileInASubfolderIgnoresItThereAndKeepsExistingGitignoreLines() throws Exception {
        Fixtures.write(root.resolve("raw/train[1].csv"), "a,b\n1,2\n");
        Fixtures.write(root.resolve("raw/.gitignore"), "*.log");
        try (Repository repository = Repository.init(root)) {
            repository.add(root.resolve("raw/train[1].csv"));
            repository.add(root.resolve("raw/train[1].csv"));

            assertThat(Files.readString(root.resolve("raw/.gitignore"))).isEqualTo("*.log\n/train\\[1\\].csv\n");
            assertThat(Files.readString(root.resolve("raw/train[1].csv.dvc"))).isEqualTo("outs:\n"
                    + "- md5: e5ebd4c02cefbe7955977c67ada242b7\n"
                    + "  size: 8\n"
                    + "  hash: md5\n"
                    + "  path: train[1].csv\n");
        }
    }

    @Test
    void addRefusesPathsOutsideTheRepositoryOrInsideDvc() throws Exception {
        Path outside = Files.createTempFile("outside", ".csv");
        try (Repository repository = Repository.init(root.resolve("repo"))) {
            assertThatThrownBy(() -> repository.add(outside)).hasMessageContaining("outside the repository");
            assertThatThrownBy(() -> repository.add(Path.of("../elsewhere.csv"))).hasMessageContaining("outside");
            assertThatThrownBy(() -> repository.add(Path.of(".dvc/config"))).hasMessageContaining(".dvc");
            assertThatThrownBy(() -> repository.add(Path.of("missing.csv"))).hasMessageContaining("missing.csv");
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void statusReportsModifiedDeletedAndNotInCache() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        Fixtures.write(root.resolve("model.bin"), Fixtures.allBytes());
        Fixtures.write(root.resolve("notes.txt"), "foo");
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("data"));
            repository.add(Path.of("model.bin"));
            repository.add(Path.of("notes.txt"));
            Fixtures.write(root.resolve("data/sub/x"), "edited\n");
            Files.delete(root.resolve("model.bin"));
            Path object = repository.cache().objectPath(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"));
            Files.delete(object);

            assertThat(repository.status(List.of())).containsExactlyInAnyOrder(
                    new OutputStatus(root.resolve("data.dvc"), "data", OutputStatus.Change.MODIFIED),
                    new OutputStatus(root.resolve("model.bin.dvc"), "model.bin", OutputStatus.Change.DELETED),
                    new OutputStatus(root.resolve("notes.txt.dvc"), "notes.txt", OutputStatus.Change.NOT_IN_CACHE));
        }
    }

    @Test
    void statusAfterAnUnchangedStatusStillSeesEditsRenamesAndObjectsLeavingTheCache() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root, true)) {
            repository.add(Path.of("data"));
            HashInfo folder = DvcFile.parse(Files.readString(root.resolve("data.dvc")), "data.dvc")
                    .outs().get(0).hash().orElseThrow();
            assertThat(repository.status(List.of())).isEmpty(); // remembers the tree and that its objects are there
            assertThat(repository.status(List.of())).isEmpty();

            // same size and modification time, other bytes: only the inode tells, as with DVC's state
            Path file = root.resolve("data/sub/x");
            java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(file);
            String before = Files.readString(file);
            Path replacement = root.resolve("data/sub/x.new");
            Files.writeString(replacement, "z".repeat(before.length()));
            Files.setLastModifiedTime(replacement, time);
            Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(repository.status(List.of())).extracting(OutputStatus::change)
                    .containsExactly(OutputStatus.Change.MODIFIED);

            Files.writeString(file, before); // back to the recorded bytes, with a new modification time
            assertThat(repository.status(List.of())).isEmpty();

            Files.move(file, root.resolve("data/sub/y-renamed")); // same stamp, other name
            assertThat(repository.status(List.of())).extracting(OutputStatus::change)
                    .containsExactly(OutputStatus.Change.MODIFIED);
            Files.move(root.resolve("data/sub/y-renamed"), file);
            assertThat(repository.status(List.of())).isEmpty();

            String someFile = repository.cache().readListing(folder).entries().get(0).md5();
            Files.delete(repository.cache().objectPath(HashInfo.md5(someFile)));
            assertThat(repository.status(List.of())).extracting(OutputStatus::change)
                    .containsExactly(OutputStatus.Change.NOT_IN_CACHE);
        }
    }

    @Test
    void checkoutRestoresDeletedAndEditedFilesAndRemovesStrayOnes() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("data"));
            Files.delete(root.resolve("data/crlf.txt"));
            Fixtures.write(root.resolve("data/sub/x"), "edited\n");
            Fixtures.write(root.resolve("data/stray.tmp"), "not tracked");

            List<CheckoutChange> changes = repository.checkout(List.of());

            assertThat(changes).containsExactly(
                    new CheckoutChange(root.resolve("data.dvc"), "data", CheckoutChange.Kind.MODIFIED, true));
            assertThat(repository.checkout(List.of())).isEmpty();
            assertThat(root.resolve("data/crlf.txt")).hasBinaryContent("line one\r\nline two\r\n".getBytes(UTF_8));
            assertThat(root.resolve("data/sub/x")).hasContent("inside");
            assertThat(root.resolve("data/stray.tmp")).doesNotExist();
            assertThat(repository.status(List.of())).isEmpty();
        }
    }

    @Test
    void addHonoursDvcignoreAndCheckoutLeavesIgnoredFilesAlone() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve(".dvcignore"), "*.tmp\n");
            Fixtures.write(root.resolve("data/scratch.tmp"), "scratch");

            repository.add(Path.of("data"));
            Fixtures.write(root.resolve("data/other.tmp"), "more scratch");
            repository.checkout(List.of());

            assertThat(Files.readString(root.resolve("data.dvc"))).contains("md5: " + Fixtures.TREE_DIR_HASH + "\n");
            assertThat(root.resolve("data/scratch.tmp")).hasContent("scratch");
            assertThat(root.resolve("data/other.tmp")).exists();
            assertThat(repository.status(List.of())).isEmpty();
        }
    }

    @Test
    void checkoutRestoresTheExecutableBitOfACopiedFile() throws Exception {
        Path script = Fixtures.write(root.resolve("train.sh"), "#!/bin/sh\n");
        script.toFile().setExecutable(true);
        try (Repository repository = Repository.init(root)) {
            repository.add(script);
            Files.delete(script);

            assertThat(repository.checkout(List.of())).containsExactly(
                    new CheckoutChange(root.resolve("train.sh.dvc"), "train.sh", CheckoutChange.Kind.ADDED, false));

            assertThat(Files.readString(root.resolve("train.sh.dvc"))).contains("  isexec: true\n");
            assertThat(Files.isExecutable(script)).isTrue();
        }
    }

    @Test
    void checkoutUsesTheConfiguredLinkType() throws Exception {
        Fixtures.write(root.resolve("model.bin"), Fixtures.allBytes());
        Repository.init(root).close();
        Files.writeString(root.resolve(".dvc/config"), "[cache]\n    type = symlink,copy\n");
        try (Repository repository = Repository.open(root)) {
            repository.add(Path.of("model.bin"));

            assertThat(Files.isSymbolicLink(root.resolve("model.bin"))).isTrue();
            Files.delete(root.resolve("model.bin"));
            repository.checkout(List.of(root.resolve("model.bin.dvc")));

            assertThat(Files.readSymbolicLink(root.resolve("model.bin")))
                    .isEqualTo(root.resolve(".dvc/cache/files/md5/e2/c865db4162bed963bfaa9ef6ac18f0"));
        }
    }

    @Test
    void checkoutRefusesACorruptedObjectAndLeavesTheWorkspaceAlone() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("notes.txt"));
            Path object = repository.cache().objectPath(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"));
            object.toFile().setWritable(true);
            Files.writeString(object, "fooo");
            Fixtures.write(root.resolve("notes.txt"), "my edit");

            assertThatThrownBy(() -> repository.checkout(List.of())).hasMessageContaining("corrupted");
            assertThat(root.resolve("notes.txt")).hasContent("my edit");
        }
    }

    @Test
    void verifyCacheFindsEveryCorruptedObjectIncludingListings() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("notes.txt"));
            repository.add(Path.of("data"));
            assertThat(repository.verifyCache().corrupted()).isEmpty();
            Path file = repository.cache().objectPath(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"));
            Path listing = repository.cache().objectPath(HashInfo.md5(Fixtures.TREE_DIR_HASH));
            for (Path object : List.of(file, listing)) {
                object.toFile().setWritable(true);
                Files.writeString(object, "damaged");
            }

            LocalCache.Verification verification = repository.verifyCache();

            assertThat(verification.checked()).isEqualTo(repository.cache().objects().size()).isGreaterThan(2);
            assertThat(verification.corrupted()).extracting(LocalCache.Corruption::hash)
                    .containsExactlyInAnyOrder(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"),
                            HashInfo.md5(Fixtures.TREE_DIR_HASH));
            assertThat(verification.corrupted()).extracting(LocalCache.Corruption::actualMd5)
                    .containsOnly(Md5.of("damaged".getBytes(UTF_8)));
        }
    }

    @Test
    void addReportsHashedBytesUpToTheTotalAndUnchangedFilesAtOnce() throws Exception {
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            List<long[]> updates = new java.util.ArrayList<>();
            repository.add(Path.of("data"), (done, total) -> updates.add(new long[] {done, total}));

            assertThat(updates).hasSizeGreaterThan(2);
            assertThat(updates).allSatisfy(update -> assertThat(update[1]).isEqualTo(Fixtures.TREE_SIZE));
            assertThat(updates).extracting(update -> update[0]).isSorted();
            assertThat(updates.get(updates.size() - 1)[0]).isEqualTo(Fixtures.TREE_SIZE);

            updates.clear();
            repository.add(Path.of("data"), (done, total) -> updates.add(new long[] {done, total}));
            assertThat(updates).singleElement()
                    .satisfies(update -> assertThat(update).containsExactly(Fixtures.TREE_SIZE, Fixtures.TREE_SIZE));
        }
    }

    @Test
    void diffListsChangedFilesInsideFoldersAndTheFoldersThemselves() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("notes.txt"));
            repository.add(Path.of("data"));
            assertThat(repository.diff().isEmpty()).isTrue();
            Files.delete(root.resolve("data/crlf.txt"));
            Fixtures.write(root.resolve("data/sub/x"), "edited\n");
            Fixtures.write(root.resolve("data/fresh"), "new");
            Files.delete(root.resolve("notes.txt"));

            DataDiff diff = repository.diff();

            assertThat(diff.added()).extracting(DataDiff.Entry::path).containsExactly("data/fresh");
            assertThat(diff.deleted()).extracting(DataDiff.Entry::path).containsExactly("data/crlf.txt", "notes.txt");
            assertThat(diff.modified()).extracting(DataDiff.Entry::path).containsExactly("data/", "data/sub/x");
            assertThat(diff.deleted().get(1).oldHash()).contains(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"));
        }
    }

    @Test
    void trackedOutputsRefusesAPathOutsideTheRepository() throws Exception {
        try (Repository repository = Repository.init(root.resolve("repo"))) {
            assertThatThrownBy(() -> repository.trackedOutputs(java.util.Optional.of(root.resolve("elsewhere"))))
                    .hasMessageContaining("outside the repository");
        }
    }

    @Test
    void checkoutLeavesAMatchingOutputAloneEvenWhenItsObjectLeftTheCache() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        Fixtures.writeTree(root.resolve("data"));
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("notes.txt"));
            repository.add(Path.of("data"));
            AbstractRemoteTransfersTest.delete(root.resolve(".dvc/cache"));

            assertThat(repository.checkout(List.of())).isEmpty();
            assertThat(root.resolve("notes.txt")).hasContent("foo");
        }
    }

    @Test
    void commitRecordsTheNewContentAndKeepsUnknownKeys() throws Exception {
        Fixtures.write(root.resolve("notes.txt"), "foo");
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("notes.txt"));
            Path dvcFile = root.resolve("notes.txt.dvc");
            Files.writeString(dvcFile, Files.readString(dvcFile) + "  remote: backup\n");
            Fixtures.write(root.resolve("notes.txt"), "bar");

            repository.commit(dvcFile);

            assertThat(Files.readString(dvcFile)).isEqualTo("outs:\n"
                    + "- md5: 37b51d194a7513e45b56f6524f2d51f2\n"
                    + "  size: 3\n"
                    + "  hash: md5\n"
                    + "  path: notes.txt\n"
                    + "  remote: backup\n");
            assertThat(repository.cache().contains(HashInfo.md5("37b51d194a7513e45b56f6524f2d51f2"))).isTrue();
            assertThat(repository.status(List.of())).isEmpty();
        }
    }

    @Test
    void legacyEntriesAreVerifiedWithTheLegacyRuleAndUpgradedOnlyWhenChanged() throws Exception {
        Fixtures.write(root.resolve("crlf.txt"), "line one\r\nline two\r\n");
        String legacy = "outs:\n- md5: 987929d61c9b69f0c6406b840aa77fd8\n  size: 20\n  path: crlf.txt\n";
        try (Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve(".dvc/cache/98/7929d61c9b69f0c6406b840aa77fd8"), "line one\r\nline two\r\n");
            Path dvcFile = Fixtures.write(root.resolve("crlf.txt.dvc"), legacy);

            assertThat(repository.status(List.of())).isEmpty();
            repository.commit(dvcFile);
            assertThat(Files.readString(dvcFile)).isEqualTo(legacy);

            Fixtures.write(root.resolve("crlf.txt"), "line one\r\n");
            assertThat(repository.status(List.of())).extracting(OutputStatus::change)
                    .containsExactly(OutputStatus.Change.MODIFIED);
            repository.commit(dvcFile);

            assertThat(Files.readString(dvcFile)).isEqualTo(
                    "outs:\n- md5: 1611e70e50223eb21e24d2a60ed87175\n  size: 10\n  hash: md5\n  path: crlf.txt\n");
        }
    }

    @Test
    void commitAndReAddKeepCommentsAndUnknownKeysOfThePointerFile() throws Exception {
        Fixtures.write(root.resolve("foo"), "foo");
        try (Repository repository = Repository.init(root, true)) {
            repository.add(Path.of("foo"));
            String header = "# Labels, hand-checked.\ndesc: labels\n";
            String annotations = "  # who to ask\n  meta:\n    owner: ana\n";
            String tracked = Files.readString(root.resolve("foo.dvc"));
            Files.writeString(root.resolve("foo.dvc"), header + tracked + annotations);

            Fixtures.write(root.resolve("foo"), "bar");
            repository.commit(Path.of("foo.dvc"));
            String committed = Files.readString(root.resolve("foo.dvc"));
            Fixtures.write(root.resolve("foo"), "baz");
            repository.add(Path.of("foo"));
            String added = Files.readString(root.resolve("foo.dvc"));

            assertThat(committed).isEqualTo(header + "outs:\n- md5: 37b51d194a7513e45b56f6524f2d51f2\n  size: 3\n"
                    + "  hash: md5\n  path: foo\n" + annotations);
            assertThat(added).isEqualTo(committed.replace("37b51d194a7513e45b56f6524f2d51f2",
                    "73feffa4b7f6bb68e44cf984c85f6e88"));
        }
    }
}
