package dev.slipway.ui;

import static java.util.Objects.requireNonNull;

import dev.slipway.server.ServerExtension;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.List;

/**
 * The web UI, served by the tracking server at {@code /} from the same jar: experiments, runs, charts, comparisons,
 * the registry, lineage, GitOps deployments and monitoring, as server-rendered pages with htmx for partial updates and uPlot for charts
 * (both from WebJars, at {@code /webjars/...}); Slipway's own script and style sheet at {@code /static/...}.
 */
public final class WebUi implements ServerExtension {
    /** A group of pages and actions under one section of the UI. */
    interface PageGroup {
        void register(io.javalin.config.RoutesConfig routes);
    }

    private final UiServices services;

    public WebUi(UiServices services) {
        this.services = requireNonNull(services, "services is null");
    }

    @Override
    public void configure(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/static";
            files.directory = "/dev/slipway/ui/static";
            files.location = Location.CLASSPATH;
            files.headers.put("Cache-Control", "no-cache");
        });
        config.staticFiles.enableWebjars();
        for (PageGroup group : groups()) {
            group.register(config.routes);
        }
    }

    private List<PageGroup> groups() {
        return List.of(new ExperimentPages(services), new RunPages(services),
                new RegistryPages(services), new LineagePages(services), new DeploymentPages(services),
                new MonitoringPages(services));
    }
}
