package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.auth.Permission;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose default permission is NO_PERMISSIONS: users see only what they created or were given, and paging
 * through a filtered search visits every readable item once.
 */
class DefaultNoPermissionsTest {
    private static final String API = "/api/2.0/mlflow/";

    @TempDir
    Path directory;

    private AuthServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aUserSeesNothingItWasNotGiven() {
        server = AuthServer.start(directory, Permission.NO_PERMISSIONS);
        server.createUser("owner");
        server.createUser("newcomer");
        String experimentId = AuthServer.ok(server.as("owner").post(API + "experiments/create",
                "{\"name\": \"private\"}")).json().get("experiment_id").asText();
        AuthServer.ok(server.as("owner").post(API + "registered-models/create", "{\"name\": \"private-model\"}"));

        AuthServer.Caller newcomer = server.as("newcomer");
        assertThat(AuthServer.ok(newcomer.post(API + "experiments/search", "{}")).json().path("experiments").size())
                .isZero();
        assertThat(AuthServer.ok(newcomer.get(API + "registered-models/search")).json().path("registered_models")
                .size()).isZero();
        assertThat(newcomer.get(API + "experiments/get?experiment_id=" + experimentId).status()).isEqualTo(403);
        assertThat(newcomer.post(API + "runs/create", "{\"experiment_id\": \"" + experimentId + "\"}").status())
                .isEqualTo(403);
        // the default experiment too is closed to users nobody gave it
        assertThat(newcomer.post(API + "runs/create", "{}").status()).isEqualTo(403);

        AuthServer.ok(server.as("owner").post(API + "experiments/permissions/create", "{\"experiment_id\": \""
                + experimentId + "\", \"username\": \"newcomer\", \"permission\": \"READ\"}"));
        JsonNode visible = AuthServer.ok(newcomer.post(API + "experiments/search", "{}")).json();
        assertThat(visible.path("experiments").findValuesAsText("experiment_id")).containsExactly(experimentId);
    }

    @Test
    void pagingThroughAFilteredSearchVisitsEveryReadableItemOnce() {
        server = AuthServer.start(directory, Permission.NO_PERMISSIONS);
        server.createUser("owner");
        server.createUser("reader");
        AuthServer.Caller owner = server.as("owner");
        List<String> readable = new ArrayList<>();
        for (int index = 0; index < 11; index++) {
            String id = AuthServer.ok(owner.post(API + "experiments/create", "{\"name\": \"e" + index + "\"}"))
                    .json().get("experiment_id").asText();
            AuthServer.ok(owner.post(API + "registered-models/create", "{\"name\": \"m" + index + "\"}"));
            if (index % 3 == 0) {
                readable.add(id);
                AuthServer.ok(owner.post(API + "experiments/permissions/create", "{\"experiment_id\": \"" + id
                        + "\", \"username\": \"reader\", \"permission\": \"READ\"}"));
                AuthServer.ok(owner.post(API + "registered-models/permissions/create", "{\"name\": \"m" + index
                        + "\", \"username\": \"reader\", \"permission\": \"EDIT\"}"));
            }
        }

        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            String body = "{\"max_results\": 2, \"order_by\": [\"experiment_id ASC\"]"
                    + token.map(value -> ", \"page_token\": \"" + value + "\"").orElse("") + "}";
            JsonNode page = AuthServer.ok(server.as("reader").post(API + "experiments/search", body)).json();
            page.path("experiments").forEach(experiment -> seen.add(experiment.path("experiment_id").asText()));
            assertThat(page.path("experiments").size()).isLessThanOrEqualTo(2);
            token = Optional.ofNullable(page.get("next_page_token")).map(JsonNode::asText);
            pages++;
        } while (token.isPresent() && pages < 20);
        assertThat(seen).containsExactlyElementsOf(readable);

        List<String> models = new ArrayList<>();
        token = Optional.empty();
        do {
            JsonNode page = AuthServer.ok(server.as("reader").get(API + "registered-models/search?max_results=1"
                    + token.map(value -> "&page_token=" + value).orElse(""))).json();
            page.path("registered_models").forEach(model -> models.add(model.path("name").asText()));
            token = Optional.ofNullable(page.get("next_page_token")).map(JsonNode::asText);
        } while (token.isPresent());
        assertThat(models).containsExactlyInAnyOrder("m0", "m3", "m6", "m9");
    }
}
