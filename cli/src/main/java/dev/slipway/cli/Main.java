package dev.slipway.cli;

import dev.slipway.core.SlipwayException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code slipway}: the command line and the composition root. Exit codes: 0 on success, 1 when a command
 * fails, 2 for usage errors, 130 when Ctrl-C stops a data command. Errors are one line on stderr; {@code --debug} adds the stack trace.
 */
@Command(name = "slipway", versionProvider = VersionProvider.class,
        description = "Slipway: MLflow-compatible experiment tracking, model registry, training, batch scoring, "
                + "model serving and DVC-compatible data versioning in one jar.",
        subcommands = {ServerCommand.class, ExperimentsCommand.class, RunsCommand.class, ModelsCommand.class,
                TrainCommand.class, ExampleCommand.class, ServeCommand.class, DataCommand.class, DataCommand.Add.class,
                DataCommand.Status.class, DataCommand.Checkout.class, DataCommand.Push.class, DataCommand.Pull.class,
                ReportCommands.Params.class, ReportCommands.Metrics.class, ReportCommands.Plots.class,
                PipelineCommand.Repro.class, PipelineCommand.Dag.class, ExpCommand.class, CiCommand.class,
                DemoCommand.class, MonitorCommand.class, DeployCommand.class, GitopsCommand.class,
                ImportMlflowCommand.class, AuditCommand.class, GcCommand.class, DbCommand.class,
                UsersCommand.class, PermissionsCommand.class},
        footer = {"", "Tracking commands use --tracking-uri, else $MLFLOW_TRACKING_URI, else $SLIPWAY_TRACKING_URI, "
                + "else the local store ./.slipway/slipway.db (the one 'slipway server' serves when started in the "
                + "same folder).", "Run 'slipway COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(Environment.system()).execute(args));
    }

    /** The whole command tree for an environment; call {@code execute(args)} on it. */
    public static CommandLine commandLine(Environment environment) {
        CommandLine commandLine = new CommandLine(new Main(), new CommandFactory(environment));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        commandLine.setParameterExceptionHandler(Main::handleUsageError);
        return commandLine;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command: server, experiments, runs, models, train, serve, monitor, data, add, status, checkout, push or pull");
    }

    private static int handleUsageError(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.printf("%s: %s (see '%s --help')%n", command.getCommandSpec().qualifiedName(), error.getMessage(),
                command.getCommandSpec().qualifiedName());
        if (debugRequested(command.getParseResult())) {
            error.printStackTrace(err);
        }
        err.flush();
        return EXIT_USAGE;
    }

    private static int handleFailure(Exception failure, CommandLine command, ParseResult parseResult) {
        if (failure instanceof Interruption.InterruptedCommandException) {
            // the stop action prints the message once the command has unwound
            return Interruption.EXIT_INTERRUPTED;
        }
        PrintWriter err = command.getErr();
        err.printf("%s: error: %s%n", command.getCommandSpec().qualifiedName(), describe(failure));
        if (debugRequested(parseResult)) {
            failure.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /** The message a user can act on; unexpected exceptions also name their type. */
    static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (failure instanceof SlipwayException || failure instanceof IllegalStateException
                || failure instanceof IllegalArgumentException) {
            return message.isEmpty() ? failure.getClass().getSimpleName() : message;
        }
        String unexpected = "unexpected " + failure.getClass().getName() + (message.isEmpty() ? "" : ": " + message);
        return unexpected + " (rerun with --debug for the stack trace)";
    }

    private static boolean debugRequested(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
