package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.data.Repository;
import dev.slipway.pipeline.report.ChartRenderer;
import dev.slipway.pipeline.report.DisplayValues;
import dev.slipway.pipeline.report.MetricsShow;
import dev.slipway.pipeline.report.PipelineReports;
import dev.slipway.pipeline.report.PlotsPage;
import dev.slipway.pipeline.report.PlotsReport;
import dev.slipway.pipeline.report.ValueDiff;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway params diff}, {@code metrics show|diff} and {@code plots show|diff}, as DVC's commands of those names:
 * the params, metrics and plots files that {@code dvc.yaml} declares, in the workspace and at Git revisions.
 */
final class ReportCommands {
    private ReportCommands() {}

    /** A report command: finds the repository root and, when it has {@code .dvc/}, its cache. */
    abstract static class ReportSubcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        final Environment environment;

        ReportSubcommand(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<Path> dvcRoot = DataCommand.findRoot(environment.workingDirectory());
            Path root = dvcRoot.orElse(environment.workingDirectory());
            int exitCode;
            if (dvcRoot.isPresent()) {
                try (Repository repository = Repository.open(root, environment.variables())) {
                    exitCode = run(new PipelineReports(root, Optional.of(repository.cache())), out);
                }
            } else {
                exitCode = run(new PipelineReports(root, Optional.empty()), out);
            }
            out.flush();
            return exitCode;
        }

        /** @return the exit code */
        abstract int run(PipelineReports reports, PrintWriter out);

        static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
            TextTable table = new TextTable(header.toArray(String[]::new));
            rows.forEach(row -> table.add(row.toArray(String[]::new)));
            table.print(out);
        }
    }

    /** The shared printing of {@code params diff} and {@code metrics diff}. */
    abstract static class DiffSubcommand extends ReportSubcommand {
        @Parameters(arity = "0..2", paramLabel = "REV", description = "Git revisions: A (default HEAD), then B "
                + "(default: the workspace).")
        List<String> revisions = List.of();

        @Option(names = "--all", description = "Also show what did not change.")
        boolean all;

        @Option(names = "--json", description = "Print JSON: {path: {key: {old, new, diff}}}.")
        boolean json;

        @Option(names = "--md", description = "Print a Markdown table.")
        boolean markdown;

        DiffSubcommand(Environment environment) {
            super(environment);
        }

        int print(PrintWriter out, ValueDiff diff, int precision) {
            if (json) {
                TrackingCommand.printJson(out, diff.toJson());
            } else if (markdown) {
                out.print(diff.toMarkdown(precision));
            } else if (!diff.isEmpty()) {
                printTable(out, diff.header(), diff.rows(precision));
            }
            return 0;
        }
    }

    @Command(name = "params", description = "Params of the pipeline (params.yaml and the params files dvc.yaml "
            + "declares), as dvc params does.", subcommands = {ParamsDiff.class})
    static final class Params implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command: diff");
        }
    }

    @Command(name = "diff", description = "Show params that differ between two versions, as dvc params diff does: no "
            + "revision compares HEAD with the workspace, one compares it with the workspace, two compare A with B.")
    static final class ParamsDiff extends DiffSubcommand {
        @Option(names = "--deps", description = "Only params that stages declare as dependencies.")
        boolean depsOnly;

        ParamsDiff(Environment environment) {
            super(environment);
        }

        @Override
        int run(PipelineReports reports, PrintWriter out) {
            return print(out, reports.paramsDiff(revisions, all, depsOnly), DisplayValues.DEFAULT_PRECISION);
        }
    }

    @Command(name = "metrics", description = "Metrics files of the pipeline (dvc.yaml's metrics), as dvc metrics "
            + "does.", subcommands = {MetricsShowCommand.class, MetricsDiff.class})
    static final class Metrics implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command: show or diff");
        }
    }

    @Command(name = "show", description = "Show the metrics of the workspace (and of branches or tags), one row per "
            + "metrics file, as dvc metrics show does.")
    static final class MetricsShowCommand extends ReportSubcommand {
        @Option(names = {"-a", "--all-branches"}, description = "Also show the metrics of every branch.")
        boolean allBranches;

        @Option(names = {"-T", "--all-tags"}, description = "Also show the metrics of every tag.")
        boolean allTags;

        @Option(names = "--precision", paramLabel = "N", description = "Decimal places of floats (default: 5).")
        int precision = DisplayValues.DEFAULT_PRECISION;

        @Option(names = "--json", description = "Print JSON: {rev: {data: {path: {data: {...}}}}}.")
        boolean json;

        @Option(names = "--md", description = "Print a Markdown table.")
        boolean markdown;

        MetricsShowCommand(Environment environment) {
            super(environment);
        }

        @Override
        int run(PipelineReports reports, PrintWriter out) {
            List<String> versions = allBranches || allTags ? reports.workspaceAndRefs(allBranches, allTags) : List.of();
            MetricsShow shown = reports.metricsShow(versions);
            if (json) {
                TrackingCommand.printJson(out, shown.toJson());
                return 0;
            }
            PrintWriter err = spec.commandLine().getErr();
            shown.errors().forEach(error -> err.println("WARNING: cannot read metrics of " + error));
            err.flush();
            if (markdown) {
                out.print(shown.toMarkdown(precision));
            } else if (!shown.rows(precision).isEmpty()) {
                printTable(out, shown.header(), shown.rows(precision));
            } else if (shown.errors().isEmpty()) {
                out.println("No metrics files in dvc.yaml.");
            }
            return 0;
        }
    }

    @Command(name = "diff", description = "Show metrics that differ between two versions with the change (new - old), "
            + "as dvc metrics diff does: no revision compares HEAD with the workspace, one compares it with the "
            + "workspace, two compare A with B.")
    static final class MetricsDiff extends DiffSubcommand {
        @Option(names = "--precision", paramLabel = "N", description = "Decimal places of floats (default: 5).")
        int precision = DisplayValues.DEFAULT_PRECISION;

        MetricsDiff(Environment environment) {
            super(environment);
        }

        @Override
        int run(PipelineReports reports, PrintWriter out) {
            return print(out, reports.metricsDiff(revisions, all), precision);
        }
    }

    @Command(name = "plots", description = "Plots of the pipeline (dvc.yaml's plots) as an HTML page of charts, as "
            + "dvc plots does.", subcommands = {PlotsShow.class, PlotsDiff.class})
    static final class Plots implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing a command: show or diff");
        }
    }

    /** The shared writing of {@code plots show} and {@code plots diff}. */
    abstract static class PlotsSubcommand extends ReportSubcommand {
        @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "The folder to write index.html (and the "
                + "PNG images) into (default: dvc_plots).")
        String out = PlotsPage.DEFAULT_FOLDER;

        @Option(names = "--png", description = "Also write one PNG image per chart into the folder.")
        boolean png;

        PlotsSubcommand(Environment environment) {
            super(environment);
        }

        int write(PrintWriter printer, Function<PipelineReports, PlotsReport> collect, PipelineReports reports) {
            PlotsReport report = collect.apply(reports);
            PrintWriter err = spec.commandLine().getErr();
            report.errors().forEach(error -> err.println("WARNING: cannot plot " + error));
            err.flush();
            PlotsPage.Written written = new PlotsPage(new ChartRenderer()).write(report, environment.resolve(out), png);
            written.pngFiles().forEach(file -> printer.println(file));
            printer.println(written.index());
            return 0;
        }
    }

    @Command(name = "show", description = "Write the plots of the workspace as a self-contained HTML page (and PNG "
            + "images with --png) and print its path.")
    static final class PlotsShow extends PlotsSubcommand {
        @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Plot ids or data files (default: every plot "
                + "dvc.yaml declares).")
        List<String> targets = List.of();

        PlotsShow(Environment environment) {
            super(environment);
        }

        @Override
        int run(PipelineReports reports, PrintWriter out) {
            return write(out, report -> report.plots(List.of(), targets, false), reports);
        }
    }

    @Command(name = "diff", description = "Write the plots of several versions on the same charts as a self-contained "
            + "HTML page (and PNG images with --png) and print its path: no revision compares HEAD with the "
            + "workspace, one compares it with the workspace, more compare those revisions ('workspace' names the "
            + "files on disk).")
    static final class PlotsDiff extends PlotsSubcommand {
        @Parameters(arity = "0..*", paramLabel = "REV", description = "Git revisions (default: HEAD).")
        List<String> revisions = List.of();

        @Option(names = "--targets", arity = "1..*", paramLabel = "TARGET", description = "Plot ids or data files "
                + "(default: every plot dvc.yaml declares).")
        List<String> targets = List.of();

        PlotsDiff(Environment environment) {
            super(environment);
        }

        @Override
        int run(PipelineReports reports, PrintWriter out) {
            return write(out, report -> report.plots(revisions, targets, true), reports);
        }
    }
}
