package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.TextRow;
import dev.slipway.models.scoring.FeatureBatch;
import dev.slipway.models.scoring.OnnxModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LiveModels#reconfigure} and {@link LiveModels#describe()} against a real registry and real ONNX models. */
class LiveModelsReconfigureTest {
    private static final List<String> ROW = List.of("0.5", "1.5", "green");

    @TempDir
    static Path folder;

    private static RegistryFixture registry;
    private static Path firstModel;
    private static Path secondModel;

    @TempDir
    Path downloads;

    @BeforeAll
    static void startServerAndTrainModels() {
        registry = RegistryFixture.start(folder);
        firstModel = registry.trainModel("first", 1);
        secondModel = registry.trainModel("second", 2);
    }

    @AfterAll
    static void stopServer() {
        registry.close();
    }

    @Test
    void reconfigureSwapsTheStableVersionRetiresTheOldOneAndTellsTheListener() {
        registerTwice("restable");
        List<String> heard = new CopyOnWriteArrayList<>();
        SwapListener listener = new SwapListener() {
            @Override
            public void onSwap(String modelName, String variant, ServedModel previous, ServedModel next) {
                heard.add(modelName + " " + variant + " " + previous.version() + "->" + next.version());
            }
        };
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/restable/1")),
                registry.options(downloads).withListener(listener))) {
            ServedModel first = models.current("restable", Optional.empty()).orElseThrow();
            Route inFlight = models.route("restable", Optional.empty());

            ModelDescription description = models.reconfigure(ModelSpec.of("models:/restable/2"));

            assertThat(description).isEqualTo(new ModelDescription("restable", "models:/restable/2", "2",
                    Optional.empty(), Optional.empty()));
            assertThat(models.describe()).containsExactly(description);
            try (Route route = models.route("restable", Optional.empty())) {
                assertThat(route.primary().model().version()).isEqualTo("2");
                assertThat(score(route.primary().model().onnx())).isIn("c0", "c1");
            }
            assertThat(first.isRetired()).isTrue();
            assertThat(score(first.onnx())).as("the in-flight request finishes on version 1").isIn("c0", "c1");
            inFlight.close();
            assertThatThrownBy(() -> score(first.onnx())).isInstanceOf(IllegalStateException.class);
            assertThat(models.swaps()).isOne();
            assertThat(heard).containsExactly("restable stable 1->2");

            models.refresh();
            assertThat(folders(downloads)).as("the drained version's download is deleted").hasSize(1)
                    .allMatch(path -> path.getFileName().toString().startsWith("restable-v2-"));
        }
    }

    @Test
    void aCanaryAddedAtAHundredThenZeroPercentMovesRoutingAndAPercentChangeLoadsNothing() {
        registerTwice("recanary");
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/recanary/1")),
                registry.options(downloads))) {
            ServedModel stable = models.current("recanary", Optional.empty()).orElseThrow();

            ModelDescription withCanary = models.reconfigure(ModelSpec.of("models:/recanary/1")
                    .withCanary("models:/recanary/2", 100));

            assertThat(withCanary.canary()).contains(new ModelDescription.Canary("models:/recanary/2", "2", 100));
            assertThat(models.current("recanary", Optional.empty())).containsSame(stable);
            ServedModel canary = models.variant("recanary", Lease.CANARY).orElseThrow();
            for (int request = 0; request < 50; request++) {
                assertThat(variantOf(models, "recanary")).isEqualTo(Lease.CANARY);
            }
            assertThat(folders(downloads)).hasSize(2);

            ModelDescription atZero = models.reconfigure(ModelSpec.of("models:/recanary/1")
                    .withCanary("models:/recanary/2", 0));

            assertThat(atZero.canary()).contains(new ModelDescription.Canary("models:/recanary/2", "2", 0));
            assertThat(models.variant("recanary", Lease.CANARY)).as("only the split changed").containsSame(canary);
            assertThat(canary.isRetired()).isFalse();
            assertThat(folders(downloads)).as("nothing was loaded").hasSize(2);
            for (int request = 0; request < 50; request++) {
                assertThat(variantOf(models, "recanary")).isEqualTo(Lease.STABLE);
            }

            models.reconfigure(ModelSpec.of("models:/recanary/1").withCanary("models:/recanary/2", 37.5));
            assertThat(models.split("recanary").percent()).isEqualTo(37.5);
            assertThat(models.variant("recanary", Lease.CANARY)).containsSame(canary);

            ModelDescription removed = models.reconfigure(ModelSpec.of("models:/recanary/1"));

            assertThat(removed.canary()).isEmpty();
            assertThat(canary.isRetired()).isTrue();
            assertThat(stable.isRetired()).isFalse();
            assertThat(models.split("recanary").percent()).isZero();
            assertThat(models.swaps()).as("adding and removing a canary replaces no version").isZero();
        }
    }

    @Test
    void aShadowCanBeAddedAndRemoved() {
        registerTwice("reshadow");
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/reshadow/1")),
                registry.options(downloads))) {
            ModelDescription shadowed = models.reconfigure(ModelSpec.of("models:/reshadow/1")
                    .withShadow("models:/reshadow/2"));

            assertThat(shadowed.shadow()).contains(new ModelDescription.Shadow("models:/reshadow/2", "2"));
            ServedModel shadow;
            try (Route route = models.route("reshadow", Optional.empty())) {
                shadow = route.shadow().orElseThrow().model();
                assertThat(shadow.version()).isEqualTo("2");
            }

            assertThat(models.reconfigure(ModelSpec.of("models:/reshadow/1")).shadow()).isEmpty();

            assertThat(shadow.isRetired()).isTrue();
            try (Route route = models.route("reshadow", Optional.empty())) {
                assertThat(route.shadow()).isEmpty();
            }
        }
    }

    @Test
    void aFailedLoadChangesNothingIsReportedAndNamesTheModelAndTheUri() {
        registerTwice("refragile");
        long corrupt = registry.register("refragile", registry.corruptCopy(firstModel, "corrupt-reconfigure"));
        List<SwapFailure> heard = new CopyOnWriteArrayList<>();
        SwapListener listener = new SwapListener() {
            @Override
            public void onSwapFailure(SwapFailure failure) {
                heard.add(failure);
            }
        };
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/refragile/1")),
                registry.options(downloads).withListener(listener))) {
            ModelDescription before = models.describe("refragile");
            String corruptUri = "models:/refragile/" + corrupt;

            // the new stable version loads, then the canary fails: version 2 is discarded with its download
            assertThatThrownBy(() -> models.reconfigure(ModelSpec.of("models:/refragile/2")
                    .withCanary(corruptUri, 50)))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                    .hasMessageContaining("Cannot load canary model 'refragile' from " + corruptUri)
                    .hasMessageContaining("model.onnx")
                    .hasMessageContaining("nothing changed");

            assertThat(models.describe("refragile")).isEqualTo(before);
            try (Route route = models.route("refragile", Optional.empty())) {
                assertThat(route.primary().model().version()).isEqualTo("1");
                assertThat(score(route.primary().model().onnx())).isIn("c0", "c1");
            }
            assertThat(models.swapFailures()).isOne();
            SwapFailure failure = models.lastSwapFailure().orElseThrow();
            assertThat(failure.modelName()).isEqualTo("refragile");
            assertThat(failure.variant()).isEqualTo(Lease.CANARY);
            assertThat(failure.uri()).isEqualTo(corruptUri);
            assertThat(failure.version()).contains(Long.toString(corrupt));
            assertThat(heard).containsExactly(failure);
            assertThat(folders(downloads)).as("only the serving version's download is left").hasSize(1);

            assertThatThrownBy(() -> models.reconfigure(ModelSpec.of("models:/refragile/99")))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                    .hasMessageContaining("model 'refragile'").hasMessageContaining("models:/refragile/99");
            assertThat(models.swapFailures()).isEqualTo(2);
            assertThat(models.describe("refragile")).isEqualTo(before);
        }
    }

    @Test
    void unknownNamesAndMalformedUrisAreRefusedBeforeAnythingLoads() {
        registry.register("reknown", firstModel);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/reknown/1")),
                registry.options(downloads))) {
            assertThatThrownBy(() -> models.reconfigure(ModelSpec.of("models:/reknown/1").withName("unknown")))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                    .hasMessageContaining("'unknown'").hasMessageContaining("reknown");
            assertThatThrownBy(() -> models.describe("unknown"))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
            assertThatThrownBy(() -> models.reconfigure(new ModelSpec("reknown", "models:/reknown/", Optional.empty(),
                    Optional.empty())))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
                    .hasMessageContaining("models:/reknown/");
            assertThat(models.swapFailures()).isZero();
        }
    }

    @Test
    void afterAReconfigurationThePollerFollowsTheNewSpecsAlias() {
        registerTwice("refollow");
        registry.setAlias("refollow", "champion", 1);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/refollow/1")),
                registry.options(downloads))) {
            ServedModel pinned = models.current("refollow", Optional.empty()).orElseThrow();
            assertThat(models.refresh()).isZero();

            models.reconfigure(ModelSpec.of("models:/refollow@champion"));
            assertThat(pinned.isRetired()).as("the URI changed, so version 1 was loaded again").isTrue();
            registry.setAlias("refollow", "champion", 2);

            assertThat(models.refresh()).isOne();
            assertThat(models.describe("refollow")).isEqualTo(new ModelDescription("refollow",
                    "models:/refollow@champion", "2", Optional.empty(), Optional.empty()));

            // the same alias given again keeps the version it follows now: nothing is loaded
            ServedModel followed = models.current("refollow", Optional.empty()).orElseThrow();
            models.reconfigure(ModelSpec.of("models:/refollow@champion"));
            assertThat(models.current("refollow", Optional.empty())).containsSame(followed);
        }
    }

    @Test
    void closedModelsRefuseReconfiguration() {
        registry.register("reclosed", firstModel);
        LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/reclosed/1")),
                registry.options(downloads));
        models.close();

        assertThatThrownBy(() -> models.reconfigure(ModelSpec.of("models:/reclosed/1")))
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE));
    }

    private static void registerTwice(String name) {
        registry.register(name, firstModel);
        registry.register(name, secondModel);
    }

    private static String variantOf(LiveModels models, String name) {
        try (Route route = models.route(name, Optional.empty())) {
            return route.primary().variant();
        }
    }

    private static String score(OnnxModel model) {
        FeatureBatch batch = model.newBatch(RegistryFixture.FEATURES, Set.of(), "test row", 1);
        batch.addRow(new TextRow("test row", 1, RegistryFixture.FEATURES, ROW));
        return model.predict(batch).label(0);
    }

    private static List<Path> folders(Path root) {
        try (var entries = Files.list(root)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
