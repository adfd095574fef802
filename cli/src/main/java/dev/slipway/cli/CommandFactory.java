package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Creates command objects, handing the {@link Environment} to those whose constructor takes it. */
final class CommandFactory implements CommandLine.IFactory {
    private final Environment environment;

    CommandFactory(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> constructor;
        try {
            constructor = type.getDeclaredConstructor(Environment.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
        constructor.setAccessible(true);
        return constructor.newInstance(environment);
    }
}
