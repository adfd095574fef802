package dev.slipway.gitops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.SlipwayException;
import dev.slipway.gitops.DeploymentsRepository.Author;
import dev.slipway.gitops.DeploymentsRepository.Change;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsRepositoryTest {
    private static final Author ALICE = new Author("Alice", "alice@example.com");
    private static final Author BOB = new Author("Bob", "bob@example.com");

    @TempDir
    Path temp;

    @Test
    void initCreatesTheLayoutInAFirstCommit() throws Exception {
        try (DeploymentsRepository repository = DeploymentsRepository.openLocal(temp.resolve("deploy"), Clock.systemUTC())) {
            repository.init(ALICE);

            assertThat(temp.resolve("deploy/envs/README.md")).exists();
            assertThatThrownBy(() -> repository.init(ALICE)).hasMessageContaining("already has envs/");
        }
        try (Git git = Git.open(temp.resolve("deploy").toFile())) {
            assertThat(git.log().call()).hasSize(1);
            assertThat(git.getRepository().getBranch()).isEqualTo("main");
        }
    }

    @Test
    void promoteCommitsTheSpecAndDesiredReadsItBack() {
        try (DeploymentsRepository repository = initialisedLocal()) {
            Optional<String> commit = repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());

            assertThat(commit).isPresent();
            assertThat(repository.desired("prod").deployments()).containsExactly(DeploymentSpec.of("churn", "models:/churn/7"));
            assertThat(repository.desired("prod").commitId()).isEqualTo(commit);
            assertThat(repository.desired("staging").deployments()).isEmpty();
            assertThat(repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "again", ALICE, Optional.empty())).isEmpty();
        }
    }

    @Test
    void promoteCommitsOnlyItsOwnFileInADirtyWorkTree() throws Exception {
        try (DeploymentsRepository repository = initialisedLocal()) {
            Path draft = repository.workTree().resolve("envs/staging/draft.yaml");
            Files.createDirectories(draft.getParent());
            Files.writeString(draft, "name: draft\nmodel: models:/draft/1\n");

            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());

            assertThat(repository.desired("staging").deployments()).isEmpty();
            assertThat(draft).exists();
            try (Git git = Git.open(repository.workTree().toFile())) {
                assertThat(git.status().call().getUntracked()).contains("envs/staging/draft.yaml");
            }
        }
    }

    @Test
    void desiredReportsABadFileWithoutFailingTheEnvironment() throws Exception {
        try (DeploymentsRepository repository = initialisedLocal()) {
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());
            Path workTree = repository.workTree();
            Files.writeString(workTree.resolve("envs/prod/fraud.yaml"), "name: fraud\nmodel: models:/fraud@champion\n");
            Files.writeString(workTree.resolve("envs/prod/other.yaml"), "name: churn\nmodel: models:/churn/3\n");
            try (Git git = Git.open(workTree.toFile())) {
                git.add().addFilepattern("envs").call();
                git.commit().setMessage("hand edit").setAuthor("Bob", "bob@example.com").setCommitter("Bob", "bob@example.com").call();
            }

            DeploymentsRepository.DesiredState state = repository.desired("prod");

            assertThat(state.deployments()).extracting(DeploymentSpec::name).containsExactly("churn");
            assertThat(state.errors()).containsOnlyKeys("envs/prod/fraud.yaml", "envs/prod/other.yaml");
            assertThat(state.errors().get("envs/prod/fraud.yaml")).contains("names an alias");
            assertThat(state.errors().get("envs/prod/other.yaml")).contains("does not match the file name");
        }
    }

    @Test
    void historyListsWhoChangedWhatNewestFirst() {
        try (DeploymentsRepository repository = initialisedLocal()) {
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());
            repository.promote("staging", DeploymentSpec.of("churn", "models:/churn/8"), "Stage churn 8", ALICE, Optional.empty());
            repository.promote("prod", DeploymentSpec.of("fraud", "models:/fraud/2"), "Deploy fraud 2\n\ngate report", BOB, Optional.empty());

            List<Change> history = repository.history("prod");

            assertThat(history).extracting(Change::subject).containsExactly("Deploy fraud 2", "Deploy churn 7");
            assertThat(history.get(0).author()).isEqualTo("Bob <bob@example.com>");
            assertThat(history.get(0).deployments()).containsExactly("fraud");
            assertThat(history.get(0).message()).contains("gate report");
        }
    }

    @Test
    void rollbackRevertsTheLastChangeOfTheEnvironmentOrDeployment() {
        try (DeploymentsRepository repository = initialisedLocal()) {
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());
            repository.promote("prod", DeploymentSpec.of("fraud", "models:/fraud/1"), "Deploy fraud 1", ALICE, Optional.empty());
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/8"), "Deploy churn 8", ALICE, Optional.empty());

            Change revert = repository.rollback("prod", Optional.empty(), BOB);

            assertThat(revert.subject()).isEqualTo("Revert \"Deploy churn 8\"");
            assertThat(repository.deployment("prod", "churn").orElseThrow().model()).isEqualTo("models:/churn/7");

            repository.rollback("prod", Optional.of("fraud"), BOB);

            assertThat(repository.desired("prod").deployments()).extracting(DeploymentSpec::name).containsExactly("churn");
            assertThat(repository.history("prod")).hasSize(5);
            assertThatThrownBy(() -> repository.rollback("prod", Optional.of("absent"), BOB))
                    .isInstanceOf(SlipwayException.class).hasMessageContaining("No change to envs/prod/absent.yaml");
        }
    }

    @Test
    void canaryRollbackRevertsTheCommitThatAddedItOrRemovesIt() {
        try (DeploymentsRepository repository = initialisedLocal()) {
            DeploymentSpec stable = DeploymentSpec.of("churn", "models:/churn/7");
            DeploymentSpec.Canary canary = new DeploymentSpec.Canary("models:/churn/8", List.of(50, 100), java.time.Duration.ofMinutes(1),
                    DeploymentSpec.Analysis.NONE, 3);
            repository.promote("prod", stable, "Deploy churn 7", ALICE, Optional.empty());
            repository.promote("prod", stable.withCanary(Optional.of(canary)), "Canary churn 8", ALICE, Optional.empty());

            Change reverted = repository.rollbackCanary("prod", "churn", "models:/churn/8", "error rate 0.5 above 0.01", BOB).orElseThrow();

            assertThat(reverted.message()).startsWith("Revert \"Canary churn 8\"").contains("This reverts commit").endsWith("error rate 0.5 above 0.01");
            assertThat(reverted.author()).startsWith("Bob");
            assertThat(repository.deployment("prod", "churn")).contains(stable);
            assertThat(repository.rollbackCanary("prod", "churn", "models:/churn/8", "again", BOB)).as("no canary left").isEmpty();

            // a later change to the same file: the canary is removed, the later change kept
            repository.promote("prod", stable.withCanary(Optional.of(canary)), "Canary churn 8 again", ALICE, Optional.empty());
            repository.update("prod", "churn", spec -> Optional.of(spec.withReplicas(3)), "Scale churn", ALICE);
            Change removed = repository.rollbackCanary("prod", "churn", "models:/churn/8", "p99 too slow", BOB).orElseThrow();
            assertThat(removed.subject()).isEqualTo("Roll back canary models:/churn/8 of prod/churn");
            assertThat(repository.deployment("prod", "churn")).contains(stable.withReplicas(3));
        }
    }

    @Test
    void updateChangesTheHeadVersionAndSkipsMissingOrUnchangedFiles() {
        try (DeploymentsRepository repository = initialisedLocal()) {
            assertThat(repository.update("prod", "churn", spec -> Optional.of(spec.withReplicas(2)), "Scale", ALICE)).isEmpty();
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());

            assertThat(repository.update("prod", "churn", Optional::of, "Nothing", ALICE)).isEmpty();
            assertThat(repository.update("prod", "churn", spec -> Optional.of(spec.withModel("models:/churn/8")), "Promote canary", ALICE)).isPresent();
            assertThat(repository.deployment("prod", "churn").orElseThrow().model()).isEqualTo("models:/churn/8");
            assertThat(repository.history("prod").get(0).subject()).isEqualTo("Promote canary");
        }
    }

    @Test
    void branchCommitsForAPullRequestAndLeavesTheDefaultBranch() throws Exception {
        Path bare = bareRemote();
        try (DeploymentsRepository repository = DeploymentsRepository.openRemote(bare.toUri().toString(), temp.resolve("cache"), Clock.systemUTC())) {
            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/7"), "Deploy churn 7", ALICE, Optional.empty());

            repository.promote("prod", DeploymentSpec.of("churn", "models:/churn/8"), "Deploy churn 8", ALICE, Optional.of("deploy-churn-8"));

            assertThat(repository.deployment("prod", "churn").orElseThrow().model()).isEqualTo("models:/churn/7");
        }
        try (Git git = Git.open(bare.toFile())) {
            RevCommit branchHead = git.log().add(git.getRepository().resolve("refs/heads/deploy-churn-8")).setMaxCount(1).call().iterator().next();
            assertThat(branchHead.getShortMessage()).isEqualTo("Deploy churn 8");
            RevCommit mainHead = git.log().add(git.getRepository().resolve("refs/heads/main")).setMaxCount(1).call().iterator().next();
            assertThat(mainHead.getShortMessage()).isEqualTo("Deploy churn 7");
        }
    }

    @Test
    void twoClonesRacingAPushLoseNoCommit() throws Exception {
        Path bare = bareRemote();
        String url = bare.toUri().toString();
        int perWriter = 5;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (String writer : List.of("alpha", "beta")) {
            writers.add(pool.submit(() -> {
                try (DeploymentsRepository clone = DeploymentsRepository.openRemote(url, temp.resolve("cache-" + writer), Clock.systemUTC())) {
                    start.await();
                    for (int version = 1; version <= perWriter; version++) {
                        clone.promote("prod", DeploymentSpec.of(writer, "models:/" + writer + "/" + version), writer + " " + version,
                                new Author(writer, writer + "@example.com"), Optional.empty());
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> writer : writers) {
            writer.get();
        }
        pool.shutdown();

        try (DeploymentsRepository reader = DeploymentsRepository.openRemote(url, temp.resolve("cache-reader"), Clock.systemUTC())) {
            assertThat(reader.history("prod")).hasSize(2 * perWriter);
            assertThat(reader.desired("prod").deployments()).extracting(DeploymentSpec::model)
                    .containsExactlyInAnyOrder("models:/alpha/5", "models:/beta/5");
        }
    }

    @Test
    void initPushesToAnEmptyRemote() throws Exception {
        Path bare = temp.resolve("empty.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        try (DeploymentsRepository repository = DeploymentsRepository.openRemote(bare.toUri().toString(), temp.resolve("cache"), Clock.systemUTC())) {
            repository.init(ALICE);
        }
        try (Git git = Git.open(bare.toFile())) {
            assertThat(git.getRepository().resolve("refs/heads/main")).isNotNull();
            assertThat(new String(git.getRepository().open(org.eclipse.jgit.treewalk.TreeWalk.forPath(git.getRepository(), "envs/README.md",
                    git.log().call().iterator().next().getTree()).getObjectId(0)).getBytes(), UTF_8)).contains("envs/<env>/<deployment>.yaml");
        }
    }

    private DeploymentsRepository initialisedLocal() {
        DeploymentsRepository repository = DeploymentsRepository.openLocal(temp.resolve("deploy"), Clock.systemUTC());
        repository.init(ALICE);
        return repository;
    }

    /** A bare repository with the layout in its main branch, as a team's remote would be. */
    private Path bareRemote() throws Exception {
        Path bare = temp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        try (DeploymentsRepository seed = DeploymentsRepository.openRemote(bare.toUri().toString(), temp.resolve("seed"), Clock.systemUTC())) {
            seed.init(ALICE);
        }
        try (Git git = Git.open(bare.toFile())) {
            assertThat(git.getRepository().exactRef(Constants.HEAD).getTarget().getName()).isEqualTo("refs/heads/main");
        }
        return bare;
    }
}
