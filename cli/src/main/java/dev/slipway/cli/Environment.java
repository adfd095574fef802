package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a command may know about the process it runs in, passed in so that tests can run commands
 * in-process with their own folder, variables and clock.
 *
 * @param variables the environment variables
 * @param workingDirectory the absolute folder relative paths and the default {@code .slipway} store are in
 * @param clock the time used for durations of running runs
 * @param zoneSource the time zone of human-readable times, looked up when first asked for ({@link #zone()})
 * @param stopSignal when the server stops
 */
public record Environment(Map<String, String> variables, Path workingDirectory, Clock clock,
        Supplier<ZoneId> zoneSource, StopSignal stopSignal) {
    public Environment {
        variables = Map.copyOf(requireNonNull(variables, "variables is null"));
        requireNonNull(workingDirectory, "workingDirectory is null");
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("workingDirectory is not absolute: " + workingDirectory);
        }
        requireNonNull(clock, "clock is null");
        requireNonNull(zoneSource, "zoneSource is null");
        requireNonNull(stopSignal, "stopSignal is null");
    }

    /** An environment in the time zone {@code zone}. */
    public Environment(Map<String, String> variables, Path workingDirectory, Clock clock, ZoneId zone,
            StopSignal stopSignal) {
        this(variables, workingDirectory, clock, constant(requireNonNull(zone, "zone is null")), stopSignal);
    }

    private static Supplier<ZoneId> constant(ZoneId zone) {
        return () -> zone;
    }

    /**
     * The real process: its variables, current folder, system clock and zone, and JVM shutdown. The zone is looked
     * up only when a command prints a time (reading the zone data took 14 ms of every start).
     */
    public static Environment system() {
        return new Environment(System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(), () -> SystemZone.ZONE,
                StopSignal.jvmShutdown());
    }

    /** The system's time zone, looked up once, when the class is first used. */
    private static final class SystemZone {
        static final ZoneId ZONE = ZoneId.systemDefault();
    }

    /** The time zone of human-readable times. */
    public ZoneId zone() {
        return zoneSource.get();
    }

    /** The value of a variable; absent if unset or blank. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    /** The folder of the embedded store and its artifacts: {@code <workingDirectory>/.slipway}. */
    public Path slipwayDirectory() {
        return workingDirectory.resolve(".slipway");
    }

    /** A path resolved against the working directory. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }
}
