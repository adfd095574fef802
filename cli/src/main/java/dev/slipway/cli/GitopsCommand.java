package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.gitops.DeploymentSpec;
import dev.slipway.gitops.DeploymentsRepository;
import dev.slipway.gitops.DeploymentsRepository.Author;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway gitops agent}: makes the model servers of this machine match an environment of a deployments repository. */
@Command(name = "gitops", description = "GitOps: an agent that makes what this machine serves match the deployments "
        + "repository.", subcommands = GitopsCommand.Agent.class)
final class GitopsCommand {
    private GitopsCommand() {}

    @Command(name = "agent", sortOptions = false, description = {
            "Poll the deployments repository and sync the environment's deployments: start, swap (live) and stop the "
                    + "model servers it runs, restart those that die, revert changes made outside Git (self_heal), stop "
                    + "deployments removed from Git (prune), and walk canaries through their steps, promoting or "
                    + "reverting them in Git on their analysis.",
            "Status and decisions go to the tracking server (slipway deploy status). POST "
                    + "/api/2.0/slipway/gitops/refresh on --listen syncs at once (a Git webhook); GET "
                    + "/api/2.0/slipway/gitops/status shows the agent's view. Runs until Ctrl-C or SIGTERM."})
    static final class Agent implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

        @Option(names = "--repo", paramLabel = "PATH_OR_URL", description = {"The deployments repository: a local folder "
                + "or a Git URL (cloned into a cache folder).", "Default: $" + DeployCommand.DEPLOY_REPO
                + ", else the Git repository of the current folder."})
        Optional<String> repo = Optional.empty();

        @Option(names = "--env", required = true, description = "The environment to sync, e.g. prod (envs/prod/).")
        String env;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s", description = "How often the "
                + "repository is polled, plus up to a quarter of it at random (default: ${DEFAULT-VALUE}).")
        String interval;

        @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9471", description = "Where the "
                + "agent's refresh and status API listens (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
        String listen;

        @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "The address the model "
                + "servers listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for other machines).")
        String host;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The agent's folder: model server logs and the "
                + "servers it runs. Default: .slipway/gitops/<env>.")
        Optional<String> stateDirectory = Optional.empty();

        @Option(names = "--keep-servers", description = "On exit, leave the model servers running for the next agent to "
                + "adopt (default: stop them).")
        boolean keepServers;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Agent(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            Duration pollInterval = DeploymentSpec.parseDuration(interval.trim(), "--interval");
            if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new ParameterException(spec.commandLine(), "--interval must be at least 1s, got " + interval);
            }
            int colon = listen.lastIndexOf(':');
            if (colon <= 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
                throw new ParameterException(spec.commandLine(), "--listen must be HOST:PORT, e.g. 127.0.0.1:9471, got " + listen);
            }
            String listenHost = listen.substring(0, colon);
            int listenPort = Integer.parseInt(listen.substring(colon + 1));
            if (!env.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new ParameterException(spec.commandLine(), "--env '" + env + "' is not a DNS-1123 label (e.g. prod, staging)");
            }
            String location = location();
            Path state = stateDirectory.map(environment::resolve)
                    .orElse(environment.slipwayDirectory().resolve("gitops").resolve(env));
            Path launcher = PipelineRun.writeLauncher(state.resolve("bin")).resolve("slipway");
            PrintWriter out = spec.commandLine().getOut();
            try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
                String agentId = hostName() + ":" + ProcessHandle.current().pid();
                GitopsAgent.Settings settings = new GitopsAgent.Settings(location, cacheRoot(), env, pollInterval, host, state,
                        launcher, connection.client().trackingUri().toString(), author(), agentId);
                try (GitopsAgent agent = new GitopsAgent(settings, connection.client(), environment.clock())) {
                    Javalin api = startApi(agent, listenHost, listenPort);
                    out.printf("GitOps agent %s syncing %s of %s every %s (jittered)%n", agentId, "envs/" + env + "/", location,
                            Durations.text(pollInterval));
                    out.printf("Agent API on http://%s:%d/api/2.0/slipway/gitops/ (status, refresh); tracking server %s%n",
                            listenHost, api.port(), connection.location());
                    out.flush();
                    CountDownLatch stopped = new CountDownLatch(1);
                    environment.stopSignal().onStop(stopped::countDown);
                    try {
                        while (stopped.getCount() > 0) {
                            agent.tick();
                            agent.awaitNextTick(Duration.ofSeconds(1));
                        }
                    } finally {
                        api.stop();
                        agent.stop(keepServers);
                    }
                }
            }
            return 0;
        }

        private Javalin startApi(GitopsAgent agent, String listenHost, int listenPort) {
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.showOldJavalinVersionWarning = false;
                config.routes.get("/api/2.0/slipway/gitops/status", ctx -> ctx.json(agent.statusJson()));
                config.routes.post("/api/2.0/slipway/gitops/refresh", ctx -> {
                    agent.requestRefresh();
                    ctx.status(202).json(java.util.Map.of("refresh", "requested"));
                });
                config.routes.get("/health", ctx -> ctx.result("OK"));
            });
            try {
                app.start(listenHost, listenPort);
            } catch (RuntimeException e) {
                throw SlipwayException.invalidParameter("Cannot listen on %s: %s", listen, Main.describe(e));
            }
            LOG.info("GitOps agent API listening on http://{}:{}", listenHost, app.port());
            return app;
        }

        private String location() {
            return DeployCommand.location(repo, environment, spec,
                    DeploymentsRepository.enclosingWorkTree(environment.workingDirectory()));
        }

        private Path cacheRoot() {
            return DeployCommand.cacheRoot(environment);
        }

        private Author author() {
            String who = environment.variable("GIT_AUTHOR_NAME").orElse("Slipway GitOps agent");
            return new Author(who, environment.variable("GIT_AUTHOR_EMAIL").orElse("gitops-agent@" + hostName()));
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
