package dev.slipway.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelAlias;
import dev.slipway.core.registry.ModelVersion;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.core.registry.ModelVersionStatus;
import dev.slipway.core.registry.NewModelVersion;
import dev.slipway.core.registry.RegisteredModel;
import dev.slipway.core.registry.RegistryService;
import dev.slipway.core.registry.RegistryStore;
import dev.slipway.core.tracking.Page;
import dev.slipway.core.tracking.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every behaviour of {@link RegistryStore} over JDBC, exercised through {@link RegistryService} so that the rules
 * and the store are tested together. Subclasses supply the database. The tests of one class share one store and
 * keep apart by unique model names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRegistryStoreTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final SteppingClock clock = new SteppingClock();
    private RegistryStore store;
    private RegistryService registry;

    /** Opens a store on a new, empty database; {@link #removeDatabases()} removes them when the class is done. */
    protected abstract RegistryStore openEmptyStore();

    /** Prepares the database server, or skips the class (a JUnit assumption) when there is none. */
    protected void connectToServer() {}

    protected void removeDatabases() {}

    @BeforeAll
    void openSharedStore() {
        connectToServer();
        store = openEmptyStore();
        registry = new RegistryService(store, clock);
    }

    @AfterAll
    void closeSharedStore() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            removeDatabases();
        }
    }

    // ---- registered models ---------------------------------------------------------------------

    @Test
    void createdModelIsReadBackWithDescriptionTagsAndTimes() {
        String name = uniqueName("created");
        long before = clock.millis();
        RegisteredModel created = registry.createRegisteredModel(name, Optional.of("first model"),
                List.of(new Tag("team", "a"), new Tag("owner", "bob"), new Tag("team", "b")));

        RegisteredModel read = registry.getRegisteredModel(name);
        assertThat(read).isEqualTo(created);
        assertThat(read.name()).isEqualTo(name);
        assertThat(read.description()).contains("first model");
        assertThat(read.tags()).containsExactly(new Tag("owner", "bob"), new Tag("team", "b"));
        assertThat(read.aliases()).isEmpty();
        assertThat(read.creationTimestamp()).isGreaterThan(before).isEqualTo(read.lastUpdatedTimestamp());
    }

    @Test
    void modelNamesAreUniqueAndCaseSensitive() {
        String name = uniqueName("Unique");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.createRegisteredModel(name, Optional.empty(), List.of()))
                .isInstanceOf(SlipwayException.class)
                .hasMessage("Registered Model (name=" + name + ") already exists.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
        registry.createRegisteredModel(name.toLowerCase(), Optional.empty(), List.of());
        assertThat(registry.getRegisteredModel(name.toLowerCase()).name()).isEqualTo(name.toLowerCase());
    }

    @Test
    void missingModelIsNotFound() {
        assertThatThrownBy(() -> registry.getRegisteredModel("no-such-model"))
                .hasMessage("Registered Model with name=no-such-model not found")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> registry.updateRegisteredModel("no-such-model", Optional.of("d")))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.deleteRegisteredModel("no-such-model")).hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.setRegisteredModelTag("no-such-model", new Tag("k", "v")))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.renameRegisteredModel("no-such-model", uniqueName("x")))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.getLatestVersions("no-such-model", List.of()))
                .hasMessageContaining("not found");
    }

    @Test
    void emptyModelNameIsRejected() {
        assertThatThrownBy(() -> registry.createRegisteredModel("", Optional.empty(), List.of()))
                .hasMessageContaining("Missing value for required parameter 'name'")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void updatingTheDescriptionSetsItAndTheUpdateTime() {
        String name = uniqueName("described");
        RegisteredModel created = registry.createRegisteredModel(name, Optional.of("old"), List.of());
        RegisteredModel updated = registry.updateRegisteredModel(name, Optional.of("new"));
        assertThat(updated.description()).contains("new");
        assertThat(updated.lastUpdatedTimestamp()).isGreaterThan(created.lastUpdatedTimestamp());
        assertThat(updated.creationTimestamp()).isEqualTo(created.creationTimestamp());
        assertThat(registry.updateRegisteredModel(name, Optional.empty()).description()).isEmpty();
    }

    @Test
    void renameKeepsVersionsTagsAndAliases() {
        String name = uniqueName("before");
        String newName = uniqueName("after");
        registry.createRegisteredModel(name, Optional.empty(), List.of(new Tag("k", "v")));
        createVersion(name);
        ModelVersion second = createVersion(name);
        registry.setModelVersionTag(name, "2", new Tag("vk", "vv"));
        registry.setAlias(name, "champion", "2");

        RegisteredModel renamed = registry.renameRegisteredModel(name, newName);

        assertThat(renamed.name()).isEqualTo(newName);
        assertThat(renamed.tags()).containsExactly(new Tag("k", "v"));
        assertThat(renamed.aliases()).containsExactly(new ModelAlias("champion", 2));
        ModelVersion moved = registry.getModelVersion(newName, "2");
        assertThat(moved.name()).isEqualTo(newName);
        assertThat(moved.source()).isEqualTo(second.source());
        assertThat(moved.tags()).containsExactly(new Tag("vk", "vv"));
        assertThat(registry.getModelVersionByAlias(newName, "champion").version()).isEqualTo(2);
        assertThatThrownBy(() -> registry.getRegisteredModel(name)).hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.getModelVersion(name, "1")).hasMessageContaining("not found");
        assertThat(createVersion(newName).version()).isEqualTo(3);
    }

    @Test
    void renameToATakenNameFails() {
        String first = uniqueName("first");
        String second = uniqueName("second");
        registry.createRegisteredModel(first, Optional.empty(), List.of());
        registry.createRegisteredModel(second, Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.renameRegisteredModel(first, second))
                .hasMessage("Registered Model (name=" + second + ") already exists.");
        assertThat(registry.getRegisteredModel(first).name()).isEqualTo(first);
    }

    @Test
    void deletingAModelRemovesItsVersionsTagsAndAliases() {
        String name = uniqueName("doomed");
        registry.createRegisteredModel(name, Optional.empty(), List.of(new Tag("k", "v")));
        createVersion(name);
        createVersion(name);
        registry.setModelVersionTag(name, "1", new Tag("vk", "vv"));
        registry.setAlias(name, "prod", "1");

        registry.deleteRegisteredModel(name);

        assertThatThrownBy(() -> registry.getRegisteredModel(name)).hasMessageContaining("not found");
        assertThatThrownBy(() -> registry.getModelVersion(name, "1")).hasMessageContaining("not found");
        assertThat(searchVersions("name = '" + name + "'")).isEmpty();

        RegisteredModel again = registry.createRegisteredModel(name, Optional.empty(), List.of());
        assertThat(again.tags()).isEmpty();
        assertThat(again.aliases()).isEmpty();
        ModelVersion first = createVersion(name);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.tags()).isEmpty();
        assertThat(first.aliases()).isEmpty();
    }

    @Test
    void modelTagsOverwriteAndDelete() {
        String name = uniqueName("tagged");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        registry.setRegisteredModelTag(name, new Tag("k", "one"));
        registry.setRegisteredModelTag(name, new Tag("k", "two"));
        registry.setRegisteredModelTag(name, new Tag("other", ""));
        assertThat(registry.getRegisteredModel(name).tags()).containsExactly(new Tag("k", "two"), new Tag("other", ""));

        registry.deleteRegisteredModelTag(name, "k");
        registry.deleteRegisteredModelTag(name, "never-set");
        assertThat(registry.getRegisteredModel(name).tags()).containsExactly(new Tag("other", ""));
        assertThat(store.deleteRegisteredModelTag(name, "other")).isTrue();
        assertThat(store.deleteRegisteredModelTag(name, "other")).isFalse();
    }

    @Test
    void modelTagLimitsAreEnforced() {
        String name = uniqueName("limits");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        registry.setRegisteredModelTag(name, new Tag("k".repeat(250), "v".repeat(5000)));
        assertThat(registry.getRegisteredModel(name).tags().get(0).value()).hasSize(5000);
        assertThatThrownBy(() -> registry.setRegisteredModelTag(name, new Tag("k", "v".repeat(5001))))
                .hasMessageContaining("length limit of 5000");
        assertThatThrownBy(() -> registry.setModelVersionTag(name, "1", new Tag("k".repeat(251), "v")))
                .hasMessageContaining("length limit of 250");
    }

    // ---- model versions ------------------------------------------------------------------------

    @Test
    void newVersionHasDefaultsAndItsFields() {
        String name = uniqueName("versioned");
        RegisteredModel model = registry.createRegisteredModel(name, Optional.empty(), List.of());
        ModelVersion version = registry.createModelVersion(new NewModelVersion(name, "s3://bucket/model",
                Optional.of("0123456789abcdef0123456789abcdef"), Optional.of("http://link"), Optional.of("desc"),
                Optional.of("alice"), List.of(new Tag("k", "v"))));

        assertThat(version.version()).isEqualTo(1);
        assertThat(version.currentStage()).isEqualTo(ModelVersionStage.NONE);
        assertThat(version.status()).isEqualTo(ModelVersionStatus.READY);
        assertThat(version.source()).isEqualTo("s3://bucket/model");
        assertThat(version.runId()).contains("0123456789abcdef0123456789abcdef");
        assertThat(version.runLink()).contains("http://link");
        assertThat(version.description()).contains("desc");
        assertThat(version.userId()).contains("alice");
        assertThat(version.tags()).containsExactly(new Tag("k", "v"));
        assertThat(version.aliases()).isEmpty();
        assertThat(version.creationTimestamp()).isEqualTo(version.lastUpdatedTimestamp());
        assertThat(registry.getModelVersion(name, "1")).isEqualTo(version);
        assertThat(registry.getRegisteredModel(name).lastUpdatedTimestamp())
                .isEqualTo(version.creationTimestamp()).isGreaterThan(model.lastUpdatedTimestamp());

        ModelVersion bare = createVersion(name);
        assertThat(bare.runId()).isEmpty();
        assertThat(bare.runLink()).isEmpty();
        assertThat(bare.description()).isEmpty();
        assertThat(bare.userId()).isEmpty();
        assertThat(bare.modelId()).isEmpty();
    }

    @Test
    void versionKeepsTheLoggedModelItWasRegisteredFrom() {
        String name = uniqueName("logged");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        ModelVersion version = registry.createModelVersion(new NewModelVersion(name, "models:/m-0123abcd",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of("m-0123abcd")));

        assertThat(version.modelId()).contains("m-0123abcd");
        assertThat(registry.getModelVersion(name, "1").modelId()).contains("m-0123abcd");
        assertThat(registry.getLatestVersions(name, List.of())).extracting(ModelVersion::modelId)
                .containsExactly(Optional.of("m-0123abcd"));
        assertThat(searchVersions("name = '" + name + "'")).extracting(ModelVersion::modelId)
                .containsExactly(Optional.of("m-0123abcd"));
        assertThatThrownBy(() -> registry.createModelVersion(new NewModelVersion(name, "s3://b/m", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.of("bad/id"))))
                .hasMessageContaining("'model_id'");
    }

    @Test
    void versionOfAMissingModelCannotBeCreated() {
        assertThatThrownBy(() -> createVersion("no-such-model"))
                .hasMessage("Registered Model with name=no-such-model not found");
    }

    @Test
    void versionNeedsASourceAndAValidRunId() {
        String name = uniqueName("source");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.createModelVersion(new NewModelVersion(name, "", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of())))
                .hasMessageContaining("'source'");
        assertThatThrownBy(() -> registry.createModelVersion(new NewModelVersion(name, "s3://b", Optional.of("a/b"),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of())))
                .hasMessageContaining("Invalid run ID");
    }

    @Test
    void versionNumbersAreNeverReusedAfterDeletes() {
        String name = uniqueName("numbers");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        assertThat(createVersion(name).version()).isEqualTo(1);
        assertThat(createVersion(name).version()).isEqualTo(2);
        assertThat(createVersion(name).version()).isEqualTo(3);
        registry.deleteModelVersion(name, "3");
        registry.deleteModelVersion(name, "2");
        assertThat(createVersion(name).version()).isEqualTo(4);
        assertThat(searchVersions("name = '" + name + "'")).extracting(ModelVersion::version).containsExactly(4L, 1L);
    }

    @Test
    void missingOrMalformedVersionIsRejected() {
        String name = uniqueName("missing-version");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        assertThatThrownBy(() -> registry.getModelVersion(name, "7"))
                .hasMessage("Model Version (name=" + name + ", version=7) not found")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThatThrownBy(() -> registry.getModelVersion(name, "x"))
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
    }

    @Test
    void updatingAVersionDescriptionSetsItsUpdateTime() {
        String name = uniqueName("mv-described");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        ModelVersion created = createVersion(name);
        ModelVersion updated = registry.updateModelVersion(name, "1", Optional.of("better"));
        assertThat(updated.description()).contains("better");
        assertThat(updated.lastUpdatedTimestamp()).isGreaterThan(created.lastUpdatedTimestamp());
        assertThat(registry.getModelVersion(name, "1")).isEqualTo(updated);
        assertThat(registry.updateModelVersion(name, "1", Optional.empty()).description()).isEmpty();
        assertThatThrownBy(() -> registry.updateModelVersion(name, "2", Optional.of("d")))
                .hasMessageContaining("version=2) not found");
    }

    @Test
    void deletedVersionIsInvisibleEverywhere() {
        String name = uniqueName("soft");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        createVersion(name);
        createVersion(name);
        registry.transitionModelVersionStage(name, "2", "Production", false);
        registry.setAlias(name, "best", "2");
        registry.setAlias(name, "stable", "1");

        registry.deleteModelVersion(name, "2");

        String missing = "Model Version (name=" + name + ", version=2) not found";
        assertThatThrownBy(() -> registry.getModelVersion(name, "2")).hasMessage(missing);
        assertThatThrownBy(() -> registry.deleteModelVersion(name, "2")).hasMessage(missing);
        assertThatThrownBy(() -> registry.updateModelVersion(name, "2", Optional.of("d"))).hasMessage(missing);
        assertThatThrownBy(() -> registry.transitionModelVersionStage(name, "2", "Staging", false)).hasMessage(missing);
        assertThatThrownBy(() -> registry.setModelVersionTag(name, "2", new Tag("k", "v"))).hasMessage(missing);
        assertThatThrownBy(() -> registry.setAlias(name, "again", "2")).hasMessage(missing);
        assertThatThrownBy(() -> registry.getModelVersionByAlias(name, "best"))
                .hasMessage("Registered model alias best not found.");
        assertThat(registry.getRegisteredModel(name).aliases()).containsExactly(new ModelAlias("stable", 1));
        assertThat(registry.getLatestVersions(name, List.of())).extracting(ModelVersion::version).containsExactly(1L);
        assertThat(searchVersions("name = '" + name + "'")).extracting(ModelVersion::version).containsExactly(1L);
    }

    @Test
    void stageTransitionsAcceptAnyCaseAndUpdateTheVersion() {
        String name = uniqueName("stages");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        ModelVersion created = createVersion(name);
        ModelVersion staged = registry.transitionModelVersionStage(name, "1", "staging", false);
        assertThat(staged.currentStage()).isEqualTo(ModelVersionStage.STAGING);
        assertThat(staged.lastUpdatedTimestamp()).isGreaterThan(created.lastUpdatedTimestamp());
        assertThat(registry.getModelVersion(name, "1").currentStage()).isEqualTo(ModelVersionStage.STAGING);
        assertThat(registry.transitionModelVersionStage(name, "1", "ARCHIVED", false).currentStage())
                .isEqualTo(ModelVersionStage.ARCHIVED);
        assertThatThrownBy(() -> registry.transitionModelVersionStage(name, "1", "Deleted_Internal", false))
                .hasMessage("Invalid Model Version stage: Deleted_Internal. "
                        + "Value must be one of None, Staging, Production, Archived.");
    }

    @Test
    void archivingExistingVersionsMovesOnlyThoseInTheTargetStage() {
        String name = uniqueName("archive");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        for (int index = 0; index < 4; index++) {
            createVersion(name);
        }
        registry.transitionModelVersionStage(name, "1", "Production", false);
        registry.transitionModelVersionStage(name, "2", "Production", false);
        registry.transitionModelVersionStage(name, "3", "Staging", false);

        registry.transitionModelVersionStage(name, "4", "Production", true);

        assertThat(stagesOf(name)).containsExactly(ModelVersionStage.ARCHIVED, ModelVersionStage.ARCHIVED,
                ModelVersionStage.STAGING, ModelVersionStage.PRODUCTION);
        registry.transitionModelVersionStage(name, "1", "Production", false);
        assertThat(stagesOf(name)).containsExactly(ModelVersionStage.PRODUCTION, ModelVersionStage.ARCHIVED,
                ModelVersionStage.STAGING, ModelVersionStage.PRODUCTION);
        assertThatThrownBy(() -> registry.transitionModelVersionStage(name, "2", "None", true))
                .hasMessageContaining("is not an Active stage");
    }

    @Test
    void latestVersionsArePerStageInTheRequestedOrder() {
        String name = uniqueName("latest");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        for (int index = 0; index < 5; index++) {
            createVersion(name);
        }
        registry.transitionModelVersionStage(name, "1", "Production", false);
        registry.transitionModelVersionStage(name, "2", "Production", false);
        registry.transitionModelVersionStage(name, "3", "Staging", false);

        assertThat(registry.getLatestVersions(name, List.of()))
                .extracting(ModelVersion::version, ModelVersion::currentStage)
                .containsExactly(tuple(5L, ModelVersionStage.NONE), tuple(3L, ModelVersionStage.STAGING),
                        tuple(2L, ModelVersionStage.PRODUCTION));
        assertThat(registry.getLatestVersions(name, List.of("production", "staging", "Archived")))
                .extracting(ModelVersion::version).containsExactly(2L, 3L);
        assertThatThrownBy(() -> registry.getLatestVersions(name, List.of("Live")))
                .hasMessageContaining("Invalid Model Version stage: Live");
    }

    @Test
    void versionTagsOverwriteAndDelete() {
        String name = uniqueName("mv-tags");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        createVersion(name);
        createVersion(name);
        registry.setModelVersionTag(name, "1", new Tag("k", "one"));
        registry.setModelVersionTag(name, "1", new Tag("k", "two"));
        registry.setModelVersionTag(name, "2", new Tag("k", "other version"));
        assertThat(registry.getModelVersion(name, "1").tags()).containsExactly(new Tag("k", "two"));

        registry.deleteModelVersionTag(name, "1", "k");
        registry.deleteModelVersionTag(name, "1", "never-set");
        assertThat(registry.getModelVersion(name, "1").tags()).isEmpty();
        assertThat(registry.getModelVersion(name, "2").tags()).containsExactly(new Tag("k", "other version"));
        assertThatThrownBy(() -> registry.deleteModelVersionTag(name, "9", "k")).hasMessageContaining("not found");
    }

    // ---- aliases -------------------------------------------------------------------------------

    @Test
    void aliasesPointAtOneVersionAndMove() {
        String name = uniqueName("aliases");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        createVersion(name);
        createVersion(name);
        registry.setAlias(name, "champion", "1");
        registry.setAlias(name, "backup", "1");
        registry.setAlias(name, "challenger", "2");

        assertThat(registry.getModelVersion(name, "1").aliases()).containsExactly("backup", "champion");
        assertThat(registry.getModelVersionByAlias(name, "champion").version()).isEqualTo(1);

        registry.setAlias(name, "champion", "2");

        assertThat(registry.getModelVersionByAlias(name, "champion").version()).isEqualTo(2);
        assertThat(registry.getModelVersion(name, "1").aliases()).containsExactly("backup");
        assertThat(registry.getModelVersion(name, "2").aliases()).containsExactly("challenger", "champion");
        assertThat(registry.getRegisteredModel(name).aliases()).containsExactly(new ModelAlias("backup", 1),
                new ModelAlias("challenger", 2), new ModelAlias("champion", 2));

        registry.deleteAlias(name, "champion");
        registry.deleteAlias(name, "never-set");
        assertThatThrownBy(() -> registry.getModelVersionByAlias(name, "champion"))
                .hasMessage("Registered model alias champion not found.")
                .extracting(e -> ((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST);
        assertThat(registry.getRegisteredModel(name).aliases()).hasSize(2);
    }

    @Test
    void aliasesFollowTheRulesAndNeedAnExistingVersion() {
        String name = uniqueName("alias-rules");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        createVersion(name);
        assertThatThrownBy(() -> registry.setAlias(name, "Latest", "1")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> registry.setAlias(name, "v1", "1")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> registry.setAlias(name, "a.b", "1")).hasMessageContaining("Invalid alias name");
        assertThatThrownBy(() -> registry.setAlias(name, "ok", "5"))
                .hasMessage("Model Version (name=" + name + ", version=5) not found");
        assertThatThrownBy(() -> registry.setAlias("no-such-model", "ok", "1"))
                .hasMessage("Registered Model with name=no-such-model not found");
        assertThatThrownBy(() -> registry.getModelVersionByAlias("no-such-model", "ok"))
                .hasMessage("Registered Model with name=no-such-model not found");
        registry.setAlias(name, "a".repeat(255), "1");
        assertThat(registry.getModelVersionByAlias(name, "a".repeat(255)).version()).isEqualTo(1);
    }

    // ---- search --------------------------------------------------------------------------------

    @Test
    void registeredModelSearchFiltersByNameAndTags() {
        String prefix = uniqueName("rmsearch");
        registry.createRegisteredModel(prefix + "-alpha", Optional.empty(), List.of(new Tag("team", "vision")));
        registry.createRegisteredModel(prefix + "-Beta", Optional.empty(), List.of(new Tag("team", "nlp")));
        registry.createRegisteredModel(prefix + "-gamma", Optional.empty(), List.of());

        assertThat(searchModels("name LIKE '" + prefix + "%'")).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-Beta", prefix + "-alpha", prefix + "-gamma");
        assertThat(searchModels("name = '" + prefix + "-alpha'")).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-alpha");
        assertThat(searchModels("name LIKE '" + prefix + "-b%'")).isEmpty();
        assertThat(searchModels("name ILIKE '" + prefix + "-b%'")).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-Beta");
        assertThat(searchModels("name LIKE '" + prefix + "%' AND tags.team = 'vision'"))
                .extracting(RegisteredModel::name).containsExactly(prefix + "-alpha");
        assertThat(searchModels("name LIKE '" + prefix + "%' AND tags.team != 'vision'"))
                .extracting(RegisteredModel::name).containsExactly(prefix + "-Beta");
        assertThat(searchModels("name LIKE '" + prefix + "%' AND name != '" + prefix + "-gamma'"))
                .extracting(RegisteredModel::name).containsExactly(prefix + "-Beta", prefix + "-alpha");
        assertThat(searchModels("name LIKE '" + prefix + "%'").get(1).tags())
                .containsExactly(new Tag("team", "vision"));
    }

    @Test
    void registeredModelSearchOrdersAndPages() {
        String prefix = uniqueName("rmpage");
        for (String suffix : List.of("c", "a", "b")) {
            registry.createRegisteredModel(prefix + "-" + suffix, Optional.empty(), List.of());
        }
        String filter = "name LIKE '" + prefix + "%'";
        Page<RegisteredModel> first = registry.searchRegisteredModels(Optional.of(filter), Optional.of(2L), List.of(),
                Optional.empty());
        assertThat(first.items()).extracting(RegisteredModel::name).containsExactly(prefix + "-a", prefix + "-b");
        assertThat(first.nextPageToken()).isPresent();
        Page<RegisteredModel> second = registry.searchRegisteredModels(Optional.of(filter), Optional.of(2L),
                List.of(), first.nextPageToken());
        assertThat(second.items()).extracting(RegisteredModel::name).containsExactly(prefix + "-c");
        assertThat(second.nextPageToken()).isEmpty();

        assertThat(registry.searchRegisteredModels(Optional.of(filter), Optional.empty(),
                List.of("creation_timestamp DESC"), Optional.empty()).items()).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-b", prefix + "-a", prefix + "-c");
        assertThat(registry.searchRegisteredModels(Optional.of(filter), Optional.empty(), List.of("timestamp"),
                Optional.empty()).items()).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-c", prefix + "-a", prefix + "-b");
        assertThat(registry.searchRegisteredModels(Optional.of(filter), Optional.empty(), List.of("name DESC"),
                Optional.empty()).items()).extracting(RegisteredModel::name)
                .containsExactly(prefix + "-c", prefix + "-b", prefix + "-a");
    }

    @Test
    void registeredModelSearchRejectsOtherKeysAndLimits() {
        assertThatThrownBy(() -> searchModels("metrics.acc > 1")).hasMessageContaining("Invalid entity type");
        assertThatThrownBy(() -> searchModels("source_path = 'x'")).hasMessageContaining("Invalid attribute key");
        assertThatThrownBy(() -> searchModels("name IN ('a')")).hasMessageContaining("Invalid comparator");
        assertThatThrownBy(() -> searchModels("name = 'a' OR name = 'b'")).hasMessageContaining("Invalid clause");
        assertThatThrownBy(() -> registry.searchRegisteredModels(Optional.empty(), Optional.of(1001L), List.of(),
                Optional.empty())).hasMessageContaining("max_results");
        assertThatThrownBy(() -> registry.searchRegisteredModels(Optional.empty(), Optional.empty(),
                List.of("version_number"), Optional.empty())).hasMessageContaining("Invalid order by key");
        assertThatThrownBy(() -> registry.searchRegisteredModels(Optional.empty(), Optional.empty(), List.of(),
                Optional.of("not a token"))).hasMessageContaining("Invalid page token");
    }

    @Test
    void modelVersionSearchFiltersByEveryKey() {
        String name = uniqueName("mvsearch");
        String runA = "a".repeat(32);
        String runB = "b".repeat(32);
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        registry.createModelVersion(new NewModelVersion(name, "s3://bucket/one", Optional.of(runA), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(new Tag("quality", "good"))));
        registry.createModelVersion(new NewModelVersion(name, "s3://bucket/two", Optional.of(runB), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(new Tag("quality", "bad"))));
        registry.createModelVersion(new NewModelVersion(name, "gs://other/three", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of()));
        String own = "name = '" + name + "' AND ";

        assertThat(versionsOf(own + "version_number > 1")).containsExactly(3L, 2L);
        assertThat(versionsOf(own + "version_number = 2")).containsExactly(2L);
        assertThat(versionsOf(own + "version_number <= 2")).containsExactly(2L, 1L);
        assertThat(versionsOf(own + "run_id = '" + runA + "'")).containsExactly(1L);
        assertThat(versionsOf(own + "run_id IN ('" + runA + "', '" + runB + "')")).containsExactly(2L, 1L);
        assertThat(versionsOf(own + "source_path LIKE 's3://%'")).containsExactly(2L, 1L);
        assertThat(versionsOf(own + "source_path = 'gs://other/three'")).containsExactly(3L);
        assertThat(versionsOf(own + "tags.quality = 'good'")).containsExactly(1L);
        assertThat(versionsOf(own + "tags.quality != 'good'")).containsExactly(2L);
        assertThat(versionsOf(own + "tags.quality ILIKE 'B%'")).containsExactly(2L);
        assertThat(searchVersions(own + "version_number = 1").get(0).tags())
                .containsExactly(new Tag("quality", "good"));
    }

    @Test
    void modelVersionSearchOrdersAndPages() {
        String prefix = uniqueName("mvpage");
        registry.createRegisteredModel(prefix + "-a", Optional.empty(), List.of());
        registry.createRegisteredModel(prefix + "-b", Optional.empty(), List.of());
        createVersion(prefix + "-b");
        createVersion(prefix + "-a");
        createVersion(prefix + "-a");
        String filter = "name LIKE '" + prefix + "%'";

        assertThat(searchVersions(filter)).extracting(version -> version.name() + "/" + version.version())
                .containsExactly(prefix + "-a/2", prefix + "-a/1", prefix + "-b/1");
        Page<ModelVersion> first = registry.searchModelVersions(Optional.of(filter), Optional.of(2L),
                List.of("creation_timestamp ASC"), Optional.empty());
        assertThat(first.items()).extracting(version -> version.name() + "/" + version.version())
                .containsExactly(prefix + "-b/1", prefix + "-a/1");
        Page<ModelVersion> second = registry.searchModelVersions(Optional.of(filter), Optional.of(2L),
                List.of("creation_timestamp ASC"), first.nextPageToken());
        assertThat(second.items()).extracting(version -> version.name() + "/" + version.version())
                .containsExactly(prefix + "-a/2");
        assertThat(second.nextPageToken()).isEmpty();
        assertThat(registry.searchModelVersions(Optional.of(filter), Optional.empty(), List.of("version_number ASC"),
                Optional.empty()).items()).extracting(version -> version.name() + "/" + version.version())
                .containsExactly(prefix + "-a/1", prefix + "-b/1", prefix + "-a/2");
    }

    @Test
    void modelVersionSearchRejectsOtherKeysAndLimits() {
        assertThatThrownBy(() -> searchVersions("params.x = 'a'")).hasMessageContaining("Invalid entity type");
        assertThatThrownBy(() -> searchVersions("status = 'READY'")).hasMessageContaining("Invalid attribute key");
        assertThatThrownBy(() -> searchVersions("name IN ('a')")).hasMessageContaining("Invalid comparator");
        assertThatThrownBy(() -> searchVersions("version_number = 'one'")).hasMessageContaining("numeric");
        assertThatThrownBy(() -> searchVersions("version_number = 1.5")).hasMessageContaining("integer");
        assertThatThrownBy(() -> registry.searchModelVersions(Optional.empty(), Optional.of(200_001L), List.of(),
                Optional.empty())).hasMessageContaining("max_results");
        assertThat(registry.searchModelVersions(Optional.of("name = 'no-such-model'"), Optional.of(200_000L),
                List.of(), Optional.empty()).items()).isEmpty();
    }

    // ---- concurrency ---------------------------------------------------------------------------

    @Test
    void concurrentVersionCreationsGetDistinctConsecutiveNumbers() throws Exception {
        String name = uniqueName("concurrent");
        registry.createRegisteredModel(name, Optional.empty(), List.of());
        int threads = 8;
        int perThread = 5;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                futures.add(executor.submit(() -> {
                    List<Long> numbers = new ArrayList<>();
                    for (int index = 0; index < perThread; index++) {
                        numbers.add(createVersion(name).version());
                    }
                    return numbers;
                }));
            }
            List<Long> numbers = new ArrayList<>();
            for (Future<List<Long>> future : futures) {
                numbers.addAll(future.get());
            }
            assertThat(numbers).doesNotHaveDuplicates().hasSize(threads * perThread);
            assertThat(numbers.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(threads * perThread);
        } finally {
            executor.shutdownNow();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private ModelVersion createVersion(String name) {
        return registry.createModelVersion(new NewModelVersion(name, "s3://bucket/" + name, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of()));
    }

    private List<ModelVersionStage> stagesOf(String name) {
        return registry.searchModelVersions(Optional.of("name = '" + name + "'"), Optional.empty(),
                List.of("version_number ASC"), Optional.empty()).items().stream().map(ModelVersion::currentStage)
                .toList();
    }

    private List<RegisteredModel> searchModels(String filter) {
        return registry.searchRegisteredModels(Optional.of(filter), Optional.empty(), List.of(), Optional.empty())
                .items();
    }

    private List<ModelVersion> searchVersions(String filter) {
        return registry.searchModelVersions(Optional.of(filter), Optional.empty(), List.of(), Optional.empty())
                .items();
    }

    private List<Long> versionsOf(String filter) {
        return searchVersions(filter).stream().map(ModelVersion::version).toList();
    }

    private static String uniqueName(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }
}
