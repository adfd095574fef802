package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackedDatasetTest {
    @TempDir
    Path root;

    @Test
    void aTrackedFolderIsIdentifiedByItsDirHashWithPathSizeAndFileCount() {
        Fixtures.writeTree(root.resolve("raw/images"));
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("raw/images"));
        }

        TrackedDataset tracked = TrackedDataset.of(root.resolve("raw/images")).orElseThrow();

        assertThat(tracked.repositoryRoot()).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(tracked.path()).isEqualTo("raw/images");
        assertThat(tracked.digest()).isEqualTo(Fixtures.TREE_DIR_HASH).hasSizeLessThanOrEqualTo(36);
        assertThat(tracked.size()).contains(Fixtures.TREE_SIZE);
        assertThat(tracked.fileCount()).contains(Fixtures.TREE_FILES);
        assertThat(TrackedDataset.current(root.resolve("raw/images"))).contains(tracked);
    }

    @Test
    void aModifiedFileHasARecordedVersionButNoCurrentOne() {
        Fixtures.write(root.resolve("train.csv"), "a\n1\n");
        try (Repository repository = Repository.init(root)) {
            repository.add(Path.of("train.csv"));
        }
        Fixtures.write(root.resolve("train.csv"), "a\n2\n");

        assertThat(TrackedDataset.of(root.resolve("train.csv"))).isPresent();
        assertThat(TrackedDataset.current(root.resolve("train.csv"))).isEmpty();
    }

    @Test
    void anUntrackedFileOrAFolderOutsideDvcHasNoVersion() {
        Fixtures.write(root.resolve("loose.csv"), "a\n1\n");

        assertThat(TrackedDataset.of(root.resolve("loose.csv"))).isEmpty();
        try (Repository ignored = Repository.init(root)) {
            assertThat(TrackedDataset.of(root.resolve("loose.csv"))).isEmpty();
        }
    }
}
