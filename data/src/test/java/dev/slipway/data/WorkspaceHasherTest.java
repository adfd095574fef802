package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceHasherTest {
    @TempDir
    Path dir;

    private final FileHasher fileHasher = new FileHasher();

    private WorkspaceHasher hasher(StateCache state, int threads) {
        return new WorkspaceHasher(fileHasher, state, threads);
    }

    @Test
    void folderHashMatchesThePythonReferenceImplementation() {
        Path data = Fixtures.writeTree(dir.resolve("data"));

        WorkspaceHasher.HashedDirectory hashed = hasher(StateCache.none(), 4).hashDirectory(data, HashName.MD5);

        assertThat(hashed.hash()).isEqualTo(HashInfo.md5(Fixtures.TREE_DIR_HASH));
        assertThat(hashed.fileCount()).isEqualTo(Fixtures.TREE_FILES);
        assertThat(hashed.size()).isEqualTo(Fixtures.TREE_SIZE);
    }

    @Test
    void listsFilesOnlyWithSlashPathsInCodePointOrderSkippingGitAndEmptyFolders() {
        Path data = Fixtures.writeTree(dir.resolve("data"));

        DirectoryListing listing = hasher(StateCache.none(), 2).hashDirectory(data, HashName.MD5).listing();

        assertThat(listing.entries()).extracting(DirectoryListing.Entry::relpath).containsExactly(
                "Upper.txt", "binary.bin", "crlf.txt", "empty.bin", "lf.txt", "sub.txt",
                "sub/deeper/" + Fixtures.UNICODE_NAME, "sub/x");
    }

    @Test
    void oneThreadAndManyThreadsGiveTheSameListing() {
        Path data = Fixtures.writeTree(dir.resolve("data"));

        assertThat(hasher(StateCache.none(), 1).hashDirectory(data, HashName.MD5))
                .isEqualTo(hasher(StateCache.none(), 8).hashDirectory(data, HashName.MD5));
    }

    @Test
    void hashesFilesOnAPoolBoundedByTheThreadCount() {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        FileHasher reader = new FileHasher();

        hasher(StateCache.none(), 3).hashDirectory(data, HashName.MD5, DvcIgnore.none(), (file, rule) -> {
            threads.add(Thread.currentThread());
            return reader.hash(file, rule);
        });

        // a fixed pool starts a new worker for each of the first 3 files, and never more than 3
        assertThat(threads).hasSize(3).doesNotContain(Thread.currentThread());
        assertThat(reader.bytesRead()).isEqualTo(Fixtures.TREE_SIZE);
    }

    @Test
    void followsFileSymlinksButNotFolderSymlinks() throws Exception {
        Path data = dir.resolve("data");
        Path target = Fixtures.write(dir.resolve("outside/target.txt"), "foo");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("link.txt"), target);
        Files.createSymbolicLink(data.resolve("linked-folder"), target.getParent());

        DirectoryListing listing = hasher(StateCache.none(), 2).hashDirectory(data, HashName.MD5).listing();

        assertThat(listing.entries()).containsExactly(
                new DirectoryListing.Entry("link.txt", "acbd18db4cc2f85cedef654fccc4a4d8"));
    }

    @Test
    void aFileThatIsGoneBeforeItIsReadIsNamedInTheError() throws Exception {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        Files.createSymbolicLink(data.resolve("dangling.csv"), dir.resolve("deleted.csv"));

        assertThatThrownBy(() -> hasher(StateCache.none(), 2).hashDirectory(data, HashName.MD5))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("dangling.csv").hasMessageContaining("vanished")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
    }

    @Test
    void aFileDeletedAfterItWasStatedIsNamedInTheError() throws Exception {
        Path kept = Fixtures.write(dir.resolve("kept.csv"), "a");
        Path deleted = Fixtures.write(dir.resolve("deleted.csv"), "b");
        List<FileStamp> stamps = List.of(FileStamp.of(kept), FileStamp.of(deleted));
        Files.delete(deleted);

        assertThatThrownBy(() -> hasher(StateCache.none(), 2).hashAll(stamps, HashName.MD5))
                .hasMessageContaining("deleted.csv").hasMessageContaining("vanished");
    }

    @Test
    void aDvcignoreInsideATrackedFolderIsRefused() {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        Fixtures.write(data.resolve("sub/.dvcignore"), "*.tmp\n");

        assertThatThrownBy(() -> hasher(StateCache.none(), 2).hashDirectory(data, HashName.MD5))
                .hasMessageContaining(".dvcignore").hasMessageContaining("sub");
    }

    @Test
    void secondHashOfAnUnchangedTreeReadsNoFileBytes() {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        try (StateCache state = SqliteStateCache.open(dir.resolve("state/state.db"))) {
            WorkspaceHasher hasher = hasher(state, 4);
            WorkspaceHasher.HashedDirectory first = hasher.hashDirectory(data, HashName.MD5);
            long afterFirst = fileHasher.bytesRead();

            WorkspaceHasher.HashedDirectory second = hasher.hashDirectory(data, HashName.MD5);

            assertThat(afterFirst).isEqualTo(Fixtures.TREE_SIZE);
            assertThat(fileHasher.bytesRead()).isEqualTo(afterFirst);
            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void stateSurvivesReopeningTheDatabase() {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        Path db = dir.resolve("state/state.db");
        try (StateCache state = SqliteStateCache.open(db)) {
            hasher(state, 2).hashDirectory(data, HashName.MD5);
        }
        long afterFirst = fileHasher.bytesRead();

        try (StateCache state = SqliteStateCache.open(db)) {
            hasher(state, 2).hashDirectory(data, HashName.MD5);
        }

        assertThat(fileHasher.bytesRead()).isEqualTo(afterFirst);
    }

    @Test
    void onlyTheChangedFileIsReadAgain() throws Exception {
        Path data = Fixtures.writeTree(dir.resolve("data"));
        try (StateCache state = SqliteStateCache.open(dir.resolve("state.db"))) {
            WorkspaceHasher hasher = hasher(state, 2);
            String before = hasher.hashDirectory(data, HashName.MD5).hash().value();
            long afterFirst = fileHasher.bytesRead();
            // a different size, so the change is seen even where mtime has coarse granularity
            Fixtures.write(data.resolve("sub/x"), "changed inside\n");

            WorkspaceHasher.HashedDirectory after = hasher.hashDirectory(data, HashName.MD5);

            assertThat(fileHasher.bytesRead() - afterFirst).isEqualTo("changed inside\n".length());
            assertThat(after.hash().value()).isNotEqualTo(before);
        }
    }

    @Test
    void stateEntriesAreKeptPerHashRule() {
        Path crlf = Fixtures.write(dir.resolve("crlf.txt"), "line one\r\nline two\r\n");
        try (StateCache state = SqliteStateCache.open(dir.resolve("state.db"))) {
            WorkspaceHasher hasher = hasher(state, 1);

            assertThat(hasher.hashFile(crlf, HashName.MD5).hash().value()).isEqualTo("a775daabdb44c57a65eaadeef4edfe51");
            assertThat(hasher.hashFile(crlf, HashName.MD5_DOS2UNIX).hash().value())
                    .isEqualTo("987929d61c9b69f0c6406b840aa77fd8");
        }
    }

    @Test
    void hashesASingleFileWithItsSizeAndExecutableBit() throws Exception {
        Path script = Fixtures.write(dir.resolve("run.sh"), "foo");
        script.toFile().setExecutable(true);

        WorkspaceHasher.HashedFile hashed = hasher(StateCache.none(), 1).hashFile(script, HashName.MD5);

        assertThat(hashed.hash()).isEqualTo(HashInfo.md5("acbd18db4cc2f85cedef654fccc4a4d8"));
        assertThat(hashed.size()).isEqualTo(3);
        assertThat(hashed.executable()).isTrue();
    }
}
