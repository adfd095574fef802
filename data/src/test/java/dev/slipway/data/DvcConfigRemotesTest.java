package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcConfigRemotesTest {
    @TempDir
    Path folder;

    @Test
    void addingTheFirstRemoteAsDefaultWritesWhatDvcRemoteAddDashDWrites() throws Exception {
        Path config = folder.resolve("config");
        Files.writeString(config, "");

        DvcConfig.addRemote(config, "storage", "s3://bucket/dvcstore", true, false);

        assertThat(config).hasContent("[core]\n"
                + "    remote = storage\n"
                + "['remote \"storage\"']\n"
                + "    url = s3://bucket/dvcstore\n");
        DvcConfig read = DvcConfig.load(config);
        assertThat(read.defaultRemote()).contains("storage");
        assertThat(read.remoteNames()).containsExactly("storage");
        assertThat(read.remote("storage")).isEqualTo(Map.of("url", "s3://bucket/dvcstore"));
    }

    @Test
    void addingARemoteKeepsEveryOtherLineOfTheFile() throws Exception {
        Path config = folder.resolve("config");
        String original = "# team settings\n"
                + "[core]\n"
                + "    autostage = true\n"
                + "[cache]\n"
                + "    type = \"reflink,hardlink,copy\"\n"
                + "[remote \"old\"]\n"
                + "    url = /mnt/old\n"
                + "    jobs = 8\n";
        Files.writeString(config, original);

        DvcConfig.addRemote(config, "backup", "/mnt/backup", false, false);
        DvcConfig.addRemote(config, "old", "/mnt/new", true, true);

        assertThat(config).hasContent("# team settings\n"
                + "[core]\n"
                + "    remote = old\n"
                + "    autostage = true\n"
                + "[cache]\n"
                + "    type = \"reflink,hardlink,copy\"\n"
                + "[remote \"old\"]\n"
                + "    url = /mnt/new\n"
                + "    jobs = 8\n"
                + "['remote \"backup\"']\n"
                + "    url = /mnt/backup\n");
        DvcConfig read = DvcConfig.load(config);
        assertThat(read.remoteNames()).containsExactly("old", "backup");
        assertThat(read.remote("old")).containsEntry("jobs", "8");
        assertThat(read.cacheTypes()).containsExactly(LinkType.REFLINK, LinkType.HARDLINK, LinkType.COPY);
    }

    @Test
    void addingAnExistingRemoteWithoutReplaceIsRefused() throws Exception {
        Path config = folder.resolve("config");
        DvcConfig.addRemote(config, "storage", "/a", false, false);

        assertThatThrownBy(() -> DvcConfig.addRemote(config, "storage", "/b", false, false))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
                .hasMessageContaining("Remote 'storage' already exists");
        assertThat(DvcConfig.load(config).remote("storage")).containsEntry("url", "/a");
    }

    @Test
    void localConfigOverridesRepositoryConfig() {
        DvcConfig repository = DvcConfig.parse("['remote \"s\"']\n    url = s3://b/p\n    region = eu-west-1\n", "config");
        DvcConfig local = DvcConfig.parse("['remote \"s\"']\n    region = us-east-2\n    profile = team\n", "config.local");

        assertThat(repository.overriddenBy(local).remote("s"))
                .containsEntry("url", "s3://b/p").containsEntry("region", "us-east-2").containsEntry("profile", "team");
    }

    @Test
    void remoteLayoutKeysRoundTrip() {
        HashInfo modern = HashInfo.md5("0123456789abcdef0123456789abcdef.dir");
        HashInfo legacy = new HashInfo(HashName.MD5_DOS2UNIX, "0123456789abcdef0123456789abcdef");

        assertThat(Remote.objectKey(modern)).isEqualTo("files/md5/01/23456789abcdef0123456789abcdef.dir");
        assertThat(Remote.objectKey(legacy)).isEqualTo("01/23456789abcdef0123456789abcdef");
        assertThat(Remote.parseKey(Remote.objectKey(modern))).contains(modern);
        assertThat(Remote.parseKey(Remote.objectKey(legacy))).contains(legacy);
        assertThat(Remote.parseKey("runs/ab/cd")).isEmpty();
        assertThat(Remote.parseKey("files/md5/01/.0a1b.tmp")).isEmpty();
    }
}
