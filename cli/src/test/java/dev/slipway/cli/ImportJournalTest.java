package dev.slipway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file of {@code import-mlflow}: what is recorded is read back, a torn line is dropped, one writer. */
class ImportJournalTest {
    private static final String SOURCE = "http://mlflow.example.com:5000";
    private static final String DESTINATION = "sqlite:////work/.slipway/slipway.db";

    @TempDir
    Path folder;

    @Test
    void everyRecordedStepIsReadBackByTheNextImport() {
        Path file = folder.resolve("state/mlflow.example.com-5000.jsonl");
        try (ImportJournal journal = ImportJournal.open(file, SOURCE, DESTINATION)) {
            journal.experimentMapped("1", "7", true);
            journal.experimentMapped("0", "0", false);
            journal.runCreating("a");
            journal.runCreated("a", "x");
            journal.runDone("a");
            journal.runCreating("b");
            journal.runCreated("b", "y");
            journal.runCreating("c");
            journal.modelCreating("m");
            journal.modelCreated("m");
            journal.versionCreating("m", 1);
            journal.versionCreated("m", 1, 1);
            journal.versionDone("m", 1);
            journal.versionCreating("m", 3);
            journal.loggedModelCreated("m-1", "m-2");
        }

        try (ImportJournal journal = ImportJournal.open(file, SOURCE, DESTINATION)) {
            assertThat(journal.experiment("1")).contains(new ImportJournal.ExperimentProgress("7", true));
            assertThat(journal.experiment("0")).contains(new ImportJournal.ExperimentProgress("0", false));
            assertThat(journal.run("a")).contains(new ImportJournal.RunProgress(true, Optional.of("x"), true));
            assertThat(journal.run("b")).contains(new ImportJournal.RunProgress(true, Optional.of("y"), false));
            assertThat(journal.run("c")).contains(new ImportJournal.RunProgress(true, Optional.empty(), false));
            assertThat(journal.run("d")).isEmpty();
            assertThat(journal.model("m")).contains(new ImportJournal.ModelProgress(true, false));
            assertThat(journal.versions("m")).containsEntry(1L, new ImportJournal.VersionProgress(1, true))
                    .hasSize(1);
            assertThat(journal.versionBeingCreated("m")).contains(3L);
            assertThat(journal.loggedModel("m-1")).contains(new ImportJournal.LoggedModelProgress("m-2", false));
        }
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheJournalContinuesAfterIt() throws IOException {
        Path file = folder.resolve("state.jsonl");
        try (ImportJournal journal = ImportJournal.open(file, SOURCE, DESTINATION)) {
            journal.runCreating("a");
        }
        Files.writeString(file, "{\"kind\":\"run\",\"source\":\"a\",\"ev", UTF_8, StandardOpenOption.APPEND);

        try (ImportJournal journal = ImportJournal.open(file, SOURCE, DESTINATION)) {
            assertThat(journal.run("a")).contains(new ImportJournal.RunProgress(true, Optional.empty(), false));
            journal.runCreated("a", "x");
        }

        try (ImportJournal journal = ImportJournal.open(file, SOURCE, DESTINATION)) {
            assertThat(journal.destinationRun("a")).contains("x");
        }
        assertThat(Files.readAllLines(file)).hasSize(3);
    }

    @Test
    void aSecondImportCannotWriteTheJournalWhileTheFirstHasItOpen() {
        Path file = folder.resolve("state.jsonl");
        try (ImportJournal first = ImportJournal.open(file, SOURCE, DESTINATION)) {
            assertThatThrownBy(() -> ImportJournal.open(file, SOURCE, DESTINATION))
                    .isInstanceOf(SlipwayException.class)
                    .hasMessageContaining("Another import is writing the state file");
        }
    }

    @Test
    void aJournalIsOnlyContinuedIntoItsDestination() {
        Path file = folder.resolve("state.jsonl");
        ImportJournal.open(file, SOURCE, DESTINATION).close();

        assertThatThrownBy(() -> ImportJournal.open(file, SOURCE, "http://slipway.example.com"))
                .isInstanceOf(SlipwayException.class)
                .hasMessageContaining("records an import from " + SOURCE + " into " + DESTINATION)
                .hasMessageContaining("--tracking-uri " + DESTINATION)
                .satisfies(e -> assertThat(((SlipwayException) e).errorCode()).isEqualTo(ErrorCode.INVALID_STATE));
    }

    @Test
    void aDamagedJournalIsReportedWithItsLine() throws IOException {
        Path file = folder.resolve("state.jsonl");
        ImportJournal.open(file, SOURCE, DESTINATION).close();
        Files.writeString(file, "not json\n", UTF_8, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> ImportJournal.open(file, SOURCE, DESTINATION))
                .hasMessageContaining("is damaged (line 2: not a JSON object)");
    }
}
