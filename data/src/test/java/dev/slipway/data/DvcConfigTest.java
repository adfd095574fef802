package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvcConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsSectionsAsDvcWritesThem() {
        DvcConfig config = DvcConfig.parse("""
                [core]
                    remote = storage
                    Autostage = true
                [cache]
                    type = "reflink,hardlink,copy"
                ['remote "storage"']
                    url = s3://bucket/dvcstore
                """, "config");

        assertThat(config.get("core", "autostage")).contains("true");
        assertThat(config.get("remote \"storage\"", "url")).contains("s3://bucket/dvcstore");
        assertThat(config.cacheTypes()).containsExactly(LinkType.REFLINK, LinkType.HARDLINK, LinkType.COPY);
    }

    @Test
    void handWrittenRemoteSectionMeansTheSame() {
        DvcConfig config = DvcConfig.parse("[remote \"storage\"]\nurl = /mnt/store\n", "config");

        assertThat(config.get("remote \"storage\"", "url")).contains("/mnt/store");
    }

    @Test
    void cacheTypeDefaultsToReflinkThenCopy() {
        assertThat(DvcConfig.load(dir.resolve("missing")).cacheTypes()).containsExactly(LinkType.REFLINK, LinkType.COPY);
    }

    @Test
    void unknownLinkTypeIsNamed() {
        DvcConfig config = DvcConfig.parse("[cache]\ntype = hardlink, teleport\n", "config");

        assertThatThrownBy(config::cacheTypes).hasMessageContaining("teleport");
    }

    @Test
    void malformedLineIsNamedWithItsNumber() {
        assertThatThrownBy(() -> DvcConfig.parse("[core]\nremote storage\n", ".dvc/config"))
                .hasMessageContaining(".dvc/config").hasMessageContaining("line 2");
    }
}
