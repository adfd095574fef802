package dev.slipway.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import picocli.CommandLine;

/** One in-process run of {@code slipway ...} with captured output. */
record CliRun(int exitCode, String out, String err) {

    /** An environment with the given variables, rooted in the folder, in UTC. */
    static Environment environment(Path workingDirectory, Map<String, String> variables) {
        return new Environment(variables, workingDirectory.toAbsolutePath(), Clock.systemUTC(), ZoneOffset.UTC,
                new ManualStopSignal());
    }

    static CliRun run(Environment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine(environment, args);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
