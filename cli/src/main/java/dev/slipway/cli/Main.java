package dev.slipway.cli;

import dev.slipway.core.SlipwayException;
import dev.slipway.data.WarmUp;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
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
        footer = {"", "Tracking commands use --tracking-uri, else $MLFLOW_TRACKING_URI, else $SLIPWAY_TRACKING_URI, "
                + "else the local store ./.slipway/slipway.db (the one 'slipway server' serves when started in the "
                + "same folder).", "Run 'slipway COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    /**
     * The commands' names, in the order help lists them; {@link #command} gives each one's class. Names, not classes,
     * so that a run loads the classes of its own command only (a class's annotation names its subcommands' classes,
     * which reading it loads).
     */
    static final List<String> COMMANDS = List.of("server", "experiments", "runs", "models", "train", "example",
            "serve", "data", "add", "status", "checkout", "push", "pull", "params", "metrics", "plots", "repro", "dag",
            "exp", "ci", "demo", "monitor", "deploy", "gitops", "import-mlflow", "audit", "gc", "db", "users",
            "permissions");

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
        List<String> named = commandsNamed(args);
        if (!named.isEmpty() && isDataCommand(named.get(0))) {
            WarmUp.start(); // a head start for the commands that work on a data repository
        }
        System.exit(commandLine(Environment.system(), args).execute(args));
    }

    /** The whole command tree for an environment; call {@code execute(args)} on it. */
    public static CommandLine commandLine(Environment environment) {
        return commandLine(environment, null);
    }

    /**
     * The command tree that running {@code args} needs: only the command they name, when they name one. Building
     * the whole tree (picocli reads every option of every command) took 0.75 s of a 0.8 s start; help, a missing
     * or a mistyped command get the whole tree, so that help lists every command and a typo gets suggestions;
     * {@code --version} alone gets none.
     *
     * @param args the command line, or {@code null} for the whole tree
     */
    public static CommandLine commandLine(Environment environment, String[] args) {
        CommandFactory factory = new CommandFactory(environment);
        CommandLine commandLine = new CommandLine(new Main(), factory);
        List<String> named = args == null ? List.of() : commandsNamed(args);
        boolean versionOnly = args != null && named.isEmpty()
                && Arrays.stream(args).anyMatch(arg -> arg.equals("-V") || arg.equals("--version"));
        if (!named.isEmpty() && COMMANDS.contains(named.get(0))) {
            commandLine.addSubcommand(command(named.get(0), named.size() > 1 ? named.get(1) : null, factory));
        } else if (!versionOnly) {
            for (String name : COMMANDS) {
                commandLine.addSubcommand(command(name, null, factory));
            }
        }
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(Main::handleFailure);
        commandLine.setParameterExceptionHandler(Main::handleUsageError);
        return commandLine;
    }

    /**
     * The first two arguments that are not options: the command and what may be its subcommand (no option before a
     * subcommand takes a value).
     */
    private static List<String> commandsNamed(String[] args) {
        // a loop, not a stream: the first stream of a run costs about 8 ms, and this runs before the warm-up starts
        List<String> named = new java.util.ArrayList<>(2);
        for (int index = 0; index < args.length && named.size() < 2; index++) {
            if (!args[index].startsWith("-")) {
                named.add(args[index]);
            }
        }
        return List.copyOf(named);
    }

    /**
     * Command {@code name} of {@link #COMMANDS}, with, for one whose subcommands are added here ({@code data}, {@link
     * DataCommand#SUBCOMMANDS}), only subcommand {@code subcommand} when it names one, else all of them (help, a
     * missing or a mistyped subcommand).
     */
    private static CommandLine command(String name, String subcommand, CommandFactory factory) {
        CommandLine command = new CommandLine(command(name), factory);
        if (name.equals("data")) {
            List<Class<?>> chosen = DataCommand.SUBCOMMANDS.stream()
                    .filter(type -> subcommand != null && names(type).contains(subcommand)).toList();
            for (Class<?> type : chosen.isEmpty() ? DataCommand.SUBCOMMANDS : chosen) {
                command.addSubcommand(new CommandLine(type, factory));
            }
        }
        return command;
    }

    /** Whether {@code name} is {@code data} or one of its subcommands reachable without the prefix. */
    static boolean isDataCommand(String name) {
        if (!COMMANDS.contains(name)) {
            return false;
        }
        Class<?> type = command(name);
        return type == DataCommand.class || type.getDeclaringClass() == DataCommand.class;
    }

    /** The name and aliases a command class's annotation gives it. */
    static List<String> names(Class<?> type) {
        Command command = type.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(command.aliases()));
        names.add(0, command.name());
        return names;
    }

    /** The class of the command {@code name} of {@link #COMMANDS}. */
    static Class<?> command(String name) {
        return switch (name) {
            case "server" -> ServerCommand.class;
            case "experiments" -> ExperimentsCommand.class;
            case "runs" -> RunsCommand.class;
            case "models" -> ModelsCommand.class;
            case "train" -> TrainCommand.class;
            case "example" -> ExampleCommand.class;
            case "serve" -> ServeCommand.class;
            case "data" -> DataCommand.class;
            case "add" -> DataCommand.Add.class;
            case "status" -> DataCommand.Status.class;
            case "checkout" -> DataCommand.Checkout.class;
            case "push" -> DataCommand.Push.class;
            case "pull" -> DataCommand.Pull.class;
            case "params" -> ReportCommands.Params.class;
            case "metrics" -> ReportCommands.Metrics.class;
            case "plots" -> ReportCommands.Plots.class;
            case "repro" -> PipelineCommand.Repro.class;
            case "dag" -> PipelineCommand.Dag.class;
            case "exp" -> ExpCommand.class;
            case "ci" -> CiCommand.class;
            case "demo" -> DemoCommand.class;
            case "monitor" -> MonitorCommand.class;
            case "deploy" -> DeployCommand.class;
            case "gitops" -> GitopsCommand.class;
            case "import-mlflow" -> ImportMlflowCommand.class;
            case "audit" -> AuditCommand.class;
            case "gc" -> GcCommand.class;
            case "db" -> DbCommand.class;
            case "users" -> UsersCommand.class;
            case "permissions" -> PermissionsCommand.class;
            default -> throw new IllegalArgumentException("no command " + name);
        };
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
