package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.gitops.DeploymentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway deploy init|promote|history|rollback} end to end on a repository in a temp folder. */
class DeployCommandTest {
    @TempDir
    Path folder;

    @Test
    void initPromoteHistoryAndRollbackOnALocalRepository() throws Exception {
        Environment environment = CliRun.environment(folder, Map.of("GIT_AUTHOR_NAME", "Alice", "GIT_AUTHOR_EMAIL", "alice@example.com"));
        Path repo = folder.resolve("deployments");

        CliRun init = CliRun.run(environment, "deploy", "init", "--repo", "deployments");
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(repo.resolve("envs/README.md")).exists();

        CliRun first = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/7", "--env", "prod",
                "--port", "9090");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Deploy models:/churn/7 to prod/churn");

        CliRun second = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/8", "--env", "prod");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        DeploymentSpec spec = DeploymentSpec.fromYaml(Files.readString(repo.resolve("envs/prod/churn.yaml")), "churn.yaml");
        assertThat(spec.model()).isEqualTo("models:/churn/8");
        assertThat(spec.port()).as("kept from the existing spec").isEqualTo(9090);

        CliRun history = CliRun.run(environment, "deploy", "history", "--repo", "deployments", "--env", "prod");
        assertThat(history.exitCode()).as(history.toString()).isZero();
        assertThat(history.out()).contains("COMMIT").contains("Alice <alice@example.com>").contains("Deploy models:/churn/8 to prod/churn");

        CliRun rollback = CliRun.run(environment, "deploy", "rollback", "--repo", "deployments", "--env", "prod", "--name", "churn");
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.out()).contains("Revert \"Deploy models:/churn/8 to prod/churn\"");
        assertThat(DeploymentSpec.fromYaml(Files.readString(repo.resolve("envs/prod/churn.yaml")), "churn.yaml").model())
                .isEqualTo("models:/churn/7");

        CliRun json = CliRun.run(environment, "deploy", "history", "--repo", "deployments", "--env", "prod", "--json");
        JsonNode changes = new ObjectMapper().readTree(json.out());
        assertThat(changes).hasSize(3);
        assertThat(changes.get(0).path("deployments").get(0).asText()).isEqualTo("churn");
        assertThat(changes.get(0).path("message").asText()).contains("This reverts commit");
    }

    @Test
    void promoteWritesACanaryOrAShadowBesideTheStableVersion() throws Exception {
        Environment environment = CliRun.environment(folder, Map.of());
        CliRun.run(environment, "deploy", "init", "--repo", "deployments");
        CliRun early = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/8", "--env", "prod", "--canary");
        assertThat(early.exitCode()).isEqualTo(2);
        assertThat(early.err()).contains("prod/churn is not deployed yet");
        CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/7", "--env", "prod");

        CliRun canary = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/8", "--env", "prod",
                "--canary", "--steps", "20,100", "--pause", "2m", "--max-error-rate", "0.01", "--min-quality", "accuracy=0.8",
                "--failure-limit", "2");
        assertThat(canary.exitCode()).as(canary.toString()).isZero();
        assertThat(canary.out()).contains("Canary models:/churn/8 in prod/churn (steps [20, 100] every 2m)");
        DeploymentSpec spec = DeploymentSpec.fromYaml(Files.readString(folder.resolve("deployments/envs/prod/churn.yaml")), "churn.yaml");
        assertThat(spec.model()).isEqualTo("models:/churn/7");
        DeploymentSpec.Canary written = spec.canary().orElseThrow();
        assertThat(written.candidate()).isEqualTo("models:/churn/8");
        assertThat(written.steps()).containsExactly(20, 100);
        assertThat(written.pause()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(written.analysis().maxErrorRate()).hasValue(0.01);
        assertThat(written.analysis().minQuality()).containsEntry("accuracy", 0.8);
        assertThat(written.failureLimit()).isEqualTo(2);

        CliRun next = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/9", "--env", "prod", "--canary");
        assertThat(next.exitCode()).as(next.toString()).isZero();
        DeploymentSpec kept = DeploymentSpec.fromYaml(Files.readString(folder.resolve("deployments/envs/prod/churn.yaml")), "churn.yaml");
        assertThat(kept.canary().orElseThrow()).as("the other canary settings are kept").isEqualTo(
                new DeploymentSpec.Canary("models:/churn/9", written.steps(), written.pause(), written.analysis(), written.failureLimit()));

        CliRun shadow = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/10", "--env", "prod", "--shadow");
        assertThat(shadow.exitCode()).as(shadow.toString()).isZero();
        assertThat(DeploymentSpec.fromYaml(Files.readString(folder.resolve("deployments/envs/prod/churn.yaml")), "churn.yaml").shadow())
                .contains("models:/churn/10");

        CliRun misplaced = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/8", "--env", "prod",
                "--steps", "10,100");
        assertThat(misplaced.exitCode()).isEqualTo(2);
        assertThat(misplaced.err()).contains("go with --canary");
        CliRun badSteps = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn/8", "--env", "prod",
                "--canary", "--steps", "50,20");
        assertThat(badSteps.exitCode()).isNotZero();
        assertThat(badSteps.err()).contains("must increase strictly");
    }

    @Test
    void repositoryDefaultsToTheVariableThenTheCurrentGitRepository() throws Exception {
        Path repo = folder.resolve("deployments");
        Environment viaVariable = CliRun.environment(folder, Map.of("SLIPWAY_DEPLOY_REPO", repo.toString()));
        assertThat(CliRun.run(viaVariable, "deploy", "init").exitCode()).isZero();
        assertThat(repo.resolve("envs/README.md")).exists();

        Files.createDirectories(repo.resolve("envs/prod"));
        Environment inside = CliRun.environment(repo.resolve("envs/prod"), Map.of());
        CliRun promoted = CliRun.run(inside, "deploy", "promote", "-m", "models:/fraud/2", "--env", "prod", "--branch", "deploy-fraud-2");
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(promoted.out()).contains("on branch deploy-fraud-2");
        try (Git git = Git.open(repo.toFile())) {
            assertThat(git.getRepository().getBranch()).isEqualTo("main");
            assertThat(git.getRepository().resolve("refs/heads/deploy-fraud-2")).isNotNull();
        }
        assertThat(repo.resolve("envs/prod/fraud.yaml")).doesNotExist();
    }

    @Test
    void promoteRefusesAMissingRepositoryAndNonRegistryUris() {
        Environment environment = CliRun.environment(folder, Map.of());
        CliRun noRepository = CliRun.run(environment, "deploy", "history", "--env", "prod");
        assertThat(noRepository.exitCode()).isEqualTo(2);
        assertThat(noRepository.err()).contains("No deployments repository");

        CliRun.run(environment, "deploy", "init", "--repo", "deployments");
        CliRun runsUri = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "runs:/abc/model", "--env", "prod");
        assertThat(runsUri.exitCode()).isEqualTo(2);
        assertThat(runsUri.err()).contains("is not a registered model version");
    }

    @Test
    void promoteResolvesAnAliasAndPutsTheGateReportInTheCommit() throws Exception {
        Environment environment = CliRun.environment(folder, Map.of());
        ModelCommandsTest.writeChurn(folder.resolve("train.csv"), 400, new Random(1));
        CliRun trained = CliRun.run(environment, "train", "--data", "train.csv", "--target", "churn", "--algorithm", "logistic",
                "--register", "churn", "-e", "churn", "--no-progress");
        assertThat(trained.exitCode()).as(trained.toString()).isZero();
        assertThat(CliRun.run(environment, "models", "alias", "set", "churn", "champion", "1").exitCode()).isZero();
        CliRun.run(environment, "deploy", "init", "--repo", "deployments");
        try (ServerConnection connection = ServerConnection.open(new TrackingOptions(), environment, Backends.discover())) {
            var version = new dev.slipway.client.ModelResolver(java.util.Optional.of(connection.client()))
                    .resolve("models:/churn/1").version().orElseThrow();
            connection.client().logArtifact(version.runId().orElseThrow(), "ci-report.md",
                    "## Slipway CI: `churn` PASS\n\n| gate | table |\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        CliRun promoted = CliRun.run(environment, "deploy", "promote", "--repo", "deployments", "-m", "models:/churn@champion", "--env", "prod");

        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        assertThat(Files.readString(folder.resolve("deployments/envs/prod/churn.yaml"))).contains("model: models:/churn/1");
        try (Git git = Git.open(folder.resolve("deployments").toFile())) {
            assertThat(git.log().setMaxCount(1).call().iterator().next().getFullMessage())
                    .contains("Resolved from models:/churn@champion.")
                    .contains("## Slipway CI: `churn` PASS");
        }
    }
}
