package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dvc diff} between Git revisions and the workspace, in a real Git repository. */
class RevisionDiffTest {
    @TempDir
    Path root;

    private static HashInfo md5(String text) {
        return HashInfo.md5(Md5.of(text.getBytes(UTF_8)));
    }

    @Test
    void withoutRevisionsComparesHeadsPointerFilesWithTheWorkspace() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), "v1\n");
            Fixtures.write(root.resolve("images/a.png"), "a\n");
            Fixtures.write(root.resolve("images/b.png"), "b\n");
            repository.add(Path.of("train.csv"));
            repository.add(Path.of("images"));
            commit(git, "v1");
            assertThat(repository.diff(List.of()).isEmpty()).isTrue();

            Fixtures.write(root.resolve("train.csv"), "v2\n");
            repository.add(Path.of("train.csv"));
            Fixtures.write(root.resolve("images/c.png"), "c\n");
            Files.delete(root.resolve("images/a.png"));
            Fixtures.write(root.resolve("fresh.txt"), "fresh\n");
            repository.add(Path.of("fresh.txt"));

            DataDiff diff = repository.diff(List.of());

            assertThat(diff.added()).extracting(DataDiff.Entry::path).containsExactly("fresh.txt", "images/c.png");
            assertThat(diff.deleted()).extracting(DataDiff.Entry::path).containsExactly("images/a.png");
            assertThat(diff.modified()).extracting(DataDiff.Entry::path, DataDiff.Entry::oldHash, DataDiff.Entry::newHash)
                    .contains(tuple("train.csv", Optional.of(md5("v1\n")), Optional.of(md5("v2\n"))))
                    .extracting(tuple -> tuple.toList().get(0)).containsExactly("images/", "train.csv");
            assertThat(repository.diff().modified()).as("against the workspace's own pointer files")
                    .extracting(DataDiff.Entry::path).containsExactly("images/");
        }
    }

    @Test
    void twoRevisionsAreComparedFromGitAloneAndOneRevisionAgainstTheWorkspace() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("data/x.txt"), "x1\n");
            Fixtures.write(root.resolve("data/y.txt"), "y\n");
            Fixtures.write(root.resolve("notes.txt"), "notes\n");
            repository.add(Path.of("data"));
            repository.add(Path.of("notes.txt"));
            commit(git, "v1");
            git.tag().setName("v1").call();
            Fixtures.write(root.resolve("data/x.txt"), "x2\n");
            repository.add(Path.of("data"));
            git.rm().addFilepattern("notes.txt.dvc").call();
            commit(git, "v2");
            Fixtures.write(root.resolve("data/x.txt"), "x3\n");

            DataDiff between = repository.diff(List.of("v1", "HEAD"));

            assertThat(between.added()).isEmpty();
            assertThat(between.deleted()).extracting(DataDiff.Entry::path, DataDiff.Entry::oldHash)
                    .containsExactly(tuple("notes.txt", Optional.of(md5("notes\n"))));
            assertThat(between.modified()).extracting(DataDiff.Entry::path, DataDiff.Entry::newHash)
                    .contains(tuple("data/x.txt", Optional.of(md5("x2\n"))))
                    .extracting(tuple -> tuple.toList().get(0)).containsExactly("data/", "data/x.txt");

            DataDiff againstWorkspace = repository.diff(List.of("HEAD~1"));
            assertThat(againstWorkspace.modified()).extracting(DataDiff.Entry::path, DataDiff.Entry::newHash)
                    .contains(tuple("data/x.txt", Optional.of(md5("x3\n"))));
            assertThat(againstWorkspace.deleted()).extracting(DataDiff.Entry::path).containsExactly("notes.txt");
        }
    }

    @Test
    void unchangedOutputsMissingFromTheCacheAreListedAsNotInCache() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), "v1\n");
            repository.add(Path.of("train.csv"));
            commit(git, "v1");
            repository.cache().remove(md5("v1\n"));

            DataDiff diff = repository.diff(List.of());

            assertThat(diff.isEmpty()).isTrue();
            assertThat(diff.notInCache()).extracting(DataDiff.Entry::path).containsExactly("train.csv");
        }
    }

    @Test
    void foldersWhoseListingIsNotInTheCacheAreComparedAsAWhole() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("data/x.txt"), "x1\n");
            repository.add(Path.of("data"));
            HashInfo first = repository.referencedObjects(List.of()).get(0);
            commit(git, "v1");
            Fixtures.write(root.resolve("data/x.txt"), "x2\n");
            repository.add(Path.of("data"));
            commit(git, "v2");
            repository.cache().remove(first);

            DataDiff diff = repository.diff(List.of("HEAD~1", "HEAD"));

            assertThat(diff.modified()).extracting(DataDiff.Entry::path).containsExactly("data/");
        }
    }

    @Test
    void unknownRevisionIsRejectedByName() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), "v1\n");
            repository.add(Path.of("train.csv"));
            commit(git, "v1");

            assertThatThrownBy(() -> repository.diff(List.of("no-such-branch")))
                    .isInstanceOfSatisfying(SlipwayException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                    .hasMessageContaining("Unknown Git revision 'no-such-branch'");
        }
    }

    @Test
    void freshGitRepositoryWithoutCommitsListsEverythingAsAdded() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), "v1\n");
            repository.add(Path.of("train.csv"));

            assertThat(repository.diff(List.of()).added()).extracting(DataDiff.Entry::path).containsExactly("train.csv");
        }
    }

    @Test
    void revisionsOutsideGitAreRefusedButTheWorkspaceIsStillCompared() throws Exception {
        try (Repository repository = Repository.init(root, true)) {
            Fixtures.write(root.resolve("train.csv"), "v1\n");
            repository.add(Path.of("train.csv"));
            Fixtures.write(root.resolve("train.csv"), "v2\n");

            assertThat(repository.diff(List.of()).modified()).extracting(DataDiff.Entry::path)
                    .containsExactly("train.csv");
            assertThatThrownBy(() -> repository.diff(List.of("HEAD")))
                    .hasMessageContaining("is not inside a Git repository");
        }
    }

    private static void commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setSign(false)
                .setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com").call();
    }
}
