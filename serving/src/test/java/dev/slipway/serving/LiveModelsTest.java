package dev.slipway.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersionStage;
import dev.slipway.models.data.TextRow;
import dev.slipway.models.scoring.FeatureBatch;
import dev.slipway.models.scoring.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveModelsTest {
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
    void swapUnderConcurrentLoadFailsNoRequestAndClosesTheOldSessionOnceDrained() throws Exception {
        registry.register("swap", firstModel);
        registry.register("swap", secondModel);
        registry.setAlias("swap", "champion", 1);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/swap@champion")),
                registry.options(downloads))) {
            ServedModel first = models.current("swap", Optional.empty()).orElseThrow();
            assertThat(first.version()).isEqualTo("1");

            int threads = 4;
            AtomicBoolean swapped = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
            AtomicInteger wrongAfterSwap = new AtomicInteger();
            CountDownLatch warmedUp = new CountDownLatch(threads * 50);
            CountDownLatch afterSwap = new CountDownLatch(threads * 50);
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread worker = new Thread(() -> {
                    while (!stop.get()) {
                        boolean swapDone = swapped.get();
                        try (Route route = models.route("swap", Optional.empty())) {
                            String label = score(route.primary().model().onnx());
                            assertThat(label).isIn("c0", "c1");
                            String version = route.primary().model().version();
                            versions.computeIfAbsent(version, key -> new AtomicInteger()).incrementAndGet();
                            if (swapDone && !version.equals("2")) {
                                wrongAfterSwap.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        warmedUp.countDown();
                        if (swapDone) {
                            afterSwap.countDown();
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            assertThat(warmedUp.await(2, TimeUnit.MINUTES)).isTrue();

            registry.setAlias("swap", "champion", 2);
            assertThat(models.refresh()).isEqualTo(1);
            swapped.set(true);

            assertThat(afterSwap.await(2, TimeUnit.MINUTES)).isTrue();
            stop.set(true);
            for (Thread worker : workers) {
                worker.join();
            }

            assertThat(failures).isEmpty();
            assertThat(wrongAfterSwap.get()).isZero();
            assertThat(versions.keySet()).containsExactlyInAnyOrder("1", "2");
            assertThat(models.current("swap", Optional.empty()).orElseThrow().version()).isEqualTo("2");
            assertThat(models.swaps()).isEqualTo(1);
            assertThat(first.isRetired()).isTrue();
            assertThat(first.leases()).isZero();
            assertThatThrownBy(() -> score(first.onnx())).isInstanceOf(IllegalStateException.class);
            assertThat(models.refresh()).as("the alias did not move again").isZero();
        }
    }

    @Test
    void repeatedSwapsUnderConcurrentLoadFailNoRequest() throws Exception {
        registry.register("flapping", firstModel);
        registry.register("flapping", secondModel);
        registry.setAlias("flapping", "champion", 1);
        ModelSpec spec = ModelSpec.of("models:/flapping@champion").withShadow("models:/flapping@champion");
        try (LiveModels models = LiveModels.start(List.of(spec), registry.options(downloads))) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // one worker scores; the others only route, so that now and then a route lands between reading a
                // snapshot and leasing its version just as a swap retires that version (and must route again)
                boolean scores = i == 0;
                Thread worker = new Thread(() -> {
                    while (!stop.get()) {
                        try (Route route = models.route("flapping", Optional.empty())) {
                            if (scores) {
                                score(route.primary().model().onnx());
                                score(route.shadow().orElseThrow().model().onnx());
                            }
                            calls.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            List<ServedModel> replaced = new ArrayList<>();
            for (int swap = 0; swap < 30; swap++) {
                int before = calls.get();
                while (calls.get() < before + 100) {
                    Thread.onSpinWait();
                }
                replaced.add(models.variant("flapping", Lease.STABLE).orElseThrow());
                replaced.add(models.variant("flapping", Lease.SHADOW).orElseThrow());
                registry.setAlias("flapping", "champion", swap % 2 == 0 ? 2 : 1);
                assertThat(models.refresh()).isEqualTo(2);
            }
            stop.set(true);
            for (Thread worker : workers) {
                worker.join();
            }

            assertThat(failures).isEmpty();
            assertThat(models.swaps()).isEqualTo(60);
            assertThat(replaced).allMatch(ServedModel::isRetired).allMatch(model -> model.leases() == 0);
            assertThat(models.refresh()).isZero();
            assertThat(folders(downloads)).as("drained versions' downloads are deleted").hasSize(2);
        }
    }

    @Test
    void swapListenerHearsTheMoveAndADrainedVersionsDownloadIsDeleted() {
        registry.register("listened", firstModel);
        registry.register("listened", secondModel);
        registry.setAlias("listened", "prod", 1);
        List<String> heard = new CopyOnWriteArrayList<>();
        SwapListener listener = new SwapListener() {
            @Override
            public void onSwap(String modelName, String variant, ServedModel previous, ServedModel next) {
                heard.add(modelName + " " + variant + " " + previous.version() + "->" + next.version());
            }
        };
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/listened@prod")),
                registry.options(downloads).withListener(listener))) {
            assertThat(folders(downloads)).hasSize(1);
            registry.setAlias("listened", "prod", 2);

            assertThat(models.refresh()).isEqualTo(1);

            assertThat(heard).containsExactly("listened stable 1->2");
            assertThat(folders(downloads)).hasSize(1).allMatch(path -> path.getFileName().toString()
                    .startsWith("listened-v2-"));
        }
        assertThat(folders(downloads)).isEmpty();
    }

    @Test
    void backgroundPollingFollowsTheLatestVersion() throws Exception {
        registry.register("polled", firstModel);
        CountDownLatch swapped = new CountDownLatch(1);
        SwapListener listener = new SwapListener() {
            @Override
            public void onSwap(String modelName, String variant, ServedModel previous, ServedModel next) {
                swapped.countDown();
            }
        };
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/polled/latest")),
                registry.options(downloads).withListener(listener).withPollInterval(Duration.ofMillis(50)))) {
            assertThat(models.current("polled", Optional.empty()).orElseThrow().version()).isEqualTo("1");

            registry.register("polled", secondModel);

            assertThat(swapped.await(2, TimeUnit.MINUTES)).isTrue();
            assertThat(models.current("polled", Optional.empty()).orElseThrow().version()).isEqualTo("2");
        }
    }

    @Test
    void stageUriFollowsTheNewestVersionInTheStageAndTheCanaryFollowsItsOwn() {
        registry.register("staged", firstModel);
        registry.register("staged", secondModel);
        registry.client.registry().transitionModelVersionStage("staged", 1, ModelVersionStage.PRODUCTION, false);
        registry.client.registry().transitionModelVersionStage("staged", 2, ModelVersionStage.STAGING, false);
        ModelSpec spec = ModelSpec.of("models:/staged/Production").withCanary("models:/staged/Staging", 50);
        try (LiveModels models = LiveModels.start(List.of(spec), registry.options(downloads))) {
            assertThat(models.variant("staged", Lease.STABLE)).map(ServedModel::version).contains("1");
            assertThat(models.variant("staged", Lease.CANARY)).map(ServedModel::version).contains("2");

            registry.client.registry().transitionModelVersionStage("staged", 2, ModelVersionStage.PRODUCTION, true);

            assertThat(models.refresh()).as("stable moves to 2; Staging is now empty, so the canary stays").isOne();
            assertThat(models.variant("staged", Lease.STABLE)).map(ServedModel::version).contains("2");
            assertThat(models.variant("staged", Lease.CANARY)).map(ServedModel::version).contains("2");
            assertThat(models.lastSwapFailure().orElseThrow().message())
                    .contains("Cannot resolve models:/staged/Staging", "no version in stage Staging");
            assertThat(models.split("staged").percent()).isEqualTo(50);
        }
    }

    @Test
    void fixedVersionIsNeverSwapped() {
        registry.register("pinned", firstModel);
        registry.register("pinned", secondModel);
        registry.setAlias("pinned", "champion", 1);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/pinned/1")),
                registry.options(downloads))) {
            registry.setAlias("pinned", "champion", 2);

            assertThat(models.refresh()).isZero();
            assertThat(models.current("pinned", Optional.empty()).orElseThrow().version()).isEqualTo("1");
        }
    }

    @Test
    void failedSwapKeepsTheOldVersionServingAndReportsTheFailure() {
        registry.register("fragile", firstModel);
        long corrupt = registry.register("fragile", registry.corruptCopy(firstModel, "corrupt"));
        registry.setAlias("fragile", "champion", 1);
        List<SwapFailure> heard = new CopyOnWriteArrayList<>();
        SwapListener listener = new SwapListener() {
            @Override
            public void onSwapFailure(SwapFailure failure) {
                heard.add(failure);
            }
        };
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/fragile@champion")),
                registry.options(downloads).withListener(listener))) {
            registry.setAlias("fragile", "champion", corrupt);

            assertThat(models.refresh()).isZero();

            assertThat(models.swapFailures()).isEqualTo(1);
            SwapFailure failure = models.lastSwapFailure().orElseThrow();
            assertThat(failure.modelName()).isEqualTo("fragile");
            assertThat(failure.variant()).isEqualTo(Lease.STABLE);
            assertThat(failure.uri()).isEqualTo("models:/fragile@champion");
            assertThat(failure.version()).contains(Long.toString(corrupt));
            assertThat(failure.message()).contains("models:/fragile@champion", "model.onnx",
                    "version 1 keeps serving");
            assertThat(heard).containsExactly(failure);
            try (Route route = models.route("fragile", Optional.empty())) {
                assertThat(route.primary().model().version()).isEqualTo("1");
                assertThat(score(route.primary().model().onnx())).isIn("c0", "c1");
            }
            assertThat(folders(downloads)).as("the failed download is deleted").hasSize(1);

            assertThat(models.refresh()).as("tried again at the next poll").isZero();
            assertThat(models.swapFailures()).isEqualTo(2);

            registry.client.registry().deleteAlias("fragile", "champion");
            assertThat(models.refresh()).isZero();
            assertThat(models.swapFailures()).isEqualTo(3);
            assertThat(models.lastSwapFailure().orElseThrow().message())
                    .startsWith("Cannot resolve models:/fragile@champion").contains("champion");
            assertThat(models.current("fragile", Optional.empty()).orElseThrow().version()).isEqualTo("1");
        }
    }

    @Test
    void canarySplitIsWithinStatisticalBoundsAndStickyByKey() {
        registry.register("split", firstModel);
        registry.register("split", secondModel);
        ModelSpec spec = ModelSpec.of("models:/split/1").withCanary("models:/split/2", 10);
        try (LiveModels models = LiveModels.start(List.of(spec), registry.options(downloads))) {
            int routes = 20_000;
            int canary = 0;
            for (int i = 0; i < routes; i++) {
                try (Route route = models.route("split", Optional.empty())) {
                    if (route.primary().variant().equals(Lease.CANARY)) {
                        canary++;
                        assertThat(route.primary().model().version()).isEqualTo("2");
                    } else {
                        assertThat(route.primary().variant()).isEqualTo(Lease.STABLE);
                        assertThat(route.primary().model().version()).isEqualTo("1");
                    }
                    assertThat(route.shadow()).isEmpty();
                }
            }
            double sigma = Math.sqrt(routes * 0.1 * 0.9);
            assertThat((double) canary).isBetween(routes * 0.1 - 4.5 * sigma, routes * 0.1 + 4.5 * sigma);

            int keys = 2_000;
            int canaryKeys = 0;
            for (int key = 0; key < keys; key++) {
                String requestKey = "customer-" + key;
                String first = variant(models, "split", requestKey);
                for (int repeat = 0; repeat < 3; repeat++) {
                    assertThat(variant(models, "split", requestKey)).isEqualTo(first);
                }
                assertThat(first.equals(Lease.CANARY)).isEqualTo(TrafficSplit.bucket(requestKey) < 1000);
                if (first.equals(Lease.CANARY)) {
                    canaryKeys++;
                }
            }
            double keySigma = Math.sqrt(keys * 0.1 * 0.9);
            assertThat((double) canaryKeys).isBetween(keys * 0.1 - 4.5 * keySigma, keys * 0.1 + 4.5 * keySigma);
        }
    }

    @Test
    void shadowIsLeasedBesideEveryRequestAndFollowsItsAlias() {
        registry.register("shadowed", firstModel);
        registry.register("shadowed", secondModel);
        registry.setAlias("shadowed", "challenger", 1);
        ModelSpec spec = ModelSpec.of("models:/shadowed/1").withShadow("models:/shadowed@challenger");
        try (LiveModels models = LiveModels.start(List.of(spec), registry.options(downloads))) {
            try (Route route = models.route("shadowed", Optional.of("key"))) {
                assertThat(route.primary().variant()).isEqualTo(Lease.STABLE);
                Lease shadow = route.shadow().orElseThrow();
                assertThat(shadow.variant()).isEqualTo(Lease.SHADOW);
                assertThat(shadow.model().version()).isEqualTo("1");
                assertThat(shadow.model()).isNotSameAs(route.primary().model());
                assertThat(shadow.model().leases()).isEqualTo(1);
            }
            registry.setAlias("shadowed", "challenger", 2);

            assertThat(models.refresh()).isEqualTo(1);

            try (Route route = models.route("shadowed", Optional.empty())) {
                assertThat(route.primary().model().version()).isEqualTo("1");
                assertThat(route.shadow().orElseThrow().model().version()).isEqualTo("2");
                assertThat(score(route.shadow().orElseThrow().model().onnx())).isIn("c0", "c1");
            }
            assertThat(models.current("shadowed", Optional.of("2"))).map(ServedModel::uri)
                    .contains("models:/shadowed@challenger");
            assertThat(models.variant("shadowed", Lease.SHADOW)).map(ServedModel::version).contains("2");
        }
    }

    @Test
    void servesSeveralModelsByNameFromARunAndAFolder() {
        String runId = registry.logModel(firstModel).runId();
        List<ModelSpec> specs = List.of(ModelSpec.of("runs:/" + runId + "/model"),
                ModelSpec.of(secondModel.toString()).withName("local"));
        try (LiveModels models = LiveModels.start(specs, registry.options(downloads))) {
            assertThat(models.modelNames()).containsExactly("model", "local");
            for (String name : models.modelNames()) {
                try (Route route = models.route(name, Optional.empty())) {
                    assertThat(route.primary().model().name()).isEqualTo(name);
                    assertThat(route.primary().model().version()).isEqualTo("1");
                    assertThat(score(route.primary().model().onnx())).isIn("c0", "c1");
                }
            }
            assertThat(models.ready()).isTrue();
            assertThat(models.refresh()).isZero();
        }
    }

    @Test
    void unknownModelNameIsResourceDoesNotExistListingTheServedNames() {
        registry.register("known", firstModel);
        List<ModelSpec> specs = List.of(ModelSpec.of("models:/known/1"),
                ModelSpec.of(secondModel.toString()).withName("other"));
        try (LiveModels models = LiveModels.start(specs, registry.options(downloads))) {
            assertThatThrownBy(() -> models.route("unknown", Optional.empty()))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                    .hasMessageContaining("'unknown'")
                    .hasMessageContaining("known, other");
            assertThat(models.current("unknown", Optional.empty())).isEmpty();
        }
    }

    @Test
    void startFailureNamesTheModelAndTheUriAndLeavesNothingLoaded() {
        registry.register("present", firstModel);
        List<ModelSpec> missingAlias = List.of(ModelSpec.of("models:/present/1"),
                ModelSpec.of("models:/present@nowhere").withName("second"));
        assertThatThrownBy(() -> LiveModels.start(missingAlias, registry.options(downloads)))
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
                .hasMessageContaining("model 'second'")
                .hasMessageContaining("models:/present@nowhere");
        assertThat(folders(downloads)).as("downloads of the models loaded before are deleted").isEmpty();

        long corrupt = registry.register("present", registry.corruptCopy(firstModel, "corrupt-at-start"));
        assertThatThrownBy(() -> LiveModels.start(List.of(ModelSpec.of("models:/present/1")
                .withCanary("models:/present/" + corrupt, 5)), registry.options(downloads)))
                .hasMessageContaining("Cannot load canary model 'present' from models:/present/" + corrupt)
                .hasMessageContaining("model.onnx");

        Path missingFolder = folder.resolve("no-such-model");
        assertThatThrownBy(() -> LiveModels.start(List.of(ModelSpec.of(missingFolder.toString())),
                registry.options(downloads)))
                .hasMessageContaining(missingFolder.toString());
    }

    @Test
    void closeRetiresEveryVersionAndRefusesNewRequests() {
        registry.register("closing", firstModel);
        LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/closing/1")), registry.options(downloads));
        Route inFlight = models.route("closing", Optional.empty());
        ServedModel served = inFlight.primary().model();

        models.close();

        assertThat(models.ready()).isFalse();
        assertThat(served.isRetired()).isTrue();
        assertThat(score(served.onnx())).as("in-flight requests finish").isIn("c0", "c1");
        inFlight.close();
        assertThatThrownBy(() -> score(served.onnx())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> models.route("closing", Optional.empty()))
                .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE));
    }

    @Test
    void versionRetiredWithoutASuccessorIsTemporarilyUnavailableInsteadOfRetriedForever() {
        registry.register("orphaned", firstModel);
        try (LiveModels models = LiveModels.start(List.of(ModelSpec.of("models:/orphaned/1")),
                registry.options(downloads))) {
            models.current("orphaned", Optional.empty()).orElseThrow().retire();

            assertThatThrownBy(() -> models.route("orphaned", Optional.empty()))
                    .isInstanceOfSatisfying(SlipwayException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(ErrorCode.TEMPORARILY_UNAVAILABLE))
                    .hasMessageContaining("'orphaned'");
        }
    }

    private static String variant(LiveModels models, String name, String key) {
        try (Route route = models.route(name, Optional.of(key))) {
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
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
