package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.client.PredictionLogClient;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionQuery;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction log sending to a real tracking server on an ephemeral port (or to a port nobody listens on). */
class TrackingPredictionLogTest {
    private static final long T0 = 1_767_225_600_000L;

    @TempDir
    static Path directory;

    private static RegistryFixture fixture;
    private static PredictionLogClient predictions;

    @BeforeAll
    static void startServer() {
        fixture = RegistryFixture.start(directory);
        predictions = fixture.client.predictions();
    }

    @AfterAll
    static void stopServer() {
        fixture.close();
    }

    @Test
    void recordedRowsArriveInTheStoreInBatches() {
        PredictionLogOptions options = PredictionLogOptions.defaults().withBatchSize(100);
        TrackingPredictionLog log = TrackingPredictionLog.start(predictions, options);
        for (int request = 0; request < 50; request++) {
            int id = request;
            log.record(IntStream.range(0, 20).mapToObj(row -> row("batches", "req-" + id, row, "stable")).toList());
        }
        log.close();

        assertThat(log.storedRows()).isEqualTo(1000);
        assertThat(log.droppedRows()).isZero();
        assertThat(log.queueDepth()).isZero();
        assertThat(log.sentBatches()).isBetween(10L, 200L);
        assertThat(predictions.count(PredictionQuery.of("batches"))).isEqualTo(1000);
        LoggedPrediction stored = predictions.search(PredictionQuery.of("batches"), Optional.of(1), Optional.empty())
                .items().get(0).prediction();
        assertThat(stored).isEqualTo(new LoggedPrediction("req-0", 0, T0, "batches", "7", "stable",
                "{\"x1\":0.5,\"color\":\"red\"}", "{\"label\":\"c1\",\"probability_c1\":0.75}", 1.25));
    }

    @Test
    void fullQueueKeepsOneInKOfTheOverflowAndCountsEveryDroppedRow() {
        PredictionLogOptions options = new PredictionLogOptions(10, 100, Duration.ofMillis(10), 4, 3,
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(30));
        TrackingPredictionLog log = new TrackingPredictionLog(predictions, options);

        log.record(IntStream.range(0, 50).mapToObj(index -> row("sampled", "s" + index, 0, "stable")).toList());

        assertThat(log.queueDepth()).isEqualTo(10);
        assertThat(log.droppedRows()).isEqualTo(40);
        log.startSending();
        log.close();
        assertThat(log.storedRows()).isEqualTo(10);
        assertThat(requestIds("sampled")).containsExactly("s13", "s17", "s21", "s25", "s29", "s33", "s37", "s41",
                "s45", "s49");
    }

    @Test
    void unreachableServerNeverBlocksRecordingAndEveryRowEndsCounted() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        TrackingClient deadClient = TrackingClient.create("http://127.0.0.1:" + deadPort, RetryPolicy.none());
        PredictionLogOptions options = new PredictionLogOptions(50, 10, Duration.ofMillis(1), 5, 2,
                Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(300));
        TrackingPredictionLog log = TrackingPredictionLog.start(deadClient.predictions(), options);

        for (int request = 0; request < 100; request++) {
            int id = request;
            log.record(IntStream.range(0, 5).mapToObj(row -> row("dead", "d" + id, row, "stable")).toList());
        }
        assertThat(log.queueDepth()).isLessThanOrEqualTo(50);
        log.close();

        assertThat(log.storedRows()).isZero();
        assertThat(log.droppedRows()).isEqualTo(500);
        assertThat(log.queueDepth()).isZero();
        log.record(List.of(row("dead", "after-close", 0, "stable")));
        assertThat(log.droppedRows()).isEqualTo(501);
    }

    @Test
    void feedbackJoinsItsPredictionInSearchResults() {
        TrackingPredictionLog log = TrackingPredictionLog.start(predictions, PredictionLogOptions.defaults());
        log.record(List.of(row("joined", "fb-1", 0, "stable"), row("joined", "fb-1", 1, "stable"),
                row("joined", "fb-1", 1, "shadow")));
        log.feedback(List.of(new PredictionFeedback("fb-1", 1, "\"c0\"", T0 + 60_000)));
        log.close();

        List<JoinedPrediction> found = predictions.search(PredictionQuery.of("joined"), Optional.empty(),
                Optional.empty()).items();
        assertThat(found).extracting(joined -> joined.prediction().rowIndex(), joined -> joined.prediction().variant(),
                JoinedPrediction::feedback).containsExactly(
                        tuple(0, "stable", Optional.empty()),
                        tuple(1, "stable", Optional.of(new PredictionFeedback("fb-1", 1, "\"c0\"", T0 + 60_000))),
                        tuple(1, "shadow",
                                Optional.of(new PredictionFeedback("fb-1", 1, "\"c0\"", T0 + 60_000))));
    }

    @Test
    void rowsTheServerRefusesAreIsolatedAndDroppedWhileTheRestAreStored() {
        TrackingPredictionLog log = new TrackingPredictionLog(predictions, PredictionLogOptions.defaults());
        List<LoggedPrediction> rows = new ArrayList<>();
        for (int index = 0; index < 8; index++) {
            rows.add(row("refused", "f" + index, 0, index == 5 ? "v".repeat(40) : "stable"));
        }
        rows.set(2, new LoggedPrediction("f2", 0, T0, "refused", "7", "stable", "{not json", "{}", 1));
        log.record(rows);
        log.startSending();
        log.close();

        assertThat(log.storedRows()).isEqualTo(6);
        assertThat(log.droppedRows()).isEqualTo(2);
        assertThat(requestIds("refused")).containsExactly("f0", "f1", "f3", "f4", "f6", "f7");
    }

    private static List<String> requestIds(String model) {
        return predictions.search(PredictionQuery.of(model), Optional.empty(), Optional.empty()).items().stream()
                .map(joined -> joined.prediction().requestId()).toList();
    }

    private static LoggedPrediction row(String model, String requestId, int rowIndex, String variant) {
        return new LoggedPrediction(requestId, rowIndex, T0, model, "7", variant, "{\"x1\":0.5,\"color\":\"red\"}",
                "{\"label\":\"c1\",\"probability_c1\":0.75}", 1.25);
    }
}
