package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.artifacts.LocalArtifactRepositoryFactory;
import dev.slipway.core.artifacts.ArtifactRepositories;
import dev.slipway.core.logged.LoggedModelService;
import dev.slipway.core.logged.LoggedModelStore;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.TrackingService;
import dev.slipway.core.tracking.TrackingStore;
import dev.slipway.server.ApiClient.Response;
import dev.slipway.store.jdbc.JdbcLoggedModelStoreFactory;
import dev.slipway.store.jdbc.JdbcPredictionLogStoreFactory;
import dev.slipway.store.jdbc.JdbcRegistryStoreFactory;
import dev.slipway.store.jdbc.JdbcTrackingStoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor and GitOps endpoints of a server whose prediction log backend keeps neither monitors nor deployments:
 * 501 NOT_IMPLEMENTED.
 */
class MonitorApiWithoutMonitorStoreTest {
    @TempDir
    static Path directory;

    private static TrackingStore trackingStore;
    private static RegistryStore registryStore;
    private static LoggedModelStore loggedModelStore;
    private static PredictionLogStore predictionLogStore;
    private static SlipwayServer server;
    private static ApiClient client;

    /**
     * A real prediction log that does not offer its monitors (nor sketches, nor deployments), as a backend without
     * them would.
     */
    private record LogWithoutMonitors(PredictionLogStore log) implements PredictionLogStore {
        @Override
        public void appendPredictions(List<LoggedPrediction> predictions) {
            log.appendPredictions(predictions);
        }

        @Override
        public void appendFeedback(List<PredictionFeedback> feedback) {
            log.appendFeedback(feedback);
        }

        @Override
        public Page<JoinedPrediction> searchPredictions(PredictionQuery query, int maxResults, long offset) {
            return log.searchPredictions(query, maxResults, offset);
        }

        @Override
        public long countPredictions(PredictionQuery query) {
            return log.countPredictions(query);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    @BeforeAll
    static void startServer() {
        String backendUri = "sqlite://" + directory.resolve("mlflow.db").toAbsolutePath();
        trackingStore = new JdbcTrackingStoreFactory().open(backendUri);
        registryStore = new JdbcRegistryStoreFactory().open(backendUri);
        loggedModelStore = new JdbcLoggedModelStoreFactory().open(backendUri);
        predictionLogStore = new LogWithoutMonitors(new JdbcPredictionLogStoreFactory().open(backendUri));
        TrackingService tracking = new TrackingService(trackingStore, Clock.systemUTC(), "mlflow-artifacts:/");
        ArtifactRepositories artifacts = new ArtifactRepositories(List.of(new LocalArtifactRepositoryFactory()),
                Optional.of(directory.resolve("mlartifacts").toUri().toString()));
        server = SlipwayServer.start(new ServerOptions("127.0.0.1", 0, tracking,
                new RegistryService(registryStore, Clock.systemUTC()),
                new LoggedModelService(loggedModelStore, tracking, Clock.systemUTC()),
                new PredictionLogService(predictionLogStore, Clock.systemUTC()), artifacts, true, List.of(),
                TestServer.MAX_REQUEST_BYTES, TestServer.VERSION));
        client = new ApiClient(server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
        predictionLogStore.close();
        loggedModelStore.close();
        registryStore.close();
        trackingStore.close();
    }

    @Test
    void everyMonitorRouteAnswersNotImplemented() {
        List<Response> responses = List.of(
                client.post("/api/2.0/slipway/monitors/create", "{\"monitor\": {\"name\": \"m\", "
                        + "\"model\": \"models:/churn/1\"}}"),
                client.get("/api/2.0/slipway/monitors/get?name=m"),
                client.get("/ajax-api/2.0/slipway/monitors/list"),
                client.post("/api/2.0/slipway/monitors/delete", "{\"name\": \"m\"}"),
                client.post("/api/2.0/slipway/monitors/results/create", "{}"),
                client.get("/api/2.0/slipway/monitors/results/list?name=m"),
                client.post("/api/2.0/slipway/monitors/actions/create", "{}"),
                client.get("/api/2.0/slipway/monitors/actions/list"));

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).as(response.body()).isEqualTo(501);
            assertThat(response.errorCode()).isEqualTo("NOT_IMPLEMENTED");
            assertThat(response.message()).contains("monitors");
        });
    }

    @Test
    void everyGitopsRouteAnswersNotImplemented() {
        List<Response> responses = List.of(
                client.post("/api/2.0/slipway/gitops/deployments/report", "{\"env\": \"prod\", \"name\": \"churn\", "
                        + "\"model\": \"models:/churn/1\", \"sync\": \"Synced\", \"health\": \"Healthy\", "
                        + "\"agent\": \"a\"}"),
                client.get("/api/2.0/slipway/gitops/deployments/list"),
                client.get("/ajax-api/2.0/slipway/gitops/deployments/get?env=prod&name=churn"),
                client.post("/api/2.0/slipway/gitops/deployments/delete", "{\"env\": \"prod\", \"name\": \"churn\"}"),
                client.post("/api/2.0/slipway/gitops/events/create", "{}"),
                client.get("/api/2.0/slipway/gitops/events/list?env=prod"));

        assertThat(responses).allSatisfy(response -> {
            assertThat(response.status()).as(response.body()).isEqualTo(501);
            assertThat(response.errorCode()).isEqualTo("NOT_IMPLEMENTED");
            assertThat(response.message()).contains("deployments");
        });
    }

    @Test
    void metricsHaveNoMonitorSeries() {
        Response scrape = client.get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("slipway_http_requests_total").doesNotContain("slipway_monitor_");
    }
}
