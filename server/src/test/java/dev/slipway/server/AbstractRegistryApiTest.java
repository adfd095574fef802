package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MLflow's model registry API end to end: a real server on an ephemeral port over a real database, with the
 * behaviours MLflow's own tests check (items 10, 29, 30, 36, 37, 40, 41, 42 of the spec), the lifecycle rules and
 * every model-version-source attack. Subclasses choose the database; tests keep apart by unique model names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRegistryApiTest {
    private static final String API = "/api/2.0/mlflow/";
    private static final String AJAX = "/ajax-api/2.0/mlflow/";
    private static final String INVALID_PATH =
            "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid path\"}";
    private static final String LOCAL_SOURCE_MESSAGE = "To use a local path as a model version source, the run_id "
            + "request parameter has to be specified and the local path has to be contained within the artifact "
            + "directory of the run specified by the run_id.";
    private static final String RELATIVE_SOURCE_MESSAGE = "If supplying a source as an http, https, local file path, "
            + "ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path "
            + "references present.";
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path directory;

    private TestServer server;
    private ApiClient client;
    private String experimentId;
    private String localExperimentId;
    private Path localLocation;

    /** Starts the server under test in the folder, on the database of the subclass. */
    protected abstract TestServer startServer(Path folder);

    /** Removes what {@link #startServer} created besides the folder. */
    protected void cleanUp() {}

    @BeforeAll
    void start() {
        server = startServer(directory);
        client = server.client;
        experimentId = server.createExperiment("registry");
        localLocation = directory.resolve("local-artifacts");
        localExperimentId = TestServer.expectOk(post("experiments/create", Map.of("name", "registry-local",
                "artifact_location", localLocation.toUri().toString()))).json().get("experiment_id").asText();
    }

    @AfterAll
    void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            cleanUp();
        }
    }

    // ---- registered models ---------------------------------------------------------------------

    @Test
    void registeredModelRoundTripHasMlflowsJsonShape() {
        String name = uniqueName("shape");
        JsonNode created = ok(post("registered-models/create", Map.of("name", name, "description", "first",
                "tags", List.of(Map.of("key", "team", "value", "risk"))))).get("registered_model");
        assertThat(created.get("name").asText()).isEqualTo(name);
        assertThat(created.get("creation_timestamp").isIntegralNumber()).isTrue();
        assertThat(created.get("last_updated_timestamp").isIntegralNumber()).isTrue();
        assertThat(created.get("description").asText()).isEqualTo("first");
        assertThat(created.get("tags").toString()).isEqualTo("[{\"key\":\"team\",\"value\":\"risk\"}]");
        assertThat(created.has("latest_versions")).isFalse();
        assertThat(created.has("aliases")).isFalse();

        JsonNode fetched = ok(client.get(AJAX + "registered-models/get?name=" + encode(name))).get("registered_model");
        assertThat(fetched).isEqualTo(created);

        JsonNode updated = ok(patch("registered-models/update", Map.of("name", name, "description", "second")))
                .get("registered_model");
        assertThat(updated.get("description").asText()).isEqualTo("second");
        assertThat(updated.get("last_updated_timestamp").asLong())
                .isGreaterThanOrEqualTo(created.get("last_updated_timestamp").asLong());
        JsonNode cleared = ok(patch("registered-models/update", Map.of("name", name))).get("registered_model");
        assertThat(cleared.has("description")).isFalse();
    }

    @Test
    void duplicateNameIsResourceAlreadyExistsWith400() {
        String name = uniqueName("dup");
        createModel(name);
        Response again = post("registered-models/create", Map.of("name", name));
        assertError(again, 400, "RESOURCE_ALREADY_EXISTS", "Registered Model (name=" + name + ") already exists.");
    }

    @Test
    void missingOrWronglyTypedParametersAreRejectedWithMlflowsWording() {
        assertError(post("registered-models/create", Map.of()), 400, "INVALID_PARAMETER_VALUE",
                "Missing value for required parameter 'name'. See the API docs for more information about request "
                        + "parameters.");
        assertError(client.post(API + "registered-models/create", "{\"name\": 123}"), 400, "INVALID_PARAMETER_VALUE",
                "Invalid value 123 for parameter 'name' supplied");
        assertError(client.get(API + "registered-models/get"), 400, "INVALID_PARAMETER_VALUE",
                "Missing value for required parameter 'name'");
        String name = uniqueName("types");
        createModel(name);
        assertError(client.post(API + "model-versions/create", "{\"name\": \"" + name + "\"}"), 400,
                "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'source'");
        assertError(client.post(API + "model-versions/create", "{\"name\": \"" + name + "\", \"source\": 5}"), 400,
                "INVALID_PARAMETER_VALUE", "Invalid value 5 for parameter 'source' supplied");
        assertError(client.post(API + "model-versions/create", "{\"name\": \"" + name
                + "\", \"source\": \"s3://b/m\", \"tags\": \"x\"}"), 400, "INVALID_PARAMETER_VALUE",
                "Invalid value \"x\" for parameter 'tags' supplied");
        assertError(client.post(API + "model-versions/transition-stage", "{\"name\": \"" + name
                + "\", \"version\": \"1\", \"stage\": \"Staging\", \"archive_existing_versions\": \"maybe\"}"), 400,
                "INVALID_PARAMETER_VALUE", "for parameter 'archive_existing_versions' supplied");
        assertError(client.post(API + "registered-models/create", "{\"name\": \"x\"}", "text/plain"), 400,
                "INVALID_PARAMETER_VALUE", "Bad Request. Content-Type must be one of [application/json]");
    }

    @Test
    void unknownFieldsAreIgnoredAndCharsetAndDoublyEncodedBodiesAccepted() throws Exception {
        String name = uniqueName("lenient");
        ok(client.post(API + "registered-models/create", "{\"name\": \"" + name + "\", \"unknown\": [1]}",
                "application/json; charset=utf-8"));
        String inner = ApiClient.JSON.writeValueAsString(Map.of("name", name, "key", "k", "value", "v"));
        ok(client.post(API + "registered-models/set-tag", ApiClient.JSON.writeValueAsString(inner)));
        ok(client.get(API + "registered-models/get?name=" + encode(name) + "&whatever=1"));
        assertThat(getModel(name).get("tags").get(0).get("value").asText()).isEqualTo("v");
    }

    @Test
    void everyEndpointIsServedUnderBothPrefixesWithItsMethods() {
        String name = uniqueName("routes");
        for (String prefix : List.of(API, AJAX)) {
            String model = name + prefix.length();
            ok(client.post(prefix + "registered-models/create", json(Map.of("name", model))));
            ok(client.get(prefix + "registered-models/get?name=" + encode(model)));
            ok(client.get(prefix + "registered-models/search?filter=" + encode("name = '" + model + "'")));
            ok(client.send(request(prefix + "registered-models/update", "PATCH", Map.of("name", model))));
            ok(client.post(prefix + "registered-models/set-tag", json(Map.of("name", model, "key", "k",
                    "value", "v"))));
            ok(client.delete(prefix + "registered-models/delete-tag", json(Map.of("name", model, "key", "k"))));
            ok(client.post(prefix + "model-versions/create", json(Map.of("name", model, "source", "s3://b/m"))));
            ok(client.get(prefix + "model-versions/get?name=" + encode(model) + "&version=1"));
            ok(client.get(prefix + "model-versions/search?filter=" + encode("name = '" + model + "'")));
            ok(client.send(request(prefix + "model-versions/update", "PATCH", Map.of("name", model, "version", "1"))));
            ok(client.post(prefix + "model-versions/transition-stage", json(Map.of("name", model, "version", "1",
                    "stage", "Staging", "archive_existing_versions", false))));
            ok(client.post(prefix + "model-versions/set-tag", json(Map.of("name", model, "version", "1", "key", "k",
                    "value", "v"))));
            ok(client.delete(prefix + "model-versions/delete-tag", json(Map.of("name", model, "version", "1",
                    "key", "k"))));
            ok(client.get(prefix + "model-versions/get-download-uri?name=" + encode(model) + "&version=1"));
            ok(client.post(prefix + "registered-models/get-latest-versions", json(Map.of("name", model))));
            ok(client.get(prefix + "registered-models/get-latest-versions?name=" + encode(model)));
            ok(client.post(prefix + "registered-models/alias", json(Map.of("name", model, "alias", "a",
                    "version", "1"))));
            ok(client.get(prefix + "registered-models/alias?name=" + encode(model) + "&alias=a"));
            ok(client.delete(prefix + "registered-models/alias", json(Map.of("name", model, "alias", "a"))));
            ok(client.post(prefix + "registered-models/rename", json(Map.of("name", model, "new_name",
                    model + "-renamed"))));
            ok(client.delete(prefix + "model-versions/delete", json(Map.of("name", model + "-renamed",
                    "version", "1"))));
            ok(client.delete(prefix + "registered-models/delete", json(Map.of("name", model + "-renamed"))));
        }
        Response wrongMethod = client.get(API + "registered-models/create");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
        assertThat(client.post(API + "registered-models/update", json(Map.of("name", name))).status()).isEqualTo(405);
        assertThat(client.post(API + "registered-models/delete", json(Map.of("name", name))).status()).isEqualTo(405);
        assertThat(client.post(API + "model-versions/get", json(Map.of("name", name))).status()).isEqualTo(405);
    }

    @Test
    void renameKeepsVersionsTagsAndAliases() {
        String name = uniqueName("rename");
        createModel(name);
        createVersion(name, "s3://bucket/one");
        ok(post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "1")));
        ok(post("registered-models/set-tag", Map.of("name", name, "key", "k", "value", "v")));

        JsonNode renamed = ok(post("registered-models/rename", Map.of("name", name, "new_name", name + "-new")))
                .get("registered_model");
        assertThat(renamed.get("name").asText()).isEqualTo(name + "-new");
        assertThat(renamed.get("aliases").toString()).isEqualTo("[{\"alias\":\"champion\",\"version\":\"1\"}]");
        assertThat(renamed.get("latest_versions").get(0).get("name").asText()).isEqualTo(name + "-new");
        assertThat(getVersion(name + "-new", "1").get("source").asText()).isEqualTo("s3://bucket/one");
        assertThat(client.get(API + "registered-models/get?name=" + encode(name)).status()).isEqualTo(404);
    }

    @Test
    void deletingAModelDeletesItsVersionsTagsAndAliases() {
        String name = uniqueName("cascade");
        createModel(name);
        createVersion(name, "s3://bucket/one");
        ok(post("registered-models/alias", Map.of("name", name, "alias", "a", "version", "1")));
        ok(delete("registered-models/delete", Map.of("name", name)));

        assertError(client.get(API + "registered-models/get?name=" + encode(name)), 404, "RESOURCE_DOES_NOT_EXIST",
                "Registered Model with name=" + name + " not found");
        assertThat(client.get(API + "model-versions/get?name=" + encode(name) + "&version=1").status()).isEqualTo(404);
        assertThat(searchVersions("name = '" + name + "'")).isEmpty();
        createModel(name);
        assertThat(getModel(name).has("aliases")).isFalse();
        assertThat(getModel(name).has("tags")).isFalse();
    }

    @Test
    void modelTagsSetOverwriteAndDelete() {
        String name = uniqueName("tags");
        createModel(name);
        ok(post("registered-models/set-tag", Map.of("name", name, "key", "k", "value", "one")));
        ok(post("registered-models/set-tag", Map.of("name", name, "key", "k", "value", "two")));
        ok(post("registered-models/set-tag", Map.of("name", name, "key", "other", "value", "x")));
        assertThat(getModel(name).get("tags").toString())
                .isEqualTo("[{\"key\":\"k\",\"value\":\"two\"},{\"key\":\"other\",\"value\":\"x\"}]");
        ok(delete("registered-models/delete-tag", Map.of("name", name, "key", "k")));
        assertThat(getModel(name).get("tags").toString()).isEqualTo("[{\"key\":\"other\",\"value\":\"x\"}]");
        assertThat(post("registered-models/set-tag", Map.of("name", name, "key", "k", "value", "v".repeat(5001)))
                .status()).isEqualTo(400);
        assertThat(post("registered-models/set-tag", Map.of("name", "no-such-model-x", "key", "k", "value", "v"))
                .status()).isEqualTo(404);
    }

    @Test
    void registeredModelSearchFiltersOrdersAndPages() {
        String prefix = uniqueName("search");
        for (String suffix : List.of("b", "a", "c")) {
            createModel(prefix + "-" + suffix);
        }
        ok(post("registered-models/set-tag", Map.of("name", prefix + "-c", "key", "stage", "value", "prod")));

        assertThat(searchModels("name LIKE '" + prefix + "-%'", "name ASC"))
                .containsExactly(prefix + "-a", prefix + "-b", prefix + "-c");
        assertThat(searchModels("name LIKE '" + prefix + "-%'", "name DESC"))
                .containsExactly(prefix + "-c", prefix + "-b", prefix + "-a");
        assertThat(searchModels("name LIKE '" + prefix + "-%' AND tags.stage = 'prod'", "name ASC"))
                .containsExactly(prefix + "-c");
        assertThat(searchModels("name = '" + prefix + "-a'", "name ASC")).containsExactly(prefix + "-a");

        String filter = encode("name LIKE '" + prefix + "-%'");
        JsonNode first = ok(client.get(API + "registered-models/search?filter=" + filter
                + "&max_results=2&order_by=name+ASC"));
        assertThat(names(first.get("registered_models"))).containsExactly(prefix + "-a", prefix + "-b");
        String token = first.get("next_page_token").asText();
        JsonNode second = ok(client.get(API + "registered-models/search?filter=" + filter
                + "&max_results=2&order_by=name+ASC&page_token=" + encode(token)));
        assertThat(names(second.get("registered_models"))).containsExactly(prefix + "-c");
        assertThat(second.has("next_page_token")).isFalse();

        assertError(client.get(API + "registered-models/search?max_results=1001"), 400, "INVALID_PARAMETER_VALUE",
                "Invalid value 1001 for parameter 'max_results' supplied");
        assertError(client.get(API + "registered-models/search?filter=" + encode("name = 'a' OR name = 'b'")), 400,
                "INVALID_PARAMETER_VALUE", "");
        assertThat(client.get(API + "registered-models/search?page_token=garbage").status()).isEqualTo(400);
    }

    @Test
    void registeredModelSearchReturns100ByDefaultAndATokenOnlyWhenMoreExist() {
        String prefix = uniqueName("many");
        for (int index = 0; index < 101; index++) {
            createModel(String.format("%s-%03d", prefix, index));
        }
        String filter = encode("name LIKE '" + prefix + "-%'");
        JsonNode first = ok(client.get(API + "registered-models/search?filter=" + filter));
        assertThat(first.get("registered_models")).hasSize(100);
        JsonNode second = ok(client.get(API + "registered-models/search?filter=" + filter + "&page_token="
                + encode(first.get("next_page_token").asText())));
        assertThat(second.get("registered_models")).hasSize(1);
        assertThat(second.has("next_page_token")).isFalse();
        JsonNode exact = ok(client.get(API + "registered-models/search?filter=" + filter + "&max_results=101"));
        assertThat(exact.get("registered_models")).hasSize(101);
        assertThat(exact.has("next_page_token")).isFalse();
    }

    // ---- model versions ------------------------------------------------------------------------

    @Test
    void modelVersionRoundTripHasMlflowsJsonShape() {
        String name = uniqueName("version");
        createModel(name);
        String runId = server.createRunId(experimentId);
        JsonNode version = ok(post("model-versions/create", Map.of("name", name, "source", "runs:/" + runId + "/model",
                "run_id", runId, "run_link", "http://link", "description", "d",
                "tags", List.of(Map.of("key", "k", "value", "v"))))).get("model_version");
        assertThat(version.get("name").asText()).isEqualTo(name);
        assertThat(version.get("version").isTextual()).isTrue();
        assertThat(version.get("version").asText()).isEqualTo("1");
        assertThat(version.get("creation_timestamp").isIntegralNumber()).isTrue();
        assertThat(version.get("last_updated_timestamp").isIntegralNumber()).isTrue();
        assertThat(version.get("current_stage").asText()).isEqualTo("None");
        assertThat(version.get("status").asText()).isEqualTo("READY");
        assertThat(version.get("source").asText()).isEqualTo("runs:/" + runId + "/model");
        assertThat(version.get("run_id").asText()).isEqualTo(runId);
        assertThat(version.get("run_link").asText()).isEqualTo("http://link");
        assertThat(version.get("description").asText()).isEqualTo("d");
        assertThat(version.get("tags").toString()).isEqualTo("[{\"key\":\"k\",\"value\":\"v\"}]");
        assertThat(version.has("aliases")).isFalse();
        assertThat(version.has("model_id")).isFalse();
        assertThat(getVersion(name, "1")).isEqualTo(version);

        JsonNode bare = createVersion(name, "s3://bucket/model");
        assertThat(bare.get("version").asText()).isEqualTo("2");
        for (String field : List.of("run_id", "run_link", "description", "tags", "user_id", "model_id")) {
            assertThat(bare.has(field)).as(field).isFalse();
        }
        JsonNode updated = ok(patch("model-versions/update", Map.of("name", name, "version", "2",
                "description", "new"))).get("model_version");
        assertThat(updated.get("description").asText()).isEqualTo("new");
        JsonNode model = getModel(name);
        assertThat(model.get("latest_versions")).hasSize(1);
        assertThat(model.get("latest_versions").get(0).get("version").asText()).isEqualTo("2");
    }

    @Test
    void versionFromALoggedModelKeepsItsModelIdAndDownloadsFromTheModelsArtifacts() {
        String name = uniqueName("logged");
        createModel(name);
        JsonNode logged = ok(post("logged-models", Map.of("experiment_id", experimentId))).get("model").get("info");
        String modelId = logged.get("model_id").asText();
        JsonNode version = ok(post("model-versions/create", Map.of("name", name, "source", "models:/" + modelId,
                "model_id", modelId))).get("model_version");
        assertThat(version.get("model_id").asText()).isEqualTo(modelId);
        assertThat(getVersion(name, "1").get("model_id").asText()).isEqualTo(modelId);
        assertThat(downloadUri(name, "1")).isEqualTo(logged.get("artifact_uri").asText());
        JsonNode registrations = ok(client.get(API + "logged-models/" + modelId)).get("model").get("info")
                .get("registrations");
        assertThat(registrations.toString()).contains("\"name\":\"" + name + "\"", "\"version\":\"1\"");

        assertThat(post("model-versions/create", Map.of("name", name, "source", "s3://b/m", "model_id", "a/b"))
                .status()).isEqualTo(400);
        assertError(post("model-versions/create", Map.of("name", name, "source", "s3://b/m", "model_id", "m-missing")),
                404, "RESOURCE_DOES_NOT_EXIST", "m-missing");
        assertThat(searchVersions("name = '" + name + "'")).containsExactly("1");
    }

    @Test
    void versionNumbersAreNeverReusedAndDeletedVersionsAreGone() {
        String name = uniqueName("numbers");
        createModel(name);
        createVersion(name, "s3://b/1");
        createVersion(name, "s3://b/2");
        ok(delete("model-versions/delete", Map.of("name", name, "version", "2")));
        assertError(client.get(API + "model-versions/get?name=" + encode(name) + "&version=2"), 404,
                "RESOURCE_DOES_NOT_EXIST", "Model Version (name=" + name + ", version=2) not found");
        assertThat(createVersion(name, "s3://b/3").get("version").asText()).isEqualTo("3");
        assertThat(searchVersions("name = '" + name + "'")).containsExactly("3", "1");
        assertThat(patch("model-versions/update", Map.of("name", name, "version", "2", "description", "x")).status())
                .isEqualTo(404);
        assertThat(delete("model-versions/delete", Map.of("name", name, "version", "2")).status()).isEqualTo(404);
        assertThat(client.get(API + "model-versions/get?name=" + encode(name) + "&version=x").status()).isEqualTo(400);
        assertThat(post("model-versions/create", Map.of("name", "no-such-model-y", "source", "s3://b/m")).status())
                .isEqualTo(404);
    }

    @Test
    void stagesAreCaseInsensitiveAndUnknownStagesGetMlflowsMessage() {
        String name = uniqueName("stages");
        createModel(name);
        createVersion(name, "s3://b/1");
        for (String spelling : List.of("STAGING", "staging", "StAgInG")) {
            JsonNode moved = ok(post("model-versions/transition-stage", Map.of("name", name, "version", "1",
                    "stage", spelling, "archive_existing_versions", false))).get("model_version");
            assertThat(moved.get("current_stage").asText()).isEqualTo("Staging");
        }
        assertError(post("model-versions/transition-stage", Map.of("name", name, "version", "1", "stage", "unknown",
                "archive_existing_versions", false)), 400, "INVALID_PARAMETER_VALUE",
                "Invalid Model Version stage: unknown. Value must be one of None, Staging, Production, Archived.");
    }

    @Test
    void archivingExistingVersionsArchivesThePreviousHolderOfTheStage() {
        String name = uniqueName("archive");
        createModel(name);
        for (int index = 1; index <= 3; index++) {
            createVersion(name, "s3://b/" + index);
        }
        transition(name, "1", "Production", false);
        transition(name, "2", "Production", false);
        transition(name, "3", "Production", true);
        assertThat(getVersion(name, "1").get("current_stage").asText()).isEqualTo("Archived");
        assertThat(getVersion(name, "2").get("current_stage").asText()).isEqualTo("Archived");
        assertThat(getVersion(name, "3").get("current_stage").asText()).isEqualTo("Production");

        JsonNode latest = ok(post("registered-models/get-latest-versions", Map.of("name", name,
                "stages", List.of("production", "Archived"))));
        assertThat(latest.get("model_versions")).extracting(node -> node.get("version").asText())
                .containsExactly("3", "2");
        JsonNode viaGet = ok(client.get(API + "registered-models/get-latest-versions?name=" + encode(name)
                + "&stages=Archived&stages=Staging"));
        assertThat(viaGet.get("model_versions")).extracting(node -> node.get("version").asText()).containsExactly("2");
        JsonNode everyStage = ok(client.get(API + "registered-models/get-latest-versions?name=" + encode(name)));
        assertThat(everyStage.get("model_versions")).extracting(node -> node.get("current_stage").asText())
                .containsExactlyInAnyOrder("Production", "Archived");
        assertThat(getModel(name).get("latest_versions")).hasSize(2);
    }

    @Test
    void aliasesMoveAreShownOnModelAndVersionAndVanishWithTheVersion() {
        String name = uniqueName("aliases");
        createModel(name);
        createVersion(name, "s3://b/1");
        createVersion(name, "s3://b/2");
        for (String reserved : List.of("latest", "LATEST", "v1", "V12")) {
            assertThat(post("registered-models/alias", Map.of("name", name, "alias", reserved, "version", "1"))
                    .status()).as(reserved).isEqualTo(400);
        }
        ok(post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "1")));
        ok(post("registered-models/alias", Map.of("name", name, "alias", "backup", "version", "1")));
        assertThat(getVersion(name, "1").get("aliases").toString()).isEqualTo("[\"backup\",\"champion\"]");

        ok(post("registered-models/alias", Map.of("name", name, "alias", "champion", "version", "2")));
        JsonNode byAlias = ok(client.get(API + "registered-models/alias?name=" + encode(name) + "&alias=champion"))
                .get("model_version");
        assertThat(byAlias.get("version").asText()).isEqualTo("2");
        assertThat(byAlias.get("aliases").toString()).isEqualTo("[\"champion\"]");
        assertThat(getModel(name).get("aliases").toString()).isEqualTo(
                "[{\"alias\":\"backup\",\"version\":\"1\"},{\"alias\":\"champion\",\"version\":\"2\"}]");

        ok(delete("model-versions/delete", Map.of("name", name, "version", "2")));
        assertThat(client.get(API + "registered-models/alias?name=" + encode(name) + "&alias=champion").status())
                .isEqualTo(404);
        ok(delete("registered-models/alias", Map.of("name", name, "alias", "backup")));
        assertThat(getModel(name).has("aliases")).isFalse();
        assertThat(post("registered-models/alias", Map.of("name", name, "alias", "x", "version", "9")).status())
                .isEqualTo(404);
    }

    @Test
    void versionTagsSetOverwriteAndDelete() {
        String name = uniqueName("vtags");
        createModel(name);
        createVersion(name, "s3://b/1");
        ok(post("model-versions/set-tag", Map.of("name", name, "version", "1", "key", "k", "value", "one")));
        ok(post("model-versions/set-tag", Map.of("name", name, "version", "1", "key", "k", "value", "two")));
        assertThat(getVersion(name, "1").get("tags").toString()).isEqualTo("[{\"key\":\"k\",\"value\":\"two\"}]");
        ok(delete("model-versions/delete-tag", Map.of("name", name, "version", "1", "key", "k")));
        assertThat(getVersion(name, "1").has("tags")).isFalse();
        assertError(post("model-versions/set-tag", Map.of("name", name, "version", "1", "key", "k")), 400,
                "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'");
        assertThat(post("model-versions/set-tag", Map.of("name", name, "version", "7", "key", "k", "value", "v"))
                .status()).isEqualTo(404);
    }

    @Test
    void modelVersionSearchFiltersOrdersAndPages() {
        String name = uniqueName("vsearch");
        createModel(name);
        String runA = server.createRunId(experimentId);
        String runB = server.createRunId(experimentId);
        ok(post("model-versions/create", Map.of("name", name, "source", "s3://b/1", "run_id", runA)));
        ok(post("model-versions/create", Map.of("name", name, "source", "s3://b/2", "run_id", runB)));
        ok(post("model-versions/create", Map.of("name", name, "source", "gs://c/3")));
        ok(post("model-versions/set-tag", Map.of("name", name, "version", "2", "key", "quality", "value", "good")));
        String own = "name = '" + name + "' AND ";

        assertThat(searchVersions(own + "version_number > 1")).containsExactly("3", "2");
        assertThat(searchVersions(own + "tags.quality = 'good'")).containsExactly("2");
        assertThat(searchVersions(own + "run_id IN ('" + runA + "', '" + runB + "')")).containsExactly("2", "1");
        assertThat(searchVersions(own + "source_path LIKE 's3://%'")).containsExactly("2", "1");
        assertThat(searchVersions("name LIKE '" + name.substring(0, name.length() - 1) + "%'"))
                .containsExactly("3", "2", "1");

        String filter = encode("name = '" + name + "'");
        JsonNode first = ok(client.get(API + "model-versions/search?filter=" + filter
                + "&order_by=version_number+ASC&max_results=2"));
        assertThat(first.get("model_versions")).extracting(node -> node.get("version").asText())
                .containsExactly("1", "2");
        JsonNode second = ok(client.get(API + "model-versions/search?filter=" + filter
                + "&order_by=version_number+ASC&max_results=2&page_token="
                + encode(first.get("next_page_token").asText())));
        assertThat(second.get("model_versions")).extracting(node -> node.get("version").asText()).containsExactly("3");
        assertThat(second.has("next_page_token")).isFalse();
        assertError(client.get(API + "model-versions/search?max_results=200001"), 400, "INVALID_PARAMETER_VALUE",
                "Invalid value 200001 for parameter 'max_results' supplied");
        assertThat(client.get(API + "model-versions/search?filter=" + encode("metrics.x > 1")).status())
                .isEqualTo(400);
    }

    // ---- sources -------------------------------------------------------------------------------

    @Test
    void localSourcesNeedARunAndMustLieInItsArtifactDirectory() {
        String name = uniqueName("local");
        createModel(name);
        String runId = server.createRunId(localExperimentId);
        String runDirectory = localLocation.resolve(runId).resolve("artifacts").toString();

        for (String source : List.of(runDirectory + "/model", "file://" + runDirectory + "/model",
                "file://" + runDirectory + "/.", "file://" + runDirectory + "/model/..")) {
            ok(post("model-versions/create", Map.of("name", name, "source", source, "run_id", runId)));
        }
        for (String source : List.of("file:///tmp", "/etc", runDirectory + "/model")) {
            assertError(post("model-versions/create", Map.of("name", name, "source", source)), 400,
                    "INVALID_PARAMETER_VALUE", LOCAL_SOURCE_MESSAGE);
        }
        for (String source : List.of("/etc/passwd", "/", "file:///etc/", runDirectory + "/../../other",
                "file://" + runDirectory + "/%2e%2e/%2e%2e/x", "relative/path", "file:relative")) {
            assertError(post("model-versions/create", Map.of("name", name, "source", source, "run_id", runId)), 400,
                    "INVALID_PARAMETER_VALUE", LOCAL_SOURCE_MESSAGE);
        }
        String proxiedRun = server.createRunId(experimentId);
        assertError(post("model-versions/create", Map.of("name", name, "source", runDirectory + "/model",
                "run_id", proxiedRun)), 400, "INVALID_PARAMETER_VALUE", LOCAL_SOURCE_MESSAGE);
        assertThat(post("model-versions/create", Map.of("name", name, "source", "/tmp/x", "run_id", "f".repeat(32)))
                .status()).isEqualTo(404);
    }

    @Test
    void localSourcesWithAModelIdMustLieInTheLoggedModelsArtifacts() {
        String name = uniqueName("localmodel");
        createModel(name);
        JsonNode logged = ok(post("logged-models", Map.of("experiment_id", localExperimentId))).get("model")
                .get("info");
        String modelId = logged.get("model_id").asText();
        String modelArtifacts = logged.get("artifact_uri").asText();
        assertThat(modelArtifacts).startsWith("file:");

        ok(post("model-versions/create", Map.of("name", name, "source", modelArtifacts + "/model",
                "model_id", modelId)));
        String runId = server.createRunId(localExperimentId);
        String runDirectory = localLocation.resolve(runId).resolve("artifacts").toString();
        assertError(post("model-versions/create", Map.of("name", name, "source", runDirectory, "run_id", runId,
                "model_id", modelId)), 400, "INVALID_PARAMETER_VALUE", "To use a local path as a model version source, "
                + "the model_id request parameter has to be specified");
        assertError(post("model-versions/create", Map.of("name", name, "source", modelArtifacts + "/../../..",
                "model_id", modelId)), 400, "INVALID_PARAMETER_VALUE", "the model_id request parameter");
    }

    static Stream<String> sourceAttacks() {
        return Stream.of(
                "mlflow-artifacts:/../../../etc/passwd",
                "mlflow-artifacts://host:5000/../../../../etc",
                "mlflow-artifacts://host:5000/..%2f..%2f..%2f..%2fetc",
                "mlflow-artifacts:/models/%2e%2e/%2e%2e/etc",
                "http://host:5000/api/2.0/mlflow-artifacts/artifacts/../../../../",
                "https://host:5000/api/2.0/mlflow-artifacts/artifacts/..%2f..%2f..%2f",
                "s3://bucket/models/../../other/path",
                "s3a://bucket/%252e%252e%252f%252e%252e%252fetc",
                "gs://bucket/models\\..\\..\\etc",
                "ftp://host/models/..\\..\\etc",
                "http://host:5000/api/2.0/mlflow-artifacts/artifacts%00",
                "s3a://bucket/model%00.txt",
                "https://host/%2500/x",
                "http:///#/../../../etc/",
                "runs:/0123456789abcdef/../../../etc",
                "models:/name/../../etc");
    }

    @ParameterizedTest
    @MethodSource("sourceAttacks")
    void remoteSourcesWithRelativePathReferencesAreRefused(String source) {
        String name = uniqueName("attack");
        createModel(name);
        Response response = post("model-versions/create", Map.of("name", name, "source", source));
        assertError(response, 400, "INVALID_PARAMETER_VALUE", RELATIVE_SOURCE_MESSAGE);
        assertThat(searchVersions("name = '" + name + "'")).isEmpty();
    }

    static Stream<String> fileSourcesThatReadTheServersDisk() {
        return Stream.of("file:///etc/", "file:///etc/passwd", "/", "/etc/passwd", "etc/passwd", "file:etc/passwd",
                "FILE:///etc", "file://localhost/etc/passwd", "./../../etc");
    }

    @ParameterizedTest
    @MethodSource("fileSourcesThatReadTheServersDisk")
    void localSourcesOutsideARunAreRefusedAlsoWithARunId(String source) {
        String name = uniqueName("lfi");
        createModel(name);
        String runId = server.createRunId(localExperimentId);
        assertError(post("model-versions/create", Map.of("name", name, "source", source, "run_id", runId)), 400,
                "INVALID_PARAMETER_VALUE", LOCAL_SOURCE_MESSAGE);
        assertError(post("model-versions/create", Map.of("name", name, "source", source)), 400,
                "INVALID_PARAMETER_VALUE", LOCAL_SOURCE_MESSAGE);
    }

    @Test
    void fileUriWithAHostIsRefusedAsAnInvalidRemoteUri() {
        String name = uniqueName("filehost");
        createModel(name);
        String runId = server.createRunId(experimentId);
        assertError(post("model-versions/create", Map.of("name", name, "source", "file://123.45.67.89/path/to/source",
                "run_id", runId)), 400, "INVALID_PARAMETER_VALUE",
                "file://123.45.67.89/path/to/source is not a valid remote uri");
    }

    @Test
    void wellFormedRemoteSourcesAreAccepted() {
        String name = uniqueName("remote");
        createModel(name);
        String runId = server.createRunId(experimentId);
        for (String source : List.of("mlflow-artifacts:/models", "mlflow-artifacts:/models/",
                "mlflow-artifacts://host:5000/models", "mlflow-artifacts:/models//nested///", "s3://bucket/..../model",
                "https://host/api/2.0/mlflow-artifacts/artifacts/model", "gs://bucket/model",
                "runs:/" + runId + "/model",
                "models:/" + name + "/1", "models:/" + name + "@champion", "models:/m-0123abcd")) {
            ok(post("model-versions/create", Map.of("name", name, "source", source)));
        }
        assertThat(post("model-versions/create", Map.of("name", name, "source", "runs:/" + "e".repeat(32) + "/m"))
                .status()).isEqualTo(404);
        assertThat(post("model-versions/create", Map.of("name", name, "source", "models:/a/b/c")).status())
                .isEqualTo(400);
    }

    // ---- downloads -----------------------------------------------------------------------------

    @Test
    void downloadUriResolvesRunsAndModelsSources() {
        String name = uniqueName("download");
        createModel(name);
        JsonNode run = server.createRun(experimentId);
        String runId = run.get("info").get("run_id").asText();
        String artifactUri = run.get("info").get("artifact_uri").asText();
        createVersion(name, "runs:/" + runId + "/model");
        createVersion(name, "mlflow-artifacts:/somewhere/model");
        createVersion(name, "models:/" + name + "/1");
        ok(post("registered-models/alias", Map.of("name", name, "alias", "prod", "version", "2")));
        createVersion(name, "models:/" + name + "@prod");
        createVersion(name, "models:/" + name + "/3");

        assertThat(downloadUri(name, "1")).isEqualTo(artifactUri + "/model");
        assertThat(downloadUri(name, "2")).isEqualTo("mlflow-artifacts:/somewhere/model");
        assertThat(downloadUri(name, "3")).isEqualTo(artifactUri + "/model");
        assertThat(downloadUri(name, "4")).isEqualTo("mlflow-artifacts:/somewhere/model");
        assertThat(downloadUri(name, "5")).isEqualTo(artifactUri + "/model");
        JsonNode body = ok(client.get(API + "model-versions/get-download-uri?name=" + encode(name) + "&version=2"));
        assertThat(body.toString()).isEqualTo("{\"artifact_uri\":\"mlflow-artifacts:/somewhere/model\"}");
        assertThat(client.get(API + "model-versions/get-download-uri?name=" + encode(name) + "&version=9").status())
                .isEqualTo(404);
    }

    @Test
    void selfReferencingSourcesStopAtTheDepthLimit() {
        String name = uniqueName("cycle");
        createModel(name);
        createVersion(name, "models:/" + name + "/1");
        assertError(client.get(API + "model-versions/get-download-uri?name=" + encode(name) + "&version=1"), 400,
                "INVALID_PARAMETER_VALUE", "nest more than");
    }

    @Test
    void versionArtifactsAreServedAsAttachmentsFromTheRunsArtifacts() {
        String name = uniqueName("files");
        createModel(name);
        JsonNode run = server.createRun(experimentId);
        String runId = run.get("info").get("run_id").asText();
        String proxyPath = run.get("info").get("artifact_uri").asText().substring("mlflow-artifacts:/".length());
        ok(client.put("/api/2.0/mlflow-artifacts/artifacts/" + proxyPath + "/model/MLmodel",
                "flavors: {}\n".getBytes(StandardCharsets.UTF_8)));
        createVersion(name, "runs:/" + runId + "/model");

        for (String path : List.of("/model-versions/get-artifact", AJAX + "model-versions/get-artifact")) {
            Response file = ok200(client.get(path + "?name=" + encode(name) + "&version=1&path=MLmodel"));
            assertThat(file.body()).isEqualTo("flavors: {}\n");
            assertThat(file.header("Content-Disposition")).hasValueSatisfying(value ->
                    assertThat(value).startsWith("attachment; filename=\"MLmodel\""));
            assertThat(file.header("X-Content-Type-Options")).hasValue("nosniff");
        }
        assertThat(client.get("/model-versions/get-artifact?name=" + encode(name) + "&version=1&path=none").status())
                .isEqualTo(404);
    }

    @Test
    void versionArtifactPathTraversalIsRefusedWithInvalidPath() {
        String name = uniqueName("traversal");
        createModel(name);
        createVersion(name, "mlflow-artifacts:/somewhere/model");
        for (String prefix : List.of("/model-versions/get-artifact", AJAX + "model-versions/get-artifact",
                API + "model-versions/get-artifact")) {
            for (String path : List.of("../path", "..%2fpath", "%252e%252e%252fpath", "%2Fetc%2Fpasswd",
                    "a%5c..%5cb")) {
                Response response = client.get(prefix + "?name=" + encode(name) + "&version=1&path=" + path);
                assertThat(response.status()).as(prefix + " " + path).isEqualTo(400);
                assertThat(response.body()).isEqualTo(INVALID_PATH);
            }
        }
    }

    @Test
    void localSourceArtifactsAreServedOnlyFromInsideTheRun() throws Exception {
        String name = uniqueName("localfiles");
        createModel(name);
        String runId = server.createRunId(localExperimentId);
        Path model = localLocation.resolve(runId).resolve("artifacts").resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("MLmodel"), "local model");
        ok(post("model-versions/create", Map.of("name", name, "source", model.toUri().toString(), "run_id", runId)));

        assertThat(downloadUri(name, "1")).isEqualTo(model.toUri().toString());
        Response file = ok200(client.get("/model-versions/get-artifact?name=" + encode(name)
                + "&version=1&path=MLmodel"));
        assertThat(file.body()).isEqualTo("local model");
        assertThat(client.get("/model-versions/get-artifact?name=" + encode(name) + "&version=1&path=../../x")
                .body()).isEqualTo(INVALID_PATH);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String uniqueName(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    private void createModel(String name) {
        ok(post("registered-models/create", Map.of("name", name)));
    }

    private JsonNode createVersion(String name, String source) {
        return ok(post("model-versions/create", Map.of("name", name, "source", source))).get("model_version");
    }

    private void transition(String name, String version, String stage, boolean archive) {
        ok(post("model-versions/transition-stage", Map.of("name", name, "version", version, "stage", stage,
                "archive_existing_versions", archive)));
    }

    private JsonNode getModel(String name) {
        return ok(client.get(API + "registered-models/get?name=" + encode(name))).get("registered_model");
    }

    private JsonNode getVersion(String name, String version) {
        return ok(client.get(API + "model-versions/get?name=" + encode(name) + "&version=" + version))
                .get("model_version");
    }

    private String downloadUri(String name, String version) {
        return ok(client.get(API + "model-versions/get-download-uri?name=" + encode(name) + "&version=" + version))
                .get("artifact_uri").asText();
    }

    private List<String> searchModels(String filter, String orderBy) {
        JsonNode body = ok(client.get(API + "registered-models/search?filter=" + encode(filter) + "&order_by="
                + encode(orderBy)));
        return names(body.path("registered_models"));
    }

    private List<String> searchVersions(String filter) {
        JsonNode body = ok(client.get(API + "model-versions/search?filter=" + encode(filter)));
        List<String> versions = new ArrayList<>();
        body.path("model_versions").forEach(node -> versions.add(node.get("version").asText()));
        return versions;
    }

    private static List<String> names(JsonNode models) {
        List<String> names = new ArrayList<>();
        models.forEach(node -> names.add(node.get("name").asText()));
        return names;
    }

    private Response post(String endpoint, Map<String, ?> body) {
        return client.post(API + endpoint, json(body));
    }

    private Response patch(String endpoint, Map<String, ?> body) {
        return client.send(request(API + endpoint, "PATCH", body));
    }

    private Response delete(String endpoint, Map<String, ?> body) {
        return client.delete(API + endpoint, json(body));
    }

    private HttpRequest.Builder request(String path, String method, Map<String, ?> body) {
        URI uri = client.uri(path);
        return HttpRequest.newBuilder(uri).method(method, BodyPublishers.ofString(json(body)))
                .header("Content-Type", "application/json");
    }

    private static String json(Map<String, ?> body) {
        try {
            return ApiClient.JSON.writeValueAsString(new LinkedHashMap<>(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(Response response) {
        return ok200(response).json();
    }

    private static Response ok200(Response response) {
        return TestServer.expectOk(response);
    }

    private static void assertError(Response response, int status, String errorCode, String messagePart) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(response.errorCode()).as(response.body()).isEqualTo(errorCode);
        assertThat(response.message()).contains(messagePart);
    }
}
