package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.predictions.JoinedPrediction;
import dev.slipway.core.predictions.LoggedPrediction;
import dev.slipway.core.predictions.PredictionFeedback;
import dev.slipway.core.predictions.PredictionLogService;
import dev.slipway.core.predictions.PredictionLogService.NewFeedback;
import dev.slipway.core.predictions.PredictionLogStore;
import dev.slipway.core.predictions.PredictionQuery;
import dev.slipway.core.tracking.Page;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link PredictionLogStore} over JDBC, exercised through {@link PredictionLogService} so that
 * the rules and the store are tested together. Subclasses supply the database. The tests share one database and
 * keep apart by using their own model names and request ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPredictionLogStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final long T0 = 1_767_225_600_000L;

    private final SteppingClock clock = new SteppingClock();
    private PredictionLogStore store;
    private PredictionLogService log;

    /** The URI of a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract String emptyDatabaseUri();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openStore() {
        connectToServer();
        store = new JdbcPredictionLogStoreFactory().open(emptyDatabaseUri());
        log = new PredictionLogService(store, clock);
    }

    @AfterAll
    void closeStore() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            removeDatabases();
        }
    }

    @Test
    void appendedPredictionsComeBackOldestFirstWithEveryField() {
        String model = newModel();
        LoggedPrediction later = prediction(model, "r-2", 0, T0 + 5, "1", "stable");
        LoggedPrediction first = new LoggedPrediction("r-1", 0, T0, model, "1", "stable",
                "{\"city\":\"Zürich\",\"age\":41}", "{\"label\":\"yes\",\"probability_yes\":0.93}", 0.125);
        LoggedPrediction second = new LoggedPrediction("r-1", 1, T0, model, "1", "stable", "{\"city\":\"東京\"}",
                "{\"label\":\"no\"}", 0.125);

        log.logPredictions(List.of(later, first, second));

        Page<JoinedPrediction> page = search(PredictionQuery.of(model), 10);
        assertThat(page.items()).extracting(JoinedPrediction::prediction).containsExactly(first, second, later);
        assertThat(page.items()).allSatisfy(joined -> assertThat(joined.feedback()).isEmpty());
        assertThat(page.nextPageToken()).isEmpty();
        assertThat(log.countPredictions(PredictionQuery.of(model))).isEqualTo(3);
    }

    @Test
    void searchSelectsByVersionVariantAndHalfOpenTimeRange() {
        String model = newModel();
        log.logPredictions(List.of(prediction(model, "a", 0, T0, "1", "stable"),
                prediction(model, "b", 0, T0 + 10, "1", "stable"), prediction(model, "b", 0, T0 + 10, "2", "shadow"),
                prediction(model, "c", 0, T0 + 20, "2", "canary"), prediction(newModel(), "d", 0, T0 + 10, "1",
                        "stable")));

        assertThat(requestIds(new PredictionQuery(model, Optional.of("1"), Optional.empty(), Optional.empty(),
                Optional.empty()))).containsExactly("a", "b");
        assertThat(requestIds(new PredictionQuery(model, Optional.empty(), Optional.of("shadow"), Optional.empty(),
                Optional.empty()))).containsExactly("b");
        assertThat(requestIds(new PredictionQuery(model, Optional.empty(), Optional.empty(), Optional.of(T0 + 10),
                Optional.of(T0 + 20)))).containsExactly("b", "b");
        assertThat(log.countPredictions(new PredictionQuery(model, Optional.of("2"), Optional.empty(),
                Optional.of(T0 + 10), Optional.empty()))).isEqualTo(2);
        assertThat(log.countPredictions(PredictionQuery.of("no-such-model"))).isZero();
    }

    @Test
    void feedbackJoinsWithItsPredictionWhetherItArrivesBeforeOrAfter() {
        String model = newModel();
        String early = "early-" + model;
        String late = "late-" + model;
        log.logFeedback(List.of(new NewFeedback(early, 1, "\"yes\"", Optional.of(T0 + 1))));
        log.logPredictions(List.of(prediction(model, early, 0, T0, "1", "stable"),
                prediction(model, early, 1, T0, "1", "stable"), prediction(model, late, 0, T0 + 2, "1", "stable"),
                prediction(model, late, 0, T0 + 2, "2", "shadow")));
        log.logFeedback(List.of(new NewFeedback(late, 0, "3.5", Optional.of(T0 + 9))));

        assertThat(search(PredictionQuery.of(model), 10).items())
                .extracting(joined -> joined.prediction().requestId(), joined -> joined.prediction().rowIndex(),
                        joined -> joined.prediction().variant(), JoinedPrediction::feedback)
                .containsExactly(tuple(early, 0, "stable", Optional.empty()),
                        tuple(early, 1, "stable", Optional.of(new PredictionFeedback(early, 1, "\"yes\"", T0 + 1))),
                        tuple(late, 0, "stable", Optional.of(new PredictionFeedback(late, 0, "3.5", T0 + 9))),
                        tuple(late, 0, "shadow", Optional.of(new PredictionFeedback(late, 0, "3.5", T0 + 9))));
    }

    @Test
    void laterFeedbackReplacesEarlierAndTheLastInABatchWins() {
        String model = newModel();
        log.logPredictions(List.of(prediction(model, "q-" + model, 0, T0, "1", "stable")));
        log.logFeedback(List.of(new NewFeedback("q-" + model, 0, "1", Optional.of(T0))));
        long before = clock.millis();
        log.logFeedback(List.of(new NewFeedback("q-" + model, 0, "2", Optional.of(T0 + 1)),
                new NewFeedback("q-" + model, 0, "3", Optional.empty())));

        PredictionFeedback feedback = search(PredictionQuery.of(model), 10).items().get(0).feedback().orElseThrow();
        assertThat(feedback.actualJson()).isEqualTo("3");
        assertThat(feedback.timestamp()).isGreaterThan(before);
    }

    @Test
    void pagesWalkEveryRowOnceInOrder() {
        String model = newModel();
        List<LoggedPrediction> batch = new ArrayList<>();
        for (int index = 0; index < 2500; index++) {
            batch.add(prediction(model, "p" + index, 0, T0 + index / 7, "1", "stable"));
        }
        log.logPredictions(batch);

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            Page<JoinedPrediction> page = log.searchPredictions(PredictionQuery.of(model), Optional.of(1000L), token);
            page.items().forEach(joined -> seen.add(joined.prediction().requestId()));
            token = page.nextPageToken();
            pages++;
        } while (token.isPresent());

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(2500).containsExactlyElementsOf(batch.stream().map(LoggedPrediction::requestId)
                .toList());
        Set<String> distinct = new HashSet<>(seen);
        assertThat(distinct).hasSize(2500);
        assertThat(log.countPredictions(PredictionQuery.of(model))).isEqualTo(2500);
    }

    @Test
    void badRowsAreRefusedWithTheirFieldAndNothingOfTheBatchIsStored() {
        String model = newModel();
        LoggedPrediction good = prediction(model, "g", 0, T0, "1", "stable");
        assertInvalid(() -> log.logPredictions(List.of(good, prediction(model, "", 0, T0, "1", "stable"))),
                "predictions[1].request_id");
        assertInvalid(() -> log.logPredictions(List.of(good, new LoggedPrediction("x", 0, T0, model, "1", "stable",
                "{}", "{}", -1))), "predictions[1].latency_ms");
        assertInvalid(() -> log.logPredictions(List.of(new LoggedPrediction("x", 0, T0, model, "1", "stable",
                "{\"a\":\"" + "x".repeat(PredictionLogService.MAX_JSON_LENGTH) + "\"}", "{}", 1))),
                "predictions[0].inputs");
        assertInvalid(() -> log.logPredictions(List.of(prediction(model, "x", 0, T0, "1", "v".repeat(33)))),
                "predictions[0].variant");
        List<LoggedPrediction> tooMany = new ArrayList<>();
        for (int index = 0; index <= PredictionLogService.MAX_BATCH_ROWS; index++) {
            tooMany.add(good);
        }
        assertInvalid(() -> log.logPredictions(tooMany), "at most 5000");
        assertInvalid(() -> log.logFeedback(List.of(new NewFeedback("x", -1, "1", Optional.empty()))),
                "feedback[0].row_index");
        assertInvalid(() -> log.searchPredictions(PredictionQuery.of(model), Optional.of(0L), Optional.empty()),
                "max_results");
        assertInvalid(() -> log.searchPredictions(new PredictionQuery(model, Optional.empty(), Optional.empty(),
                Optional.of(T0 + 1), Optional.of(T0)), Optional.empty(), Optional.empty()), "start_time");
        assertInvalid(() -> log.searchPredictions(PredictionQuery.of(model), Optional.empty(), Optional.of("%%")),
                "page token");
        assertThat(log.countPredictions(PredictionQuery.of(model))).isZero();
    }

    private static void assertInvalid(Runnable action, String messagePart) {
        assertThatThrownBy(action::run).isInstanceOf(SlipwayException.class).hasMessageContaining(messagePart)
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    private List<String> requestIds(PredictionQuery query) {
        return search(query, 100).items().stream().map(joined -> joined.prediction().requestId()).toList();
    }

    private Page<JoinedPrediction> search(PredictionQuery query, long maxResults) {
        return log.searchPredictions(query, Optional.of(maxResults), Optional.empty());
    }

    private static LoggedPrediction prediction(String model, String requestId, int row, long time, String version,
            String variant) {
        return new LoggedPrediction(requestId, row, time, model, version, variant, "{\"x\":" + row + "}",
                "{\"prediction\":1.5}", 2.0);
    }

    private static String newModel() {
        return "model-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    }
}
