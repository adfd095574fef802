package dev.slipway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.server.ApiClient.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentApiTest {
    private static final String API = "/api/2.0/mlflow/";

    @TempDir
    static Path directory;

    private static TestServer server;
    private static ApiClient client;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(directory);
        client = server.client;
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static JsonNode getExperiment(String experimentId) {
        return TestServer.expectOk(client.get(API + "experiments/get?experiment_id=" + experimentId)).json()
                .get("experiment");
    }

    @Test
    void searchListsDefaultAndHonoursViewTypeAndPaging(@TempDir Path ownDirectory) {
        try (TestServer fresh = TestServer.start(ownDirectory)) {
            ApiClient api = fresh.client;
            JsonNode all = TestServer.expectOk(api.post(API + "experiments/search", "{}")).json();
            assertThat(all.get("experiments")).hasSize(1);
            JsonNode defaultExperiment = all.get("experiments").get(0);
            assertThat(defaultExperiment.get("name").asText()).isEqualTo("Default");
            assertThat(defaultExperiment.get("experiment_id").asText()).isEqualTo("0");
            assertThat(defaultExperiment.get("lifecycle_stage").asText()).isEqualTo("active");
            assertThat(defaultExperiment.get("creation_time").isIntegralNumber()).isTrue();

            String other = fresh.createExperiment("other");
            TestServer.expectOk(api.post(API + "experiments/delete", "{\"experiment_id\": \"0\"}"));

            assertThat(names(api.post(API + "experiments/search", "{\"view_type\": \"ACTIVE_ONLY\"}")))
                    .containsExactly("other");
            assertThat(names(api.post(API + "experiments/search", "{\"view_type\": \"DELETED_ONLY\"}")))
                    .containsExactly("Default");
            assertThat(names(api.post(API + "experiments/search", "{\"view_type\": 3}")))
                    .containsExactlyInAnyOrder("Default", "other");
            assertThat(names(api.get(API + "experiments/search?view_type=ALL")))
                    .containsExactlyInAnyOrder("Default", "other");

            JsonNode firstPage = TestServer.expectOk(api.post(API + "experiments/search",
                    "{\"view_type\": \"ALL\", \"max_results\": 1}")).json();
            assertThat(firstPage.get("experiments")).hasSize(1);
            String token = firstPage.get("next_page_token").asText();
            JsonNode secondPage = TestServer.expectOk(api.get(API + "experiments/search?view_type=ALL&max_results=1"
                    + "&page_token=" + token)).json();
            assertThat(secondPage.get("experiments")).hasSize(1);
            assertThat(secondPage.has("next_page_token")).isFalse();
            assertThat(List.of(firstPage.get("experiments").get(0).get("experiment_id").asText(),
                    secondPage.get("experiments").get(0).get("experiment_id").asText()))
                    .containsExactlyInAnyOrder("0", other);
        }
    }

    @Test
    void createRejectsWrongTypesAndMissingName() {
        Response numberName = client.post(API + "experiments/create", "{\"name\": 123}");
        assertThat(numberName.status()).isEqualTo(400);
        assertThat(numberName.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(numberName.message()).startsWith("Invalid value 123 for parameter 'name' supplied");

        Response missing = client.post(API + "experiments/create", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.message()).isEqualTo("Missing value for required parameter 'name'. "
                + "See the API docs for more information about request parameters.");

        Response badLocation = client.post(API + "experiments/create",
                "{\"name\": \"" + uniqueName("x") + "\", \"artifact_location\": 9.0}");
        assertThat(badLocation.status()).isEqualTo(400);
        assertThat(badLocation.message()).contains("for parameter 'artifact_location' supplied");

        Response badTags = client.post(API + "experiments/create",
                "{\"name\": \"" + uniqueName("x") + "\", \"tags\": \"5\"}");
        assertThat(badTags.status()).isEqualTo(400);
        assertThat(badTags.message()).startsWith("Invalid value \"5\" for parameter 'tags' supplied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/#/../", "http:///#/../../../etc/", "file:///tmp/x;param", "runs:/abc/model",
        "s3://bucket/path?x=../../etc"})
    void createRejectsArtifactLocationTricks(String location) {
        Response response = client.post(API + "experiments/create", "{\"name\": \"" + uniqueName("loc")
                + "\", \"artifact_location\": " + ApiClient.JSON.valueToTree(location) + "}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    }

    @Test
    void createReturnsIdAndGetShowsTheExperiment() {
        String name = uniqueName("created");
        Response created = client.post(API + "experiments/create", "{\"name\": \"" + name
                + "\", \"tags\": [{\"key\": \"team\", \"value\": \"ml\"}]}");
        TestServer.expectOk(created);
        String experimentId = created.json().get("experiment_id").asText();

        JsonNode experiment = getExperiment(experimentId);
        assertThat(experiment.get("experiment_id").asText()).isEqualTo(experimentId);
        assertThat(experiment.get("name").asText()).isEqualTo(name);
        assertThat(experiment.get("artifact_location").asText()).isEqualTo("mlflow-artifacts:/" + experimentId);
        assertThat(experiment.get("lifecycle_stage").asText()).isEqualTo("active");
        assertThat(experiment.get("last_update_time").isIntegralNumber()).isTrue();
        assertThat(experiment.get("tags").get(0).get("key").asText()).isEqualTo("team");

        JsonNode byName = TestServer.expectOk(client.get(API + "experiments/get-by-name?experiment_name=" + name))
                .json().get("experiment");
        assertThat(byName.get("experiment_id").asText()).isEqualTo(experimentId);
    }

    @Test
    void getByNameOfUnknownExperimentIs404() {
        Response response = client.get(API + "experiments/get-by-name?experiment_name=" + uniqueName("nope"));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void getOfUnknownExperimentIs404AndMissingIdIs400() {
        assertThat(client.get(API + "experiments/get?experiment_id=987654").status()).isEqualTo(404);
        Response missing = client.get(API + "experiments/get");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.message()).startsWith("Missing value for required parameter 'experiment_id'");
    }

    @Test
    void deleteRestoreAndRenameFlipLifecycleAndName() {
        String experimentId = server.createExperiment(uniqueName("life"));
        TestServer.expectOk(client.post(API + "experiments/delete", "{\"experiment_id\": \"" + experimentId + "\"}"));
        assertThat(getExperiment(experimentId).get("lifecycle_stage").asText()).isEqualTo("deleted");

        // a numeric experiment_id is turned into a string, as old clients send it
        TestServer.expectOk(client.post(API + "experiments/restore", "{\"experiment_id\": " + experimentId + "}"));
        assertThat(getExperiment(experimentId).get("lifecycle_stage").asText()).isEqualTo("active");

        String newName = uniqueName("renamed");
        Response renamed = client.post(API + "experiments/update",
                "{\"experimentId\": \"" + experimentId + "\", \"newName\": \"" + newName + "\"}");
        TestServer.expectOk(renamed);
        assertThat(renamed.body()).isEqualTo("{}");
        assertThat(getExperiment(experimentId).get("name").asText()).isEqualTo(newName);
    }

    @Test
    void duplicateNamesAreRejectedEvenAgainstDeletedExperiments() {
        String name = uniqueName("dup");
        String experimentId = server.createExperiment(name);
        Response duplicate = client.post(API + "experiments/create", "{\"name\": \"" + name + "\"}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");

        TestServer.expectOk(client.post(API + "experiments/delete", "{\"experiment_id\": \"" + experimentId + "\"}"));
        Response afterDelete = client.post(API + "experiments/create", "{\"name\": \"" + name + "\"}");
        assertThat(afterDelete.status()).isEqualTo(400);
        assertThat(afterDelete.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
    }

    @Test
    void experimentTagsOverwriteKeepMultiLineValuesAndStayPerExperiment() {
        String first = server.createExperiment(uniqueName("tags1"));
        String second = server.createExperiment(uniqueName("tags2"));
        setTag(first, "k", "v1");
        setTag(first, "k", "v2");
        setTag(first, "multi", "line one\nline two\n");
        setTag(second, "k", "other");

        JsonNode firstTags = getExperiment(first).get("tags");
        assertThat(tagValue(firstTags, "k")).isEqualTo("v2");
        assertThat(tagValue(firstTags, "multi")).isEqualTo("line one\nline two\n");
        assertThat(firstTags).hasSize(2);
        assertThat(tagValue(getExperiment(second).get("tags"), "k")).isEqualTo("other");

        TestServer.expectOk(client.post(API + "experiments/delete-experiment-tag",
                "{\"experiment_id\": \"" + first + "\", \"key\": \"k\"}"));
        assertThat(getExperiment(first).get("tags")).hasSize(1);
        Response missingTag = client.post(API + "experiments/delete-experiment-tag",
                "{\"experiment_id\": \"" + first + "\", \"key\": \"k\"}");
        assertThat(missingTag.status()).isEqualTo(404);
    }

    @Test
    void searchFiltersAndOrdersLikeMlflow(@TempDir Path ownDirectory) {
        try (TestServer fresh = TestServer.start(ownDirectory)) {
            ApiClient api = fresh.client;
            String a = fresh.createExperiment("a");
            String ab = fresh.createExperiment("ab");
            String upper = fresh.createExperiment("Abc");
            fresh.createExperiment("b");
            for (String id : List.of(a, ab)) {
                TestServer.expectOk(api.post(API + "experiments/set-experiment-tag",
                        "{\"experiment_id\": \"" + id + "\", \"key\": \"key\", \"value\": \"value\"}"));
            }
            TestServer.expectOk(api.post(API + "experiments/set-experiment-tag",
                    "{\"experiment_id\": \"" + upper + "\", \"key\": \"key\", \"value\": \"VALUE\"}"));

            assertThat(search(api, "attribute.name = 'a'")).containsExactly("a");
            assertThat(search(api, "name != 'a'")).containsExactlyInAnyOrder("ab", "Abc", "b", "Default");
            assertThat(search(api, "name LIKE 'a%'")).containsExactlyInAnyOrder("a", "ab");
            assertThat(search(api, "name ILIKE 'a%'")).containsExactlyInAnyOrder("a", "ab", "Abc");
            assertThat(search(api, "tag.key = 'value'")).containsExactlyInAnyOrder("a", "ab");
            assertThat(search(api, "tags.key != 'value'")).containsExactly("Abc");
            assertThat(search(api, "tag.key ILIKE '%alu%'")).containsExactlyInAnyOrder("a", "ab", "Abc");

            assertThat(names(api.post(API + "experiments/search", "{\"order_by\": [\"name DESC\"]}")))
                    .containsExactly("b", "ab", "a", "Default", "Abc");
            assertThat(names(api.get(API + "experiments/search?order_by=name+ASC")))
                    .containsExactly("Abc", "Default", "a", "ab", "b");
            List<String> newestFirst = names(api.post(API + "experiments/search", "{}"));
            assertThat(newestFirst.get(newestFirst.size() - 1)).isEqualTo("Default");
        }
    }

    @Test
    void searchRejectsBadFiltersAndMaxResults() {
        Response orClause = client.post(API + "experiments/search", "{\"filter\": \"name = 'a' OR name = 'b'\"}");
        assertThat(orClause.status()).isEqualTo(400);
        assertThat(orClause.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");

        assertThat(client.post(API + "experiments/search", "{\"max_results\": 0}").status()).isEqualTo(400);
        assertThat(client.get(API + "experiments/search?max_results=abc").status()).isEqualTo(400);
        assertThat(client.post(API + "experiments/search", "{\"page_token\": \"not-a-token\"}").status())
                .isEqualTo(400);
    }

    private static List<String> search(ApiClient api, String filter) {
        return names(api.post(API + "experiments/search", "{\"filter\": " + ApiClient.JSON.valueToTree(filter) + "}"));
    }

    private static List<String> names(Response response) {
        TestServer.expectOk(response);
        List<String> names = new ArrayList<>();
        response.json().path("experiments").forEach(experiment -> names.add(experiment.get("name").asText()));
        return names;
    }

    private static void setTag(String experimentId, String key, String value) {
        TestServer.expectOk(client.post(API + "experiments/set-experiment-tag", "{\"experiment_id\": \""
                + experimentId + "\", \"key\": \"" + key + "\", \"value\": " + ApiClient.JSON.valueToTree(value) + "}"));
    }

    private static String tagValue(JsonNode tags, String key) {
        for (JsonNode tag : tags) {
            if (tag.get("key").asText().equals(key)) {
                return tag.get("value").asText();
            }
        }
        return null;
    }
}
