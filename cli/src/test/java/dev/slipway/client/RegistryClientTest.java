package dev.slipway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.RunningServer;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Run;
import dev.slipway.core.tracking.Tag;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegistryClient against a real Slipway server on an ephemeral port over a SQLite file. */
class RegistryClientTest {
    @TempDir
    static Path folder;

    private static RunningServer server;
    private static TrackingClient tracking;
    private static RegistryClient registry;

    @BeforeAll
    static void startServer() {
        server = RunningServer.onFolder(folder);
        tracking = server.client();
        registry = tracking.registry();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            assertThat(server.stop()).isZero();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RegisteredModel createModel(String name) {
        return registry.createRegisteredModel(name, Optional.empty(), List.of());
    }

    private static ModelVersion createVersion(String name, String source) {
        return registry.createModelVersion(new NewModelVersion(name, source, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of()));
    }

    private static void assertFails(ThrowingCallable call, ErrorCode code, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode()).isEqualTo(code))
                .hasMessageContaining(message);
    }

    // ---- registered models -------------------------------------------------------------------

    @Test
    void createdModelIsReadBackWithDescriptionAndTags() {
        String name = unique("churn");
        RegisteredModel created = registry.createRegisteredModel(name, Optional.of("predicts churn"),
                List.of(new Tag("team", "risk"), new Tag("tier", "gold")));

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.description()).contains("predicts churn");
        assertThat(created.tags()).containsExactlyInAnyOrder(new Tag("team", "risk"), new Tag("tier", "gold"));
        assertThat(created.creationTimestamp()).isPositive();
        RegisteredModel read = registry.getRegisteredModel(name);
        assertThat(read.name()).isEqualTo(name);
        assertThat(read.description()).contains("predicts churn");
        assertThat(read.tags()).containsExactlyInAnyOrder(new Tag("team", "risk"), new Tag("tier", "gold"));
        assertThat(read.creationTimestamp()).isEqualTo(created.creationTimestamp());
    }

    @Test
    void namesWithSpacesSymbolsAndUnicodeTravelIntactInQueriesAndBodies() {
        String name = unique("churn model +&%=?#é中");
        createModel(name);
        createVersion(name, "s3://bucket/model");
        registry.setAlias(name, "prod", 1);

        assertThat(registry.getRegisteredModel(name).name()).isEqualTo(name);
        assertThat(registry.getModelVersion(name, 1).name()).isEqualTo(name);
        assertThat(registry.getModelVersionByAlias(name, "prod").version()).isEqualTo(1);
        assertThat(registry.getModelVersionDownloadUri(name, 1)).isEqualTo("s3://bucket/model");
        assertThat(registry.searchAllModelVersions(Optional.of("name = '" + name + "'"), List.of()))
                .extracting(ModelVersion::name).containsExactly(name);
        registry.deleteRegisteredModel(name);
        assertFails(() -> registry.getRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST, name);
    }

    @Test
    void duplicateModelNameFailsWithResourceAlreadyExists() {
        String name = unique("twice");
        createModel(name);

        assertFails(() -> createModel(name), ErrorCode.RESOURCE_ALREADY_EXISTS,
                "Registered Model (name=" + name + ") already exists.");
    }

    @Test
    void missingModelFailsWithResourceDoesNotExistOnEveryCall() {
        String name = unique("nobody");
        String message = "Registered Model with name=" + name + " not found";

        assertFails(() -> registry.getRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.renameRegisteredModel(name, unique("other")), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                message);
        assertFails(() -> registry.updateRegisteredModel(name, Optional.of("x")), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                message);
        assertFails(() -> registry.deleteRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.getLatestVersions(name, List.of()), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> createVersion(name, "s3://bucket/model"), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }

    @Test
    void renameKeepsVersionsAndFreesTheOldName() {
        String name = unique("old");
        String newName = unique("new");
        createModel(name);
        createVersion(name, "s3://bucket/model");

        RegisteredModel renamed = registry.renameRegisteredModel(name, newName);

        assertThat(renamed.name()).isEqualTo(newName);
        assertThat(registry.getModelVersion(newName, 1).name()).isEqualTo(newName);
        assertFails(() -> registry.getRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST, name);
        assertThat(createModel(name).name()).isEqualTo(name);
    }

    @Test
    void renameOntoATakenNameFailsWithResourceAlreadyExists() {
        String first = unique("first");
        String second = unique("second");
        createModel(first);
        createModel(second);

        assertFails(() -> registry.renameRegisteredModel(first, second), ErrorCode.RESOURCE_ALREADY_EXISTS, second);
    }

    @Test
    void updateChangesTheDescriptionAndClearsItWhenAbsent() {
        String name = unique("described");
        createModel(name);

        RegisteredModel updated = registry.updateRegisteredModel(name, Optional.of("second thoughts"));

        assertThat(updated.description()).contains("second thoughts");
        assertThat(registry.getRegisteredModel(name).description()).contains("second thoughts");
        assertThat(registry.updateRegisteredModel(name, Optional.empty()).description()).isEmpty();
        assertThat(registry.getRegisteredModel(name).description()).isEmpty();
    }

    @Test
    void deleteRemovesTheModelWithItsVersions() {
        String name = unique("doomed");
        createModel(name);
        createVersion(name, "s3://bucket/model");

        registry.deleteRegisteredModel(name);

        assertFails(() -> registry.getRegisteredModel(name), ErrorCode.RESOURCE_DOES_NOT_EXIST, name);
        assertFails(() -> registry.getModelVersion(name, 1), ErrorCode.RESOURCE_DOES_NOT_EXIST, name);
        assertThat(registry.searchAllModelVersions(Optional.of("name = '" + name + "'"), List.of())).isEmpty();
    }

    @Test
    void modelTagsAreSetOverwrittenAndDeleted() {
        String name = unique("tagged");
        createModel(name);

        registry.setRegisteredModelTag(name, new Tag("owner", "ana"));
        registry.setRegisteredModelTag(name, new Tag("owner", "bob"));
        registry.setRegisteredModelTag(name, new Tag("stage", "dev"));
        registry.deleteRegisteredModelTag(name, "stage");

        assertThat(registry.getRegisteredModel(name).tags()).containsExactly(new Tag("owner", "bob"));
        assertFails(() -> registry.setRegisteredModelTag(unique("nobody"), new Tag("k", "v")),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, "not found");
    }

    @Test
    void invalidTagKeyFailsWithInvalidParameterValue() {
        String name = unique("badtag");
        createModel(name);

        assertThatThrownBy(() -> registry.setRegisteredModelTag(name, new Tag("../escape", "v")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }

    // ---- search ------------------------------------------------------------------------------

    @Test
    void searchFiltersOrdersAndPagesRegisteredModels() {
        String prefix = unique("search");
        List<String> names = List.of(prefix + "-c", prefix + "-a", prefix + "-e", prefix + "-b", prefix + "-d");
        for (String name : names) {
            registry.createRegisteredModel(name, Optional.empty(),
                    List.of(new Tag("group", name.endsWith("a") || name.endsWith("b") ? "x" : "y")));
        }
        createModel(unique("outsider"));
        Optional<String> filter = Optional.of("name LIKE '" + prefix + "%'");

        Page<RegisteredModel> first = registry.searchRegisteredModels(filter, Optional.of(2), List.of("name DESC"),
                Optional.empty());
        assertThat(first.items()).extracting(RegisteredModel::name).containsExactly(prefix + "-e", prefix + "-d");
        assertThat(first.nextPageToken()).isPresent();
        List<String> paged = new ArrayList<>(first.items().stream().map(RegisteredModel::name).toList());
        Optional<String> token = first.nextPageToken();
        while (token.isPresent()) {
            Page<RegisteredModel> page = registry.searchRegisteredModels(filter, Optional.of(2), List.of("name DESC"),
                    token);
            page.items().forEach(model -> paged.add(model.name()));
            token = page.nextPageToken();
        }
        assertThat(paged).containsExactly(prefix + "-e", prefix + "-d", prefix + "-c", prefix + "-b", prefix + "-a");

        assertThat(registry.searchAllRegisteredModels(filter, List.of("name ASC")))
                .extracting(RegisteredModel::name)
                .containsExactly(prefix + "-a", prefix + "-b", prefix + "-c", prefix + "-d", prefix + "-e");
        assertThat(registry.searchAllRegisteredModels(
                Optional.of("name LIKE '" + prefix + "%' AND tags.group = 'x'"), List.of("name ASC")))
                .extracting(RegisteredModel::name).containsExactly(prefix + "-a", prefix + "-b");
    }

    @Test
    void searchAllFollowsPageTokensPastTheServerPageSize() {
        String prefix = unique("many");
        for (int index = 0; index < 105; index++) {
            createModel(String.format("%s-%03d", prefix, index));
        }

        List<RegisteredModel> all = registry.searchAllRegisteredModels(Optional.of("name LIKE '" + prefix + "%'"),
                List.of("name ASC"));

        assertThat(all).hasSize(105);
        assertThat(all.get(0).name()).isEqualTo(prefix + "-000");
        assertThat(all.get(104).name()).isEqualTo(prefix + "-104");
    }

    @Test
    void badSearchInputFailsWithInvalidParameterValue() {
        assertFails(() -> registry.searchRegisteredModels(Optional.of("name = 'a' OR name = 'b'"), Optional.empty(),
                List.of(), Optional.empty()), ErrorCode.INVALID_PARAMETER_VALUE, "filter");
        assertFails(() -> registry.searchRegisteredModels(Optional.empty(), Optional.empty(), List.of("bogus ASC"),
                Optional.empty()), ErrorCode.INVALID_PARAMETER_VALUE, "bogus");
        assertFails(() -> registry.searchRegisteredModels(Optional.empty(), Optional.of(5000), List.of(),
                Optional.empty()), ErrorCode.INVALID_PARAMETER_VALUE, "5000");
        assertThatThrownBy(() -> registry.searchModelVersions(Optional.empty(), Optional.empty(), List.of(),
                Optional.of("not-a-token")))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }

    // ---- model versions ----------------------------------------------------------------------

    @Test
    void createdVersionCarriesRunIdTagsAndDescription() {
        String name = unique("versioned");
        createModel(name);
        Run run = tracking.createRun("0");
        String source = "runs:/" + run.info().runId() + "/model";

        ModelVersion created = registry.createModelVersion(new NewModelVersion(name, source,
                Optional.of(run.info().runId()), Optional.of("http://ci/run/1"), Optional.of("first cut"),
                Optional.empty(), List.of(new Tag("data", "v3"))));

        assertThat(created.version()).isEqualTo(1);
        assertThat(created.source()).isEqualTo(source);
        assertThat(created.runId()).contains(run.info().runId());
        assertThat(created.runLink()).contains("http://ci/run/1");
        assertThat(created.description()).contains("first cut");
        assertThat(created.tags()).containsExactly(new Tag("data", "v3"));
        assertThat(created.currentStage()).isEqualTo(ModelVersionStage.NONE);
        assertThat(created.status()).isEqualTo(ModelVersionStatus.READY);
        assertThat(created.creationTimestamp()).isPositive();
        ModelVersion read = registry.getModelVersion(name, 1);
        assertThat(read.runId()).contains(run.info().runId());
        assertThat(read.description()).contains("first cut");
        assertThat(read.tags()).containsExactly(new Tag("data", "v3"));
        assertThat(createVersion(name, source).version()).isEqualTo(2);
    }

    @Test
    void updateVersionChangesAndClearsItsDescription() {
        String name = unique("upd");
        createModel(name);
        createVersion(name, "s3://bucket/model");

        ModelVersion updated = registry.updateModelVersion(name, 1, Optional.of("tuned"));

        assertThat(updated.description()).contains("tuned");
        assertThat(registry.getModelVersion(name, 1).description()).contains("tuned");
        assertThat(registry.updateModelVersion(name, 1, Optional.empty()).description()).isEmpty();
    }

    @Test
    void deletedVersionIsGoneAndItsNumberIsNeverReused() {
        String name = unique("reuse");
        createModel(name);
        createVersion(name, "s3://bucket/v1");
        createVersion(name, "s3://bucket/v2");

        registry.deleteModelVersion(name, 2);

        assertFails(() -> registry.getModelVersion(name, 2), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "Model Version (name=" + name + ", version=2) not found");
        assertThat(createVersion(name, "s3://bucket/v3").version()).isEqualTo(3);
        assertThat(registry.searchAllModelVersions(Optional.of("name = '" + name + "'"), List.of()))
                .extracting(ModelVersion::version).containsExactlyInAnyOrder(1L, 3L);
    }

    @Test
    void missingVersionFailsWithResourceDoesNotExistOnEveryCall() {
        String name = unique("few");
        createModel(name);
        String message = "Model Version (name=" + name + ", version=7) not found";

        assertFails(() -> registry.getModelVersion(name, 7), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.updateModelVersion(name, 7, Optional.of("x")), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                message);
        assertFails(() -> registry.deleteModelVersion(name, 7), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.transitionModelVersionStage(name, 7, ModelVersionStage.STAGING, false),
                ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.getModelVersionDownloadUri(name, 7), ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
        assertFails(() -> registry.setModelVersionTag(name, 7, new Tag("k", "v")), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                message);
    }

    @Test
    void versionTagsAreSetOverwrittenAndDeleted() {
        String name = unique("vtags");
        createModel(name);
        createVersion(name, "s3://bucket/model");

        registry.setModelVersionTag(name, 1, new Tag("validated", "no"));
        registry.setModelVersionTag(name, 1, new Tag("validated", "yes"));
        registry.setModelVersionTag(name, 1, new Tag("temp", "1"));
        registry.deleteModelVersionTag(name, 1, "temp");

        assertThat(registry.getModelVersion(name, 1).tags()).containsExactly(new Tag("validated", "yes"));
    }

    @Test
    void transitionWithArchiveExistingVersionsArchivesTheOtherVersionInTheStage() {
        String name = unique("stages");
        createModel(name);
        createVersion(name, "s3://bucket/v1");
        createVersion(name, "s3://bucket/v2");
        createVersion(name, "s3://bucket/v3");
        registry.transitionModelVersionStage(name, 1, ModelVersionStage.PRODUCTION, false);
        registry.transitionModelVersionStage(name, 3, ModelVersionStage.STAGING, false);

        ModelVersion promoted = registry.transitionModelVersionStage(name, 2, ModelVersionStage.PRODUCTION, true);

        assertThat(promoted.currentStage()).isEqualTo(ModelVersionStage.PRODUCTION);
        assertThat(registry.getModelVersion(name, 1).currentStage()).isEqualTo(ModelVersionStage.ARCHIVED);
        assertThat(registry.getModelVersion(name, 3).currentStage()).isEqualTo(ModelVersionStage.STAGING);
    }

    @Test
    void transitionWithoutArchivingLeavesTwoVersionsInTheStage() {
        String name = unique("both");
        createModel(name);
        createVersion(name, "s3://bucket/v1");
        createVersion(name, "s3://bucket/v2");
        registry.transitionModelVersionStage(name, 1, ModelVersionStage.STAGING, false);

        registry.transitionModelVersionStage(name, 2, ModelVersionStage.STAGING, false);

        assertThat(registry.getModelVersion(name, 1).currentStage()).isEqualTo(ModelVersionStage.STAGING);
        assertThat(registry.getLatestVersions(name, List.of(ModelVersionStage.STAGING)))
                .extracting(ModelVersion::version).containsExactly(2L);
    }

    @Test
    void latestVersionsAreOnePerStageOrOnlyTheRequestedStages() {
        String name = unique("latest");
        createModel(name);
        for (int index = 1; index <= 5; index++) {
            createVersion(name, "s3://bucket/v" + index);
        }
        registry.transitionModelVersionStage(name, 1, ModelVersionStage.PRODUCTION, false);
        registry.transitionModelVersionStage(name, 2, ModelVersionStage.PRODUCTION, false);
        registry.transitionModelVersionStage(name, 3, ModelVersionStage.STAGING, false);

        assertThat(registry.getLatestVersions(name, List.of()))
                .extracting(ModelVersion::version, ModelVersion::currentStage)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(2L, ModelVersionStage.PRODUCTION),
                        org.assertj.core.groups.Tuple.tuple(3L, ModelVersionStage.STAGING),
                        org.assertj.core.groups.Tuple.tuple(5L, ModelVersionStage.NONE));
        assertThat(registry.getLatestVersions(name, List.of(ModelVersionStage.PRODUCTION)))
                .extracting(ModelVersion::version).containsExactly(2L);
        assertThat(registry.getLatestVersions(name, List.of(ModelVersionStage.STAGING, ModelVersionStage.NONE)))
                .extracting(ModelVersion::version).containsExactlyInAnyOrder(3L, 5L);
        assertThat(registry.getLatestVersions(name, List.of(ModelVersionStage.ARCHIVED))).isEmpty();
    }

    @Test
    void searchFiltersOrdersAndPagesModelVersions() {
        String name = unique("vsearch");
        createModel(name);
        Run run = tracking.createRun("0");
        for (int index = 1; index <= 5; index++) {
            registry.createModelVersion(new NewModelVersion(name, "s3://bucket/v" + index,
                    index % 2 == 0 ? Optional.of(run.info().runId()) : Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of(new Tag("parity", index % 2 == 0 ? "even" : "odd"))));
        }
        Optional<String> filter = Optional.of("name = '" + name + "'");

        Page<ModelVersion> first = registry.searchModelVersions(filter, Optional.of(2),
                List.of("version_number ASC"), Optional.empty());
        assertThat(first.items()).extracting(ModelVersion::version).containsExactly(1L, 2L);
        Page<ModelVersion> second = registry.searchModelVersions(filter, Optional.of(2),
                List.of("version_number ASC"), first.nextPageToken());
        assertThat(second.items()).extracting(ModelVersion::version).containsExactly(3L, 4L);

        assertThat(registry.searchAllModelVersions(filter, List.of("version_number DESC")))
                .extracting(ModelVersion::version).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(registry.searchAllModelVersions(Optional.of("name = '" + name + "' AND tags.parity = 'odd'"),
                List.of("version_number ASC"))).extracting(ModelVersion::version).containsExactly(1L, 3L, 5L);
        assertThat(registry.searchAllModelVersions(Optional.of("run_id = '" + run.info().runId() + "'"), List.of()))
                .extracting(ModelVersion::version).containsExactlyInAnyOrder(2L, 4L);
    }

    @Test
    void downloadUriResolvesARunSourceToTheRunArtifacts() {
        String name = unique("dl");
        createModel(name);
        Run run = tracking.createRun("0");
        createVersion(name, "runs:/" + run.info().runId() + "/model");
        createVersion(name, "s3://bucket/models/churn");

        assertThat(registry.getModelVersionDownloadUri(name, 1))
                .isEqualTo(run.info().artifactUri() + "/model");
        assertThat(registry.getModelVersionDownloadUri(name, 2)).isEqualTo("s3://bucket/models/churn");
    }

    @Test
    void versionSourceOutsideTheRunIsRefusedWithInvalidParameterValue() {
        String name = unique("local");
        createModel(name);

        assertThatThrownBy(() -> createVersion(name, folder.resolve("tracking.db").toString()))
                .isInstanceOfSatisfying(SlipwayException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    }

    // ---- aliases -----------------------------------------------------------------------------

    @Test
    void aliasIsSetMovedReadAndDeleted() {
        String name = unique("aliased");
        createModel(name);
        createVersion(name, "s3://bucket/v1");
        createVersion(name, "s3://bucket/v2");

        registry.setAlias(name, "champion", 1);
        registry.setAlias(name, "challenger", 2);
        assertThat(registry.getModelVersionByAlias(name, "champion").version()).isEqualTo(1);
        assertThat(registry.getModelVersion(name, 1).aliases()).containsExactly("champion");

        registry.setAlias(name, "champion", 2);
        ModelVersion moved = registry.getModelVersionByAlias(name, "champion");
        assertThat(moved.version()).isEqualTo(2);
        assertThat(moved.aliases()).containsExactlyInAnyOrder("champion", "challenger");
        assertThat(registry.getModelVersion(name, 1).aliases()).isEmpty();
        assertThat(registry.getRegisteredModel(name).aliases())
                .containsExactlyInAnyOrder(new ModelAlias("champion", 2), new ModelAlias("challenger", 2));

        registry.deleteAlias(name, "challenger");
        assertThat(registry.getRegisteredModel(name).aliases()).containsExactly(new ModelAlias("champion", 2));
        assertFails(() -> registry.getModelVersionByAlias(name, "challenger"), ErrorCode.RESOURCE_DOES_NOT_EXIST,
                "challenger");
    }

    @Test
    void deletingAVersionRemovesItsAliases() {
        String name = unique("gone");
        createModel(name);
        createVersion(name, "s3://bucket/v1");
        registry.setAlias(name, "prod", 1);

        registry.deleteModelVersion(name, 1);

        assertFails(() -> registry.getModelVersionByAlias(name, "prod"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "prod");
        assertThat(registry.getRegisteredModel(name).aliases()).isEmpty();
    }

    @Test
    void reservedOrMisplacedAliasFailsWithInvalidParameterValue() {
        String name = unique("reserved");
        createModel(name);
        createVersion(name, "s3://bucket/v1");

        assertFails(() -> registry.setAlias(name, "latest", 1), ErrorCode.INVALID_PARAMETER_VALUE, "reserved");
        assertFails(() -> registry.setAlias(name, "v1", 1), ErrorCode.INVALID_PARAMETER_VALUE, "reserved");
        assertFails(() -> registry.setAlias(name, "bad alias!", 1), ErrorCode.INVALID_PARAMETER_VALUE, "bad alias!");
        assertFails(() -> registry.setAlias(name, "champion", 9), ErrorCode.RESOURCE_DOES_NOT_EXIST, "version=9");
    }
}
