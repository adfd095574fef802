package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path folder;

    private CliRun slipway(String... args) {
        return CliRun.run(CliRun.environment(folder, Map.of()), args);
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = slipway("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: slipway", "server", "experiments", "runs", "--version",
                "MLFLOW_TRACKING_URI");
    }

    @Test
    void everyCommandIsNamedAsItsAnnotationNamesIt() {
        for (String name : Main.COMMANDS) {
            assertThat(Main.command(name).getAnnotation(Command.class).name()).as(name).isEqualTo(name);
        }
        assertThat(Main.COMMANDS).doesNotHaveDuplicates();
    }

    @Test
    void aRunBuildsOnlyTheCommandItNames() {
        Environment environment = CliRun.environment(folder, Map.of());

        assertThat(Main.commandLine(environment, new String[] {"--debug", "data", "status"}).getSubcommands())
                .containsOnlyKeys("data");
        assertThat(Main.commandLine(environment, new String[] {"--version"}).getSubcommands()).isEmpty();
        assertThat(Main.commandLine(environment, new String[] {"--help"}).getSubcommands().keySet())
                .containsExactlyElementsOf(Main.COMMANDS);
        assertThat(Main.commandLine(environment, new String[] {"dta"}).getSubcommands().keySet())
                .containsExactlyElementsOf(Main.COMMANDS);
    }

    /** The commands that get the data warm-up: {@code data} and its subcommands reachable without the prefix. */
    @Test
    void theDataCommandsAreDataAndItsSubcommandsWithoutThePrefix() {
        assertThat(Main.COMMANDS.stream().filter(Main::isDataCommand).toList())
                .containsExactly("data", "add", "status", "checkout", "push", "pull");
        assertThat(Main.isDataCommand("pul")).isFalse();
    }

    @Test
    void aDataRunBuildsOnlyTheSubcommandItNamesAndHelpOrATypoGetsThemAll() {
        Environment environment = CliRun.environment(folder, Map.of());
        List<String> all = DataCommand.SUBCOMMANDS.stream().map(type -> Main.names(type).get(0)).toList();

        assertThat(all).doesNotHaveDuplicates().contains("init", "pull", "remote", "lineage");
        assertThat(Main.commandLine(environment, new String[] {"data", "pull", "--jobs", "4"}).getSubcommands()
                .get("data").getSubcommands()).containsOnlyKeys("pull");
        assertThat(Main.commandLine(environment, new String[] {"--debug", "data", "remote", "add", "s3"})
                .getSubcommands().get("data").getSubcommands()).containsOnlyKeys("remote");
        for (String[] args : List.of(new String[] {"data"}, new String[] {"data", "--help"},
                new String[] {"data", "pul"})) {
            assertThat(Main.commandLine(environment, args).getSubcommands().get("data").getSubcommands().keySet())
                    .as(String.join(" ", args)).containsExactlyElementsOf(all);
        }
        CliRun help = slipway("data", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("init", "remote", "verify", "lineage", "log-version");
        CliRun typo = slipway("data", "pul");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("'pul'");
    }

    @Test
    void aMistypedCommandIsAUsageError() {
        CliRun run = slipway("experimnets", "list");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'experimnets'").contains("slipway --help");
    }

    @Test
    void serverHelpExplainsEachFlag() {
        CliRun run = slipway("server", "--help");

        assertThat(run.exitCode()).isZero();
        // descriptions wrap wherever the longest option leaves room: compare the text with its line breaks removed
        assertThat(run.out().replaceAll("\\s*\\n\\s*", "")).contains("--host", "127.0.0.1", "-p, --port", "5000", "--backend-store-uri",
                "sqlite:///", "postgresql://", "mysql://", "--default-artifact-root", "mlflow-artifacts:/",
                "--artifacts-destination", ".slipway/artifacts", "--[no-]serve-artifacts", "--allowed-hosts", "'*'");
    }

    @Test
    void trackingCommandHelpExplainsTheTrackingUri() {
        CliRun run = slipway("runs", "list", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--tracking-uri", "$MLFLOW_TRACKING_URI", "$SLIPWAY_TRACKING_URI",
                "--experiment-id", "--experiment-name", "--filter", "--order-by", "--max-results", "--json");
    }

    @Test
    void versionNamesSlipwayAndItsVersion() {
        CliRun run = slipway("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("slipway ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void missingCommandIsAUsageError() {
        CliRun run = slipway();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing a command").contains("slipway --help");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void unknownOptionIsAOneLineUsageError() {
        CliRun run = slipway("experiments", "list", "--colour");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly(
                "slipway experiments list: Unknown option: '--colour' (see 'slipway experiments list --help')");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void invalidOptionValueIsAUsageError() {
        CliRun run = slipway("experiments", "list", "--view", "archived");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--view").contains("archived");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void missingSubcommandIsAUsageError() {
        CliRun run = slipway("runs");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("slipway runs").contains("subcommand");
    }
}
