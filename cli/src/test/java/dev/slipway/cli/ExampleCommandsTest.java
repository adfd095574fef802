package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway example churn-data | split | churn-project} through the command line, in a temp folder. */
class ExampleCommandsTest {
    @TempDir
    Path folder;

    private Environment environment;

    @BeforeEach
    void environment() {
        environment = CliRun.environment(folder, Map.of());
    }

    @Test
    void churnDataIsByteIdenticalForASeedAndCreatesItsFolder() throws IOException {
        CliRun first = CliRun.run(environment, "example", "churn-data", "--rows", "300", "--seed", "9", "--output",
                "data/a.csv");
        CliRun second = CliRun.run(environment, "example", "churn-data", "--rows", "300", "--seed", "9", "--output",
                "data/b.csv");
        CliRun drifted = CliRun.run(environment, "example", "churn-data", "--rows", "300", "--seed", "9", "--drift",
                "0.5", "--output", "data/c.csv");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("300 customers").contains("data/a.csv");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(drifted.exitCode()).as(drifted.toString()).isZero();
        List<String> lines = Files.readAllLines(folder.resolve("data/a.csv"));
        assertThat(lines).hasSize(301);
        assertThat(lines.get(0)).isEqualTo("tenure_months,monthly_charges,total_charges,contract,payment_method,"
                + "support_calls,internet_service,senior,churned");
        assertThat(Files.readAllBytes(folder.resolve("data/b.csv")))
                .isEqualTo(Files.readAllBytes(folder.resolve("data/a.csv")));
        assertThat(Files.readAllBytes(folder.resolve("data/c.csv")))
                .isNotEqualTo(Files.readAllBytes(folder.resolve("data/a.csv")));
        try (var files = Files.list(folder.resolve("data"))) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("a.csv", "b.csv",
                    "c.csv");
        }
    }

    @Test
    void splitIsDeterministicDisjointAndKeepsTheHeader() throws IOException {
        CliRun.run(environment, "example", "churn-data", "--rows", "1000", "--output", "churn.csv");

        CliRun first = CliRun.run(environment, "example", "split", "--input", "churn.csv", "--train", "one/train.csv",
                "--test", "one/test.csv", "--test-fraction", "0.25", "--seed", "3");
        CliRun second = CliRun.run(environment, "example", "split", "--input", "churn.csv", "--train", "two/train.csv",
                "--test", "two/test.csv", "--test-fraction", "0.25", "--seed", "3");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        List<String> all = Files.readAllLines(folder.resolve("churn.csv"));
        List<String> train = Files.readAllLines(folder.resolve("one/train.csv"));
        List<String> test = Files.readAllLines(folder.resolve("one/test.csv"));
        assertThat(train.get(0)).isEqualTo(all.get(0));
        assertThat(test.get(0)).isEqualTo(all.get(0));
        assertThat(train.size() - 1 + test.size() - 1).isEqualTo(1000);
        assertThat(test.size() - 1).isBetween(200, 300);
        assertThat(first.out()).contains((train.size() - 1) + " rows to one/train.csv")
                .contains((test.size() - 1) + " rows to one/test.csv");
        // rows keep their order, so the two files interleave back into the input
        assertThat(all.subList(1, all.size())).containsSubsequence(train.subList(1, train.size()))
                .containsSubsequence(test.subList(1, test.size()));
        assertThat(Files.readAllBytes(folder.resolve("two/train.csv")))
                .isEqualTo(Files.readAllBytes(folder.resolve("one/train.csv")));
        assertThat(Files.readAllBytes(folder.resolve("two/test.csv")))
                .isEqualTo(Files.readAllBytes(folder.resolve("one/test.csv")));
    }

    @Test
    void badOptionsAreUsageErrorsAndAMissingInputIsAFailure() {
        CliRun negative = CliRun.run(environment, "example", "churn-data", "--rows", "-5", "--output", "x.csv");
        CliRun drift = CliRun.run(environment, "example", "churn-data", "--drift", "2", "--output", "x.csv");
        CliRun fraction = CliRun.run(environment, "example", "split", "--input", "x.csv", "--train", "a.csv",
                "--test", "b.csv", "--test-fraction", "1");
        CliRun missing = CliRun.run(environment, "example", "split", "--input", "nope.csv", "--train", "a.csv",
                "--test", "b.csv");

        assertThat(negative.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(negative.err()).contains("--rows must not be negative, got -5");
        assertThat(drift.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(drift.err()).contains("--drift must be between 0 and 1, got 2.0");
        assertThat(fraction.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(fraction.err()).contains("--test-fraction must be above 0 and below 1");
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(missing.err()).contains("nope.csv");
        assertThat(folder.resolve("x.csv")).doesNotExist();
        assertThat(folder.resolve("a.csv")).doesNotExist();
    }

    @Test
    void churnProjectCopiesTheTemplateAndRefusesToOverwrite() {
        CliRun copied = CliRun.run(environment, "example", "churn-project", "--dir", "project");
        CliRun again = CliRun.run(environment, "example", "churn-project", "--dir", "project");

        assertThat(copied.exitCode()).as(copied.toString()).isZero();
        assertThat(folder.resolve("project/dvc.yaml")).isRegularFile();
        assertThat(folder.resolve("project/params.yaml")).isRegularFile();
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.err()).contains("already exists");
    }
}
