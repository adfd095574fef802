package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.tracking.Page;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that reads or changes experiments and runs: it opens the tracking backend, acts, and closes it. */
abstract class TrackingCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_SIZE = 1000;

    @Mixin
    TrackingOptions trackingOptions;

    @Option(names = "--json", description = "Print JSON in MLflow's REST shapes (for scripts) instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    final Environment environment;
    final HumanFormat format;

    TrackingCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
        this.format = new HumanFormat(environment.zone());
    }

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        try (TrackingBackend backend = trackingOptions.open(environment, Backends.discover())) {
            run(backend, out);
        }
        out.flush();
        return 0;
    }

    /** Checks the combination of options before anything is opened; throws {@link #usageError}. */
    void validate() {}

    abstract void run(TrackingBackend backend, PrintWriter out);

    /** Rejects a {@code --max-results} below 1. */
    void checkMaxResults(Optional<Integer> maxResults) {
        if (maxResults.isPresent() && maxResults.get() < 1) {
            throw usageError("--max-results must be at least 1, got %d", maxResults.get());
        }
    }

    ParameterException usageError(String format, Object... args) {
        return new ParameterException(spec.commandLine(), String.format(format, args));
    }

    static void printJson(PrintWriter out, JsonNode node) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }

    /**
     * Every item of a paged search, up to {@code limit} items when present.
     *
     * @param search called with the page size and the page token
     */
    static <T> List<T> collect(BiFunction<Integer, Optional<String>, Page<T>> search, Optional<Integer> limit) {
        List<T> items = new ArrayList<>();
        Optional<String> pageToken = Optional.empty();
        do {
            int pageSize = limit.map(max -> Math.min(PAGE_SIZE, max - items.size())).orElse(PAGE_SIZE);
            if (pageSize <= 0) {
                break;
            }
            Page<T> page = search.apply(pageSize, pageToken);
            items.addAll(page.items());
            pageToken = page.nextPageToken();
        } while (pageToken.isPresent());
        return limit.map(max -> items.subList(0, Math.min(max, items.size()))).orElse(items);
    }
}
