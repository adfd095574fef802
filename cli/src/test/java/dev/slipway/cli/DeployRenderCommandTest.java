package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployRenderCommandTest {
    @TempDir
    Path folder;

    @Test
    void rendersEachDeploymentOfTheEnvironmentIntoTheOutputFolder() throws Exception {
        Path repository = folder.resolve("deployments");
        commit(repository, Map.of("envs/prod/churn.yaml", "name: churn\nmodel: models:/churn/7\nreplicas: 2\n"));
        Environment environment = CliRun.environment(folder, Map.of("MLFLOW_TRACKING_URI", "http://tracking:5000"));

        CliRun run = CliRun.run(environment, "deploy", "render", "--env", "prod", "--output", "k8s",
                "--repo", repository.toString(), "--image", "registry.example.org/slipway:0.1");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("wrote     churn.yaml");
        String manifest = Files.readString(folder.resolve("k8s/churn.yaml"));
        assertThat(manifest).contains("kind: Deployment").contains("kind: Service").contains("kind: ConfigMap")
                .contains("SLIPWAY_MODEL_URI: \"models:/churn/7\"")
                .contains("MLFLOW_TRACKING_URI: \"http://tracking:5000\"")
                .contains("image: \"registry.example.org/slipway:0.1\"")
                .contains("replicas: 2");
        CliRun again = CliRun.run(environment, "deploy", "render", "--env", "prod", "--output", "k8s",
                "--repo", repository.toString(), "--image", "registry.example.org/slipway:0.1");
        assertThat(again.out()).as(again.toString()).contains("unchanged churn.yaml");
    }

    @Test
    void aSpecThatDoesNotParseFailsNamingTheFile() throws Exception {
        Path repository = folder.resolve("deployments");
        commit(repository, Map.of("envs/prod/churn.yaml", "name: churn\nmodel: [not, a, uri]\n"));

        CliRun run = CliRun.run(CliRun.environment(folder, Map.of()), "deploy", "render", "--env", "prod",
                "--output", "k8s", "--repo", repository.toString());

        assertThat(run.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.err()).contains("envs/prod/churn.yaml").contains("nothing was written");
        assertThat(folder.resolve("k8s")).doesNotExist();
    }

    private static void commit(Path repository, Map<String, String> files) throws Exception {
        Files.createDirectories(repository);
        try (Git git = Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = repository.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
            git.add().addFilepattern(".").call();
            PersonIdent person = new PersonIdent("Test", "test@example.org");
            git.commit().setMessage("deploy").setAuthor(person).setCommitter(person).setSign(false).call();
        }
    }
}
