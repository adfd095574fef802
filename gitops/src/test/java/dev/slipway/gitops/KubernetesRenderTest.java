package dev.slipway.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.SlipwayException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class KubernetesRenderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** fabric8 8 binds with Jackson 3; the YAML is read with Slipway's Jackson 2 and handed over as JSON. */
    private static final JsonMapper KUBERNETES = JsonMapper.builder().build();
    private static final KubernetesRender RENDER = new KubernetesRender("registry.example.org/slipway:0.1",
            Optional.of("http://tracking:5000"));

    @TempDir
    Path temp;

    @Test
    void deploymentServiceAndConfigMapParseIntoTheKubernetesModelWithTheSpecsValues() throws IOException {
        DeploymentSpec spec = DeploymentSpec.fromYaml("""
                name: churn
                model: models:/churn/7
                replicas: 3
                port: 9090
                resources: {cpu: "2", memory: 3Gi}
                """, "envs/prod/churn.yaml");

        List<JsonNode> documents = documents(RENDER.render(spec));

        assertThat(documents).extracting(document -> document.path("kind").asText())
                .containsExactly("ConfigMap", "Deployment", "Service");
        ConfigMap configMap = bind(documents.get(0), ConfigMap.class);
        assertThat(configMap.getMetadata().getName()).isEqualTo("churn");
        assertThat(configMap.getData()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "SLIPWAY_MODEL_URI", "models:/churn/7", "MLFLOW_TRACKING_URI", "http://tracking:5000"));

        Deployment deployment = bind(documents.get(1), Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo("churn");
        assertThat(deployment.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "churn")
                .containsEntry("app.kubernetes.io/managed-by", "slipway")
                .containsEntry("slipway.dev/model-version", "7");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(selector).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/name", "churn", "slipway.dev/track", "stable"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector)
                .containsEntry("slipway.dev/model-version", "7");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example.org/slipway:0.1");
        assertThat(container.getArgs()).containsExactly("serve", "-m", "$(SLIPWAY_MODEL_URI)", "--name", "churn",
                "--host", "0.0.0.0", "--port", "9090");
        assertThat(container.getEnvFrom()).singleElement()
                .satisfies(source -> assertThat(source.getConfigMapRef().getName()).isEqualTo("churn"));
        assertThat(container.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getContainerPort()).isEqualTo(9090);
            assertThat(port.getName()).isEqualTo("http");
        });
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getResources().getRequests())
                .containsExactlyInAnyOrderEntriesOf(Map.of("cpu", new Quantity("2"), "memory", new Quantity("3Gi")));
        assertThat(container.getResources().getLimits()).isEqualTo(container.getResources().getRequests());

        Service service = bind(documents.get(2), Service.class);
        assertThat(service.getMetadata().getName()).isEqualTo("churn");
        assertThat(service.getSpec().getSelector()).containsExactlyInAnyOrderEntriesOf(
                Map.of("app.kubernetes.io/name", "churn"));
        assertThat(service.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
    }

    @Test
    void aCanaryIsASecondDeploymentBehindTheSameServiceSizedForItsFirstStep() throws IOException {
        DeploymentSpec spec = DeploymentSpec.fromYaml("""
                name: churn
                model: models:/churn/7
                replicas: 4
                canary: {candidate: models:/churn/8, steps: [10, 50, 100]}
                shadow: models:/churn/9
                """, "envs/prod/churn.yaml");

        List<JsonNode> documents = documents(RENDER.render(spec));

        List<Deployment> deployments = new ArrayList<>();
        Service service = null;
        for (JsonNode document : documents) {
            switch (document.path("kind").asText()) {
                case "Deployment" -> deployments.add(bind(document, Deployment.class));
                case "Service" -> service = bind(document, Service.class);
                default -> { }
            }
        }
        assertThat(deployments).extracting(deployment -> deployment.getMetadata().getName())
                .containsExactly("churn", "churn-canary", "churn-shadow");
        Deployment stable = deployments.get(0);
        Deployment canary = deployments.get(1);
        Deployment shadow = deployments.get(2);
        assertThat(stable.getSpec().getReplicas()).isEqualTo(4);
        assertThat(canary.getSpec().getReplicas()).isEqualTo(1);
        assertThat(canary.getMetadata().getLabels()).containsEntry("slipway.dev/model-version", "8")
                .containsEntry("slipway.dev/track", "canary");
        assertThat(canary.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("$(SLIPWAY_CANARY_MODEL_URI)");
        Map<String, String> serviceSelector = service.getSpec().getSelector();
        // both tracks' pods are behind the Service, and each Deployment owns only its own pods
        assertThat(stable.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(serviceSelector);
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(serviceSelector);
        assertThat(stable.getSpec().getSelector().getMatchLabels())
                .isNotEqualTo(canary.getSpec().getSelector().getMatchLabels());
        assertThat(shadow.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("slipway.dev/track", "shadow")
                .doesNotContainEntry("app.kubernetes.io/name", "churn");
        assertThat(documents.get(0).path("data").path("SLIPWAY_SHADOW_MODEL_URI").asText())
                .isEqualTo("models:/churn/9");
    }

    @Test
    void canaryReplicasFollowTheFirstStepAndAreAtLeastOne() {
        assertThat(KubernetesRender.canaryReplicas(10, 25)).isEqualTo(3);
        assertThat(KubernetesRender.canaryReplicas(2, 10)).isEqualTo(1);
        assertThat(KubernetesRender.canaryReplicas(0, 10)).isEqualTo(1);
    }

    @Test
    void renderingIsTheSameTextEveryTimeWithSortedKeys() {
        DeploymentSpec spec = DeploymentSpec.fromYaml("""
                name: churn
                model: models:/churn/7
                resources: {memory: 1Gi, cpu: "1"}
                canary: {candidate: models:/churn/8}
                """, "churn.yaml");
        String first = RENDER.render(spec);
        assertThat(RENDER.render(DeploymentSpec.fromYaml(spec.toYaml(), "again.yaml"))).isEqualTo(first);
        assertThat(first).doesNotContain("creationTimestamp");
        assertThat(KubernetesYaml.write(List.of(Map.of("b", 1, "a", Map.of("d", "x", "c", List.of("y:z", "8"))))))
                .isEqualTo("a:\n  c:\n    - \"y:z\"\n    - \"8\"\n  d: x\nb: 1\n");
    }

    @Test
    void writingAnEnvironmentDeletesTheFilesOfRemovedDeploymentsButNotOthers() throws Exception {
        Path repository = temp.resolve("deployments");
        commit(repository, Map.of("envs/prod/churn.yaml", "name: churn\nmodel: models:/churn/7\n",
                "envs/prod/fraud.yaml", "name: fraud\nmodel: models:/fraud/2\n"));
        Path output = temp.resolve("k8s");
        Files.createDirectories(output);
        Files.writeString(output.resolve("ingress.yaml"), "kind: Ingress\n");

        ManifestFolder.Report first = render(repository, output);
        assertThat(first.written()).containsExactly("churn.yaml", "fraud.yaml");
        assertThat(render(repository, output).unchanged()).containsExactly("churn.yaml", "fraud.yaml");

        Files.delete(repository.resolve("envs/prod/fraud.yaml"));
        commit(repository, Map.of());
        ManifestFolder.Report second = render(repository, output);

        assertThat(second.deleted()).containsExactly("fraud.yaml");
        assertThat(fileNames(output)).containsExactly("churn.yaml", "ingress.yaml");
    }

    @Test
    void aSpecThatDoesNotParseIsAnErrorNamingTheFileAndNothingIsWritten() throws Exception {
        Path repository = temp.resolve("deployments");
        commit(repository, Map.of("envs/prod/churn.yaml", "name: churn\nmodel: models:/churn/7\n"));
        Path output = temp.resolve("k8s");
        render(repository, output);
        String before = Files.readString(output.resolve("churn.yaml"));

        commit(repository, Map.of("envs/prod/churn.yaml", "name: churn\nmodel: models:/churn/8\n",
                "envs/prod/fraud.yaml", "name: fraud\nmodel: models:/fraud@champion\n"));

        assertThatThrownBy(() -> render(repository, output))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("envs/prod/fraud.yaml")
                .hasMessageContaining("alias");
        assertThat(fileNames(output)).containsExactly("churn.yaml");
        assertThat(Files.readString(output.resolve("churn.yaml"))).isEqualTo(before);
    }

    private static ManifestFolder.Report render(Path repository, Path output) {
        try (DeploymentsRepository deployments = DeploymentsRepository.openLocal(repository, Clock.systemUTC())) {
            return RENDER.write(deployments.desired("prod"), new ManifestFolder(output));
        }
    }

    private static void commit(Path repository, Map<String, String> files) throws Exception {
        Files.createDirectories(repository);
        try (Git git = Files.exists(repository.resolve(".git")) ? Git.open(repository.toFile())
                : Git.init().setDirectory(repository.toFile()).setInitialBranch("main").call()) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = repository.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            }
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call();
            PersonIdent person = new PersonIdent("Test", "test@example.org");
            git.commit().setMessage("change").setAuthor(person).setCommitter(person).setSign(false).call();
        }
    }

    private static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return iterator.readAll();
        }
    }

    private static <T> T bind(JsonNode document, Class<T> type) {
        return KUBERNETES.readValue(document.toString(), type);
    }
}
