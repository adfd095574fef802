package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.audit.AuditCursor;
import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.audit.AuditStore;
import dev.slipway.core.predictions.PredictionLogStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour of {@link AuditStore} over JDBC: append, the filters, newest-first keyset paging, and the database
 * refusing UPDATE and DELETE of the table. Subclasses supply the database; two stores are opened on it, as two server
 * replicas would. Tests keep apart by user name.
 */
abstract class AbstractAuditStoreTest extends TwoStoresOnOneDatabase<AuditStore> {
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final long T0 = 1_767_225_600_000L;

    AbstractAuditStoreTest() {
        super(PredictionLogStore::auditStore);
    }

    @Test
    void appendedEntriesRoundTripEveryField() {
        String user = newUser();
        AuditEntry full = new AuditEntry(0, T0, user, "10.0.0.7", Optional.of("203.0.113.9, 10.0.0.1"), "POST",
                "/api/2.0/mlflow/model-versions/transition-stage", "model-versions/transition-stage",
                Optional.of("model_version"), Optional.of("churn é€😀/3"), 200,
                Optional.of("{\"current_stage\":\"Staging\"}"), Optional.of("{\"current_stage\":\"Production\"}"),
                "{\"archive_existing_versions\":true}");
        AuditEntry bare = new AuditEntry(0, T0 + 1, user, "::1", Optional.empty(), "PUT",
                "/api/2.0/mlflow-artifacts/artifacts/<path>", "artifacts/upload", Optional.empty(), Optional.empty(),
                403, Optional.empty(), Optional.empty(), "{}");
        store.append(List.of(full, bare));

        List<AuditEntry> found = otherStore.query(byUser(user), Optional.empty(), 10);

        assertThat(found).hasSize(2);
        assertThat(found.get(0).id()).isGreaterThan(found.get(1).id()).isPositive();
        assertThat(found.get(0)).isEqualTo(bare.withId(found.get(0).id()));
        assertThat(found.get(1)).isEqualTo(full.withId(found.get(1).id()));
        assertThat(found.get(0).refused()).isTrue();
    }

    @Test
    void longValuesUpToTheLimitsAreKept() {
        String prefix = newUser() + "-";
        String user = prefix + "u".repeat(AuditEntry.MAX_USER_LENGTH - prefix.length());
        String json = "{\"v\":\"" + "é".repeat(AuditEntry.MAX_JSON_LENGTH - 8) + "\"}";
        AuditEntry entry = new AuditEntry(0, T0, user, "a".repeat(AuditEntry.MAX_ADDRESS_LENGTH),
                Optional.of("f".repeat(AuditEntry.MAX_FORWARDED_FOR_LENGTH)), "DELETE",
                "/".repeat(AuditEntry.MAX_ROUTE_LENGTH), "x".repeat(AuditEntry.MAX_ACTION_LENGTH),
                Optional.of("t".repeat(AuditEntry.MAX_RESOURCE_TYPE_LENGTH)),
                Optional.of("€".repeat(AuditEntry.MAX_RESOURCE_ID_LENGTH)), 204, Optional.of(json), Optional.of(json),
                json);
        store.append(List.of(entry));

        List<AuditEntry> found = store.query(byUser(user), Optional.empty(), 10);

        assertThat(found).singleElement().isEqualTo(entry.withId(found.get(0).id()));
    }

    @Test
    void entriesAreListedNewestFirstByTimeThenId() {
        String user = newUser();
        store.append(List.of(entry(user, T0 + 5, "a"), entry(user, T0 + 9, "b")));
        otherStore.append(List.of(entry(user, T0 + 5, "c")));
        store.append(List.of(entry(user, T0 + 1, "d")));

        assertThat(store.query(byUser(user), Optional.empty(), 10)).extracting(AuditEntry::action)
                .containsExactly("b", "c", "a", "d");
    }

    @Test
    void filtersMatchUserActionResourceTypeAndTimeRange() {
        String user = newUser();
        String other = newUser();
        store.append(List.of(
                entry(user, T0, "experiments/create", "experiment", "17"),
                entry(user, T0 + 10, "runs/log-batch", "run", "abc"),
                entry(user, T0 + 20, "runs/log-batch", "run", "def"),
                entry(other, T0 + 30, "runs/log-batch", "run", "abc")));

        assertThat(store.query(byUser(user), Optional.empty(), 10)).hasSize(3);
        assertThat(labels(new AuditQuery(Optional.of(user), Optional.of("runs/log-batch"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()))).containsExactly("def", "abc");
        assertThat(labels(new AuditQuery(Optional.empty(), Optional.empty(), Optional.of("run"), Optional.of("abc"),
                Optional.empty(), Optional.empty()))).containsExactly("abc", "abc");
        assertThat(labels(new AuditQuery(Optional.of(user), Optional.empty(), Optional.of("experiment"),
                Optional.empty(), Optional.empty(), Optional.empty()))).containsExactly("17");
        // start inclusive, end exclusive
        assertThat(labels(new AuditQuery(Optional.of(user), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(T0 + 10), Optional.of(T0 + 20)))).containsExactly("abc");
        assertThat(labels(new AuditQuery(Optional.of(user), Optional.of("runs/delete"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()))).isEmpty();
    }

    @Test
    void aResourceIdMatchesItselfAndTheResourcesNestedUnderIt() {
        String user = newUser();
        store.append(List.of(
                entry(user, T0, "registered-models/create", "registered_model", "churn"),
                entry(user, T0 + 1, "model-versions/create", "model_version", "churn/3"),
                entry(user, T0 + 2, "registered-models/alias/set", "model_alias", "churn@champion"),
                entry(user, T0 + 3, "registered-models/create", "registered_model", "churn2"),
                entry(user, T0 + 4, "registered-models/create", "registered_model", "churn-b"),
                entry(user, T0 + 5, "model-versions/create", "model_version", "chur/1"),
                entry(user, T0 + 6, "registered-models/create", "registered_model", "churn0"),
                entry(user, T0 + 7, "registered-models/create", "registered_model", "churnA")));

        assertThat(labels(new AuditQuery(Optional.of(user), Optional.empty(), Optional.empty(), Optional.of("churn"),
                Optional.empty(), Optional.empty()))).containsExactly("churn@champion", "churn/3", "churn");
        assertThat(labels(new AuditQuery(Optional.of(user), Optional.empty(), Optional.empty(),
                Optional.of("churn/3"), Optional.empty(), Optional.empty()))).containsExactly("churn/3");
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeatsWhileEntriesAreAppended() {
        String user = newUser();
        List<AuditEntry> batch = new ArrayList<>();
        for (int index = 0; index < 25; index++) {
            // several entries share each time, so that the cursor's id breaks the ties
            batch.add(entry(user, T0 + index / 3, "action-" + index));
        }
        store.append(batch);

        List<String> seen = new ArrayList<>();
        Optional<AuditCursor> cursor = Optional.empty();
        for (int page = 0; page < 10; page++) {
            List<AuditEntry> entries = store.query(byUser(user), cursor, 4);
            entries.forEach(entry -> seen.add(entry.action()));
            if (entries.size() < 4) {
                break;
            }
            cursor = Optional.of(AuditCursor.after(entries.get(entries.size() - 1)));
            // a newer entry appended meanwhile does not move the pages still to read
            otherStore.append(List.of(entry(user, T0 + 100 + page, "late-" + page)));
        }

        List<String> expected = new ArrayList<>();
        for (int index = 24; index >= 0; index--) {
            expected.add("action-" + index);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void anEmptyAppendDoesNothing() {
        String user = newUser();
        store.append(List.of());
        assertThat(store.query(byUser(user), Optional.empty(), 10)).isEmpty();
    }

    @Test
    void theDatabaseRefusesToUpdateOrDeleteEntries() throws SQLException {
        String user = newUser();
        store.append(List.of(entry(user, T0, "experiments/create")));

        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit_log SET user_name = 'someone-else' "
                    + "WHERE user_name = '" + user + "'")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit_log WHERE user_name = '" + user + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }

        assertThat(store.query(byUser(user), Optional.empty(), 10)).singleElement()
                .satisfies(entry -> assertThat(entry.user()).isEqualTo(user));
    }

    private Connection connect() throws SQLException {
        BackendUri backend = BackendUri.parse(uri());
        Properties properties = new Properties();
        backend.user().ifPresent(user -> properties.setProperty("user", user));
        backend.password().ifPresent(password -> properties.setProperty("password", password));
        Connection connection = DriverManager.getConnection(backend.jdbcUrl(), properties);
        connection.setAutoCommit(true);
        return connection;
    }

    /** The resource id of each entry found, or its action when it has none. */
    private List<String> labels(AuditQuery query) {
        return store.query(query, Optional.empty(), 100).stream()
                .map(entry -> entry.resourceId().orElse(entry.action())).toList();
    }

    private static AuditQuery byUser(String user) {
        return new AuditQuery(Optional.of(user), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static AuditEntry entry(String user, long time, String action) {
        return new AuditEntry(0, time, user, "127.0.0.1", Optional.empty(), "POST", "/api/2.0/mlflow/" + action,
                action, Optional.empty(), Optional.empty(), 200, Optional.empty(), Optional.empty(), "{}");
    }

    private static AuditEntry entry(String user, long time, String action, String resourceType, String resourceId) {
        return new AuditEntry(0, time, user, "127.0.0.1", Optional.empty(), "POST", "/api/2.0/mlflow/" + action,
                action, Optional.of(resourceType), Optional.of(resourceId), 200, Optional.empty(), Optional.empty(),
                "{}");
    }

    private static String newUser() {
        return "user-" + USERS.incrementAndGet();
    }
}
