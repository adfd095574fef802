package dev.slipway.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path root;

    @TempDir
    Path home;

    @Test
    void userLevelsAreFoundAsDvcFindsThemOnLinux() {
        Path dvc = root.resolve(".dvc");

        ConfigFiles defaults = ConfigFiles.of(dvc, Map.of("HOME", "/home/ana"));
        assertThat(defaults.system()).contains(Path.of("/etc/xdg/dvc/config"));
        assertThat(defaults.global()).contains(Path.of("/home/ana/.config/dvc/config"));
        assertThat(defaults.file(ConfigLevel.REPO)).isEqualTo(dvc.resolve("config"));
        assertThat(defaults.file(ConfigLevel.LOCAL)).isEqualTo(dvc.resolve("config.local"));

        ConfigFiles xdg = ConfigFiles.of(dvc, Map.of("HOME", "/home/ana", "XDG_CONFIG_HOME", "/cfg",
                "XDG_CONFIG_DIRS", "/site:/other"));
        assertThat(xdg.global()).contains(Path.of("/cfg/dvc/config"));
        assertThat(xdg.system()).contains(Path.of("/site/dvc/config"));

        ConfigFiles explicit = ConfigFiles.of(dvc, Map.of("HOME", "/home/ana", "XDG_CONFIG_HOME", "/cfg",
                "DVC_GLOBAL_CONFIG_DIR", "/g", "DVC_SYSTEM_CONFIG_DIR", "/s"));
        assertThat(explicit.global()).contains(Path.of("/g/config"));
        assertThat(explicit.system()).contains(Path.of("/s/config"));

        ConfigFiles homeless = ConfigFiles.of(dvc, Map.of());
        assertThat(homeless.global()).isEmpty();
        assertThatThrownBy(() -> homeless.file(ConfigLevel.GLOBAL)).hasMessageContaining("DVC_GLOBAL_CONFIG_DIR");
    }

    @Test
    void laterLevelsOverrideEarlierOnesAndTheRepositoryUsesTheMergedConfig() {
        Path system = home.resolve("system");
        Path global = home.resolve("global");
        Fixtures.write(system.resolve("config"), "[cache]\n    type = hardlink,copy\n"
                + "['remote \"shared\"']\n    url = /mnt/system-store\n");
        DvcConfig.addRemote(global.resolve("config"), "shared", home.resolve("store").toString(), false, false);
        DvcConfig.addRemote(global.resolve("config"), "personal", "/mnt/personal", true, false);
        Repository.init(root).close();
        DvcConfig.addRemote(root.resolve(".dvc/config"), "team", "/mnt/team", true, false);
        DvcConfig.addRemote(root.resolve(".dvc/config.local"), "team", "/mnt/team-local", false, false);
        Map<String, String> environment = Map.of("DVC_SYSTEM_CONFIG_DIR", system.toString(),
                "DVC_GLOBAL_CONFIG_DIR", global.toString());

        try (Repository repository = Repository.open(root, environment)) {
            DvcConfig config = repository.config();

            assertThat(config.remoteNames()).containsExactly("shared", "personal", "team");
            assertThat(config.remote("shared")).containsEntry("url", home.resolve("store").toString());
            assertThat(config.remote("team")).containsEntry("url", "/mnt/team-local");
            assertThat(config.defaultRemote()).contains("team");
            assertThat(config.cacheTypes()).containsExactly(LinkType.HARDLINK, LinkType.COPY);
            assertThat(repository.configFiles().load(ConfigLevel.GLOBAL).remoteNames())
                    .containsExactly("shared", "personal");
            try (Remote remote = repository.openRemote(Optional.of("shared"))) {
                assertThat(remote.url()).isEqualTo(home.resolve("store").toString());
            }
        }
        try (Repository repository = Repository.open(root)) {
            assertThat(repository.config().remoteNames()).as("open(root) reads the repository's files only").containsExactly("team");
        }
    }

    @Test
    void addingAGlobalRemoteCreatesTheConfigFolder() {
        Path file = ConfigFiles.userLevels(Map.of("XDG_CONFIG_HOME", home.toString())).file(ConfigLevel.GLOBAL);

        DvcConfig.addRemote(file, "store", "s3://bucket/prefix", true, false);

        assertThat(file).hasContent("[core]\n    remote = store\n['remote \"store\"']\n    url = s3://bucket/prefix");
        assertThat(DvcConfig.load(file).remoteNames()).isEqualTo(List.of("store"));
    }
}
