package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.monitoring.ColumnSpec;
import dev.slipway.monitoring.ColumnDistribution;
import dev.slipway.monitoring.DataQualityReport;
import dev.slipway.monitoring.DatasetSketch;
import dev.slipway.monitoring.DriftMethod;
import dev.slipway.monitoring.DriftOptions;
import dev.slipway.monitoring.DriftReport;
import dev.slipway.monitoring.DriftResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slipway monitor ...}: reference data of a model version and drift reports on its logged predictions. */
@Command(name = "monitor", description = "Production monitoring: reference data, drift and quality reports, and monitors the server runs on a schedule with alerts that call webhooks or retrain.",
        subcommands = {MonitorCommand.Reference.class, MonitorCommand.Report.class, MonitorAdminCommands.Create.class,
            MonitorAdminCommands.Apply.class, MonitorAdminCommands.ListMonitors.class, MonitorAdminCommands.Show.class,
            MonitorAdminCommands.Run.class, MonitorAdminCommands.Delete.class, MonitorAdminCommands.Actions.class})
final class MonitorCommand {
    private MonitorCommand() {}

    /** A monitoring command: it talks to the tracking server of the tracking options, as the model commands do. */
    abstract static class ServerBound implements Callable<Integer> {
        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        final Environment environment;

        ServerBound(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws Exception {
            validate();
            PrintWriter out = spec.commandLine().getOut();
            try (ServerConnection connection = ServerConnection.open(trackingOptions, environment, Backends.discover())) {
                return run(connection.client(), out);
            } finally {
                out.flush();
            }
        }

        void validate() {}

        abstract int run(TrackingClient client, PrintWriter out) throws IOException;

        ParameterException usageError(String format, Object... args) {
            return new ParameterException(spec.commandLine(), String.format(format, args));
        }
    }

    /** A monitoring command about one registered model version. */
    abstract static class Subcommand extends ServerBound {
        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL_URI",
                description = "The registered model version: models:/NAME/VERSION, models:/NAME@ALIAS or models:/NAME/latest.")
        String modelUri;

        Subcommand(Environment environment) {
            super(environment);
        }
    }

    @Command(name = "reference", description = {"Set a model version's reference data from a CSV file: its sketch "
            + "(quantiles and frequencies of the model's signature columns) is stored in the version's source run as "
            + "the artifact " + ReferenceSketches.ARTIFACT_PATH + ".",
            "Without one, reports use the training dataset recorded in the run's lineage when it is readable here."})
    static final class Reference extends Subcommand {
        @Option(names = {"-d", "--data"}, required = true, paramLabel = "CSV",
                description = "The reference data: a CSV file with a header holding the model's input columns.")
        Path data;

        Reference(Environment environment) {
            super(environment);
        }

        @Override
        int run(TrackingClient client, PrintWriter out) {
            MonitoredModel model = MonitoredModel.resolve(client, modelUri);
            Path file = environment.resolve(data.toString());
            DatasetSketch sketch = ReferenceSketches.fromCsv(file, model);
            new ReferenceSketches(client).store(model, sketch);
            out.printf("Reference of model %s set from %s: %d rows, %d columns (%s).%n", model.describe(), file,
                    sketch.rows(), sketch.columns().size(),
                    sketch.columns().stream().map(ColumnSpec::name).collect(Collectors.joining(", ")));
            out.printf("Stored as runs:/%s/%s%n", model.runId(), ReferenceSketches.ARTIFACT_PATH);
            return 0;
        }
    }

    @Command(name = "report", description = {"Compare a model version's recent predictions with its reference data: "
            + "drift per feature (Evidently's default tests by column type and reference size, or --method), the "
            + "dataset verdict, data quality, and live model quality of the labelled predictions (feedback) beside "
            + "the training metrics.",
            "Prints a table; --json and --output write the report as JSON and as a self-contained HTML page. "
                    + "Exits 0 whether or not drift is found, and when the window has no predictions (the report "
                    + "then says there is not enough data); 1 on errors."})
    static final class Report extends Subcommand {
        static final class Window {
            @Option(names = "--window", paramLabel = "DURATION",
                    description = "The predictions logged in this last period, such as 24h, 30m or 7d, as the "
                            + "server sketched them (default: 24h).")
            Optional<String> duration = Optional.empty();

            @Option(names = "--last", paramLabel = "N", description = "The latest N predictions instead of a period.")
            Optional<Long> last = Optional.empty();
        }

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Window window = new Window();

        @Option(names = "--output", paramLabel = "FILE", description = "Write the HTML report here.")
        Optional<Path> output = Optional.empty();

        @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report here ('-' for standard output).")
        Optional<String> jsonFile = Optional.empty();

        @Option(names = "--positive-label", paramLabel = "LABEL", description = {"The positive class of a binary "
                + "classifier for live precision, recall, F1 and ROC AUC (default: the second of its two classes, "
                + "else the larger of two labels)."})
        Optional<String> positiveLabel = Optional.empty();

        @Option(names = "--drift-share", paramLabel = "SHARE", defaultValue = "0.5",
                description = "The dataset drifts when at least this share of the features drifted (default: ${DEFAULT-VALUE}).")
        double driftShare;

        @Option(names = "--method", paramLabel = "[COLUMN=]METHOD",
                description = {"The test of one column (COLUMN=METHOD), or of every column (METHOD); repeatable. Methods: "
                        + "ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, hellinger, anderson, "
                        + "cramer_von_mises, mannw, ed."})
        List<String> methods = List.of();

        Report(Environment environment) {
            super(environment);
        }

        @Override
        void validate() {
            if (window == null) {
                window = new Window();
            }
            if (!(driftShare > 0 && driftShare <= 1)) {
                throw usageError("--drift-share must be in (0, 1], got %s", driftShare);
            }
            if (window.last.isPresent() && window.last.get() < 1) {
                throw usageError("--last must be a positive number of predictions, got %d", window.last.get());
            }
            window.duration.ifPresent(text -> {
                try {
                    Durations.parsePositive(text);
                } catch (RuntimeException e) {
                    throw usageError("--window: %s", e.getMessage());
                }
            });
            options();
        }

        DriftOptions options() {
            DriftOptions options = DriftOptions.defaults().withDriftShare(driftShare);
            for (String entry : methods) {
                int equals = entry.lastIndexOf('=');
                String name = entry.substring(equals + 1).trim();
                DriftMethod method = DriftMethod.fromWireName(name).orElseThrow(() -> usageError(
                        "--method: unknown method '%s' (known: %s)", name, Arrays.stream(DriftMethod.values())
                                .map(DriftMethod::wireName).collect(Collectors.joining(", "))));
                if (equals < 0) {
                    options = options.withMethod(method);
                } else {
                    String column = entry.substring(0, equals).trim();
                    if (column.isEmpty()) {
                        throw usageError("--method: '%s' names no column; expected COLUMN=METHOD", entry);
                    }
                    options = options.withColumnMethod(column, method);
                }
            }
            return options;
        }

        @Override
        int run(TrackingClient client, PrintWriter out) throws IOException {
            MonitoredModel model = MonitoredModel.resolve(client, modelUri);
            ReferenceSketches.Reference reference = new ReferenceSketches(client).reference(model);
            WindowSource source = WindowSource.of(client, environment.clock(),
                    window.last.map(OptionalLong::of).orElseGet(OptionalLong::empty),
                    Durations.parsePositive(window.duration.orElse("24h")), reference.sketch().columns());
            WindowComparison comparison = WindowComparison.compute(client, model, reference, source, options(),
                    positiveLabel);
            WindowSource.CurrentWindow current = comparison.current();
            LiveQualitySource.LiveQuality liveQuality = comparison.liveQuality();
            if (comparison.notEnoughData().isPresent()) {
                String reason = comparison.notEnoughData().get();
                out.printf("Not enough data: %s, so there is nothing to compare with the reference (%d rows from %s).%n",
                        reason, reference.sketch().rows(), reference.origin());
                printQuality(out, current, liveQuality);
                writeJson(comparison.toJson(driftShare), out);
                if (output.isPresent()) {
                    Path file = environment.resolve(output.get().toString());
                    Files.writeString(file, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Drift report: "
                            + DriftHtmlReport.escape(model.describe()) + "</title></head><body><h1>Drift report: "
                            + DriftHtmlReport.escape(model.describe()) + "</h1><p>Not enough data: "
                            + DriftHtmlReport.escape(reason) + ".</p>\n" + DriftHtmlReport.qualitySection(liveQuality)
                            + "</body></html>\n", StandardCharsets.UTF_8);
                }
                return 0;
            }
            DriftReport drift = comparison.drift().orElseThrow();
            DataQualityReport quality = comparison.dataQuality().orElseThrow();
            print(out, model, current, reference, drift, quality);
            printQuality(out, current, liveQuality);
            writeJson(comparison.toJson(driftShare), out);
            if (output.isPresent()) {
                Path file = environment.resolve(output.get().toString());
                Files.writeString(file, DriftHtmlReport.render(new DriftHtmlReport.Subject(model.describe(),
                        current.description(), reference.origin()), drift, quality, reference.sketch(),
                        current.sketch().orElseThrow(), Optional.of(liveQuality)), StandardCharsets.UTF_8);
                out.printf("HTML report written to %s%n", file);
            }
            return 0;
        }

        /**
         * Drift of the reference's columns only: a served column the reference lacks cannot be tested, and is named
         * by the data-quality part instead of diluting the drifted share.
         */
        static DriftReport compare(DatasetSketch reference, DatasetSketch current, DriftOptions options) {
            Map<String, ColumnDistribution> referenceColumns = new LinkedHashMap<>();
            Map<String, ColumnDistribution> currentColumns = new LinkedHashMap<>();
            for (ColumnSpec column : reference.columns()) {
                referenceColumns.put(column.name(), reference.distribution(column.name()));
                if (current.column(column.name()).isPresent()) {
                    currentColumns.put(column.name(), current.distribution(column.name()));
                }
            }
            return DriftReport.compute(referenceColumns, reference.rows(), currentColumns, current.rows(), options);
        }

        private void writeJson(ObjectNode json, PrintWriter out) throws IOException {
            if (jsonFile.isEmpty()) {
                return;
            }
            String text = TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(json);
            if (jsonFile.get().equals("-")) {
                out.println(text);
            } else {
                Path file = environment.resolve(jsonFile.get());
                Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
            }
        }

        private void print(PrintWriter out, MonitoredModel model, WindowSource.CurrentWindow current,
                ReferenceSketches.Reference reference, DriftReport drift, DataQualityReport quality) {
            out.printf("Model %s: %s (%d rows) against the reference %s (%d rows)%n%n", model.describe(),
                    current.description(), drift.rows(), reference.origin(), drift.referenceRows());
            TextTable table = new TextTable("FEATURE", "METHOD", "SCORE", "THRESHOLD", "DRIFTED");
            for (DriftResult feature : drift.features()) {
                table.add(feature.column(), feature.method().wireName(), DriftHtmlReport.score(feature),
                        DriftHtmlReport.number(feature.threshold()), DriftHtmlReport.drifted(feature));
            }
            table.print(out);
            out.println();
            if (!quality.notInReference().isEmpty()) {
                out.printf("Not tested (served but not in the reference): %s%n", String.join(", ", quality.notInReference()));
            }
            out.println(DriftHtmlReport.verdict(drift));
        }

        /** The live model quality of the window beside the training metrics, or why there is none. */
        private static void printQuality(PrintWriter out, WindowSource.CurrentWindow current,
                LiveQualitySource.LiveQuality live) {
            out.println();
            if (live.quality().isEmpty()) {
                out.printf("Live model quality over %s: Not enough data: %s%n", current.description(),
                        live.notEnoughData().orElseThrow());
            } else {
                out.printf("Live model quality over %s: %d labelled of %d predictions (%s)%n%n", current.description(),
                        live.rows(), live.predictions(), DriftHtmlReport.qualitySubject(live));
                TextTable table = new TextTable("METRIC", "LIVE", "TRAINING");
                for (String[] row : DriftHtmlReport.qualityRows(live)) {
                    table.add(row);
                }
                table.print(out);
            }
            if (live.skipped() > 0) {
                out.printf("Skipped %d labelled predictions whose values could not be read: %s%n", live.skipped(),
                        live.skippedReason().orElse("unknown reason"));
            }
        }
    }
}
