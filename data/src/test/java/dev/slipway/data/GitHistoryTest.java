package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHistoryTest {
    @TempDir
    Path root;

    private static final String V1 = "a,b\n1,2\n";
    private static final String V2 = "a,b\n1,2\n3,4\n";

    @Test
    void allCommitsKeepsEveryCommittedVersionWhileWorkspaceKeepsOnlyTheCurrentOne() throws Exception {
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), V1);
            Fixtures.writeTree(root.resolve("images"));
            repository.add(Path.of("train.csv"));
            repository.add(Path.of("images"));
            commit(git, "v1");
            Fixtures.write(root.resolve("train.csv"), V2);
            repository.add(Path.of("train.csv"));
            git.rm().addFilepattern("images.dvc").call();
            commit(git, "v2");

            HashInfo v1 = HashInfo.md5(Md5.of(V1.getBytes(UTF_8)));
            HashInfo v2 = HashInfo.md5(Md5.of(V2.getBytes(UTF_8)));
            HashInfo tree = HashInfo.md5(Fixtures.TREE_DIR_HASH);
            List<HashInfo> before = repository.cache().objects();
            assertThat(before).contains(v1, v2, tree).hasSize(2 + 1 + Fixtures.TREE_FILES);

            GitHistory history = new GitHistory(root);
            assertThat(history.referencedObjects()).containsExactlyInAnyOrder(v1, v2, tree);

            List<HashInfo> wouldGo = repository.collectGarbage(history.referencedObjects(), true);
            assertThat(wouldGo).isEmpty();

            List<HashInfo> dryWorkspace = repository.collectGarbage(true);
            assertThat(dryWorkspace).contains(v1, tree).doesNotContain(v2).hasSize(1 + 1 + Fixtures.TREE_FILES);
            assertThat(repository.cache().objects()).containsExactlyInAnyOrderElementsOf(before);

            assertThat(repository.collectGarbage(history.referencedObjects(), false)).isEmpty();
            assertThat(repository.cache().objects()).containsExactlyInAnyOrderElementsOf(before);

            assertThat(repository.collectGarbage(false)).containsExactlyInAnyOrderElementsOf(dryWorkspace);
            assertThat(repository.cache().objects()).containsExactly(v2);
        }
    }

    @Test
    void outputsNameTheCommitAndReadDvcLockStagesInSubfolders() throws Exception {
        String md5 = "0123456789abcdef0123456789abcdef";
        try (Git git = Git.init().setDirectory(root.toFile()).setInitialBranch("main").call();
                Repository repository = Repository.init(root)) {
            Fixtures.write(root.resolve("train.csv"), V1);
            repository.add(Path.of("train.csv"));
            Fixtures.write(root.resolve("pipeline/dvc.lock"), "schema: '2.0'\nstages:\n  prepare:\n"
                    + "    cmd: python prepare.py\n    outs:\n    - path: out/features.csv\n"
                    + "      hash: md5\n      md5: " + md5 + "\n      size: 12\n");
            RevCommit first = commit(git, "v1");

            List<GitHistory.CommittedOutput> outputs = new GitHistory(root).outputs();

            assertThat(outputs).extracting(GitHistory.CommittedOutput::path)
                    .containsExactlyInAnyOrder("train.csv", "pipeline/out/features.csv");
            assertThat(outputs).allSatisfy(output -> assertThat(output.commit()).isEqualTo(first.getName()));
            assertThat(outputs).filteredOn(output -> output.path().startsWith("pipeline"))
                    .singleElement().satisfies(output -> assertThat(output.output().hash()).contains(HashInfo.md5(md5)));
            assertThat(new GitHistory(root).head()).contains(first.getName());
        }
    }

    @Test
    void aFolderOutsideGitIsReportedByName() throws Exception {
        try (Repository ignored = Repository.init(root)) {
            assertThatThrownBy(() -> new GitHistory(root).outputs()).hasMessageContaining("not inside a Git repository");
        }
    }

    private static RevCommit commit(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        return git.commit().setMessage(message).setSign(false)
                .setAuthor("Test", "test@example.com").setCommitter("Test", "test@example.com").call();
    }
}
