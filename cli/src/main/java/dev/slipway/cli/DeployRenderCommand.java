package dev.slipway.cli;

import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.KubernetesRender;
import dev.slipway.gitops.ManifestFolder;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slipway deploy render}: the Kubernetes manifests of an environment's deployments, for Argo CD or Flux to
 * sync to a cluster. Reads the committed {@code envs/<env>/*.yaml} at the repository's head.
 */
@Command(name = "render", sortOptions = false, description = {"Write the Kubernetes manifests of an environment: for "
        + "each deployment, <output>/<name>.yaml with a ConfigMap (model URI, tracking URI), a Deployment of "
        + "'slipway serve' pods (probes on /v2/health/ready and /v2/health/live, replicas, resources) and a Service; "
        + "a canary's candidate as <name>-canary behind the same Service, a shadow as <name>-shadow.",
        "The text is stable (sorted keys, no timestamps) so that Argo CD and Flux diffs show only what changed in "
                + "Git; files of deployments removed from Git are deleted when they carry "
                + "app.kubernetes.io/managed-by: slipway. Weighted canary traffic and shadow mirroring need a service "
                + "mesh or ingress in the cluster; Slipway's own server does both itself ('slipway serve --canary', "
                + "'--shadow'), which is how the GitOps agent runs them."})
final class DeployRenderCommand extends DeployCommand.RepositoryCommand {
    @Option(names = "--env", required = true, description = "The environment, e.g. prod.")
    String env;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FOLDER",
            description = "The folder the manifests are written to, e.g. k8s/ (created when missing).")
    String output;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "slipway:latest",
            description = "The container image with Java 17 and slipway on the PATH (default: ${DEFAULT-VALUE}; pin "
                    + "a tag or digest so that the manifests say what runs).")
    String image;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "The tracking server the pods load models "
            + "from and log predictions to, as MLFLOW_TRACKING_URI in the ConfigMap. Default: $MLFLOW_TRACKING_URI, "
            + "else none.")
    Optional<String> trackingUri = Optional.empty();

    DeployRenderCommand(Environment environment) {
        super(environment);
    }

    @Override
    int run(DeploymentsRepository repository, PrintWriter out) {
        KubernetesRender render = new KubernetesRender(image, trackingUri.map(String::trim)
                .filter(uri -> !uri.isEmpty()).or(() -> environment.variable(TrackingOptions.MLFLOW_TRACKING_URI)));
        ManifestFolder.Report report = render.write(repository.desired(env),
                new ManifestFolder(environment.resolve(output)));
        report.written().forEach(file -> out.printf("wrote     %s%n", file));
        report.unchanged().forEach(file -> out.printf("unchanged %s%n", file));
        report.deleted().forEach(file -> out.printf("deleted   %s%n", file));
        out.printf("Rendered %d deployment(s) of %s into %s%n", report.written().size() + report.unchanged().size(),
                env, environment.resolve(output));
        return 0;
    }
}
