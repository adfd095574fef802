package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcIgnoreTest {
    @TempDir
    Path root;

    private DvcIgnore rules(String text) {
        return new DvcIgnore(DvcIgnore.parse(root, text));
    }

    private boolean fileIgnored(DvcIgnore ignore, String relpath) {
        return ignore.isIgnored(root.resolve(relpath), false);
    }

    @Test
    void aNameWithoutSlashMatchesAtAnyDepth() {
        DvcIgnore ignore = rules("*.tmp\n");

        assertThat(fileIgnored(ignore, "a.tmp")).isTrue();
        assertThat(fileIgnored(ignore, "data/deep/b.tmp")).isTrue();
        assertThat(fileIgnored(ignore, "data/b.tmp.keep")).isFalse();
    }

    @Test
    void aSlashAnchorsThePatternToTheIgnoreFilesFolder() {
        DvcIgnore ignore = rules("/data/raw.csv\nlogs/*.log\n");

        assertThat(fileIgnored(ignore, "data/raw.csv")).isTrue();
        assertThat(fileIgnored(ignore, "other/data/raw.csv")).isFalse();
        assertThat(fileIgnored(ignore, "logs/a.log")).isTrue();
        assertThat(fileIgnored(ignore, "logs/sub/a.log")).isFalse();
    }

    @Test
    void trailingSlashMatchesFoldersOnly() {
        DvcIgnore ignore = rules("cache/\n");

        assertThat(ignore.isIgnored(root.resolve("data/cache"), true)).isTrue();
        assertThat(ignore.isIgnored(root.resolve("data/cache"), false)).isFalse();
    }

    @Test
    void doubleStarMatchesAnyNumberOfFolders() {
        DvcIgnore ignore = rules("**/tmp/*.bin\ndata/**\n");

        assertThat(fileIgnored(ignore, "tmp/a.bin")).isTrue();
        assertThat(fileIgnored(ignore, "x/y/tmp/a.bin")).isTrue();
        assertThat(fileIgnored(ignore, "data/x/y")).isTrue();
        assertThat(fileIgnored(ignore, "datax/y")).isFalse();
    }

    @Test
    void laterNegationReincludesAndCommentsAndEscapesWork() {
        DvcIgnore ignore = rules("# comment\n*.csv\n!keep.csv\n\\#literal\n[ab].txt\n");

        assertThat(fileIgnored(ignore, "drop.csv")).isTrue();
        assertThat(fileIgnored(ignore, "keep.csv")).isFalse();
        assertThat(fileIgnored(ignore, "#literal")).isTrue();
        assertThat(fileIgnored(ignore, "a.txt")).isTrue();
        assertThat(fileIgnored(ignore, "c.txt")).isFalse();
        assertThat(fileIgnored(ignore, "# comment")).isFalse();
    }

    @Test
    void aFolderHashLeavesIgnoredFilesAndFoldersOut() {
        Path data = Fixtures.writeTree(root.resolve("data"));
        Fixtures.write(data.resolve("scratch.tmp"), "scratch");
        Fixtures.write(data.resolve("cache/x.bin"), "cached");
        Fixtures.write(root.resolve(".dvcignore"), "*.tmp\ncache/\n");
        WorkspaceHasher hasher = new WorkspaceHasher(new FileHasher(), StateCache.none(), 2);

        WorkspaceHasher.HashedDirectory hashed = hasher.hashDirectory(
                data, HashName.MD5, DvcIgnore.load(root, data), new FileHasher()::hash);

        assertThat(hashed.hash().value()).isEqualTo(Fixtures.TREE_DIR_HASH);
    }

    @Test
    void loadsIgnoreFilesFromTheRootDownToTheTargetsFolder() {
        Fixtures.write(root.resolve(".dvcignore"), "*.tmp\n");
        Fixtures.write(root.resolve("project/.dvcignore"), "!important.tmp\n");

        DvcIgnore ignore = DvcIgnore.load(root, root.resolve("project/data"));

        assertThat(ignore.rules()).extracting(DvcIgnore.Rule::pattern).containsExactly("*.tmp", "!important.tmp");
        assertThat(fileIgnored(ignore, "project/data/important.tmp")).isFalse();
        assertThat(fileIgnored(ignore, "project/data/other.tmp")).isTrue();
        assertThat(DvcIgnore.load(root, root.resolve("elsewhere")).rules()).hasSize(1);
        assertThat(List.of(DvcIgnore.none().isIgnored(root.resolve("a.tmp"), false))).containsExactly(false);
    }
}
