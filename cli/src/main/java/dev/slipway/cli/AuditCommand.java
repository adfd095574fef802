package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.slipway.client.AuditClient;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.Durations;
import dev.slipway.core.audit.AuditEntry;
import dev.slipway.core.audit.AuditQuery;
import dev.slipway.core.tracking.Page;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway audit}: the changes made through the tracking server, newest first, as a table or JSON; and
 * {@code slipway audit export}: the same as JSON lines, one entry per line, streamed page by page.
 */
@Command(name = "audit", sortOptions = false, subcommands = AuditCommand.Export.class,
        description = {"Show the audit log of the tracking server: who changed what, when and from where, newest "
                + "first. Registry and deployment changes show what changed (state before -> after).",
                "Export it as JSON lines with 'slipway audit export -o audit.jsonl'."})
final class AuditCommand implements Callable<Integer> {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100_000;
    /** The entries asked for per request while exporting: the server's largest page. */
    static final int EXPORT_PAGE_SIZE = 1000;

    /** The kinds of resource, to tell {@code --resource model_version:churn/3} from an id holding ':'. */
    private static final Set<String> RESOURCE_TYPES = Set.of("experiment", "run", "logged_model", "registered_model",
            "model_version", "model_alias", "artifact", "prediction_log", "monitor", "deployment", "user",
            "experiment_permission", "registered_model_permission", "access_token");
    /** Fields that change with every change, left out of the summary of what changed. */
    private static final Set<String> BOOKKEEPING = Set.of("last_updated_timestamp", "updated_time",
            "last_update_time");

    /** The filters of both commands. */
    static final class Filters {
        @Option(names = "--user", paramLabel = "USER", description = "Only the changes of this user.")
        Optional<String> user = Optional.empty();

        @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, such as "
                + "model-versions/transition-stage, registered-models/alias/set or runs/log-batch.")
        Optional<String> action = Optional.empty();

        @Option(names = "--resource", paramLabel = "[TYPE:]ID", description = {"Only the changes of this resource "
                + "and those inside it: churn (a model, with its versions churn/3 and aliases churn@champion), "
                + "model_version:churn/3, experiment:12, deployment:prod/churn, or a TYPE alone (model_version:).",
                "Types: experiment, run, logged_model, registered_model, model_version, model_alias, artifact, "
                        + "monitor, deployment, prediction_log, user, experiment_permission, "
                        + "registered_model_permission, access_token."})
        Optional<String> resource = Optional.empty();

        @Option(names = "--since", paramLabel = "WHEN", description = "Only changes at or after WHEN: a duration "
                + "back from now (30m, 24h, 7d, 2w, 1d12h), a date (2026-01-31, local midnight) or a time "
                + "(2026-01-31T09:00, 2026-01-31T09:00:00Z).")
        Optional<String> since = Optional.empty();

        @Option(names = "--until", paramLabel = "WHEN", description = "Only changes before WHEN (same forms as "
                + "--since).")
        Optional<String> until = Optional.empty();

        @Mixin
        TrackingOptions trackingOptions;

        AuditQuery query(CommandSpec spec, Environment environment) {
            Optional<String> type = Optional.empty();
            Optional<String> id = resource.map(String::trim).filter(value -> !value.isEmpty());
            if (id.isPresent()) {
                int colon = id.get().indexOf(':');
                if (colon > 0 && RESOURCE_TYPES.contains(id.get().substring(0, colon))) {
                    type = Optional.of(id.get().substring(0, colon));
                    id = Optional.of(id.get().substring(colon + 1)).filter(value -> !value.isEmpty());
                }
            }
            Optional<Long> start = since.map(value -> time(spec, environment, "--since", value));
            Optional<Long> end = until.map(value -> time(spec, environment, "--until", value));
            if (start.isPresent() && end.isPresent() && start.get() > end.get()) {
                throw new ParameterException(spec.commandLine(), "--since must not be after --until");
            }
            return new AuditQuery(user.map(String::trim).filter(value -> !value.isEmpty()),
                    action.map(String::trim).filter(value -> !value.isEmpty()), type, id, start, end);
        }
    }

    @Mixin
    Filters filters;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "Show at most N entries, the newest (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the entries as a JSON array, with the states before and after, "
            + "instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final Environment environment;

    AuditCommand(Environment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and " + MAX_LIMIT + ", got "
                    + limit);
        }
        AuditQuery query = filters.query(spec, environment);
        PrintWriter out = spec.commandLine().getOut();
        try (ServerConnection connection = ServerConnection.open(filters.trackingOptions, environment,
                Backends.discover())) {
            List<AuditEntry> entries = new ArrayList<>();
            Iterator<AuditEntry> all = entries(connection.client(), query, Math.min(limit, EXPORT_PAGE_SIZE));
            while (all.hasNext() && entries.size() < limit) {
                entries.add(all.next());
            }
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                entries.forEach(entry -> array.add(AuditClient.toJson(entry)));
                out.println(TrackingCommand.json().writerWithDefaultPrettyPrinter().writeValueAsString(array));
                return 0;
            }
            if (entries.isEmpty()) {
                out.printf(query.equals(AuditQuery.all()) ? "The audit log of %s is empty%n"
                        : "No audit entries match these filters in %s%n", connection.location());
                return 0;
            }
            HumanFormat format = new HumanFormat(environment.zone());
            TextTable table = new TextTable("TIME", "USER", "ADDRESS", "ACTION", "RESOURCE", "STATUS", "CHANGE");
            for (AuditEntry entry : entries) {
                table.add(format.time(entry.time()), entry.user(), entry.clientAddress(), entry.action(),
                        entry.resourceType().map(type -> type + " ").orElse("") + entry.resourceId().orElse("-"),
                        entry.refused() ? entry.status() + " refused" : Integer.toString(entry.status()),
                        change(entry));
            }
            table.print(out);
            return 0;
        } finally {
            out.flush();
        }
    }

    /** {@code slipway audit export}: JSON lines, streamed. */
    @Command(name = "export", sortOptions = false, description = {"Write the audit log as JSON lines (one entry per "
            + "line, newest first), reading it page by page, so any size of log can be exported.",
            "Each line: {\"id\", \"time\" (epoch ms), \"user\", \"client_address\", \"forwarded_for\", \"method\", "
                    + "\"route\", \"action\", \"resource_type\", \"resource_id\", \"status\", \"outcome\", "
                    + "\"before\", \"after\", \"details\"}."})
    static final class Export implements Callable<Integer> {
        @Mixin
        Filters filters;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-", description = "The file to write "
                + "(default: standard output). It appears complete or not at all: entries go to FILE.partial first.")
        String output;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Export(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws IOException {
            AuditQuery query = filters.query(spec, environment);
            PrintWriter out = spec.commandLine().getOut();
            try (ServerConnection connection = ServerConnection.open(filters.trackingOptions, environment,
                    Backends.discover())) {
                if (output.equals("-")) {
                    long written = write(connection.client(), query, out);
                    out.flush();
                    spec.commandLine().getErr().printf("Exported %d audit entries%n", written);
                    return 0;
                }
                Path target = environment.resolve(output);
                Path parent = target.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Path partial = target.resolveSibling(target.getFileName() + ".partial");
                long written;
                try (Writer file = new BufferedWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8))) {
                    written = write(connection.client(), query, file);
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(partial);
                    throw e;
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.printf("Exported %d audit entries to %s%n", written, output);
                return 0;
            } finally {
                out.flush();
            }
        }

        private static long write(TrackingClient client, AuditQuery query, Writer writer) throws IOException {
            long written = 0;
            Iterator<AuditEntry> entries = entries(client, query, EXPORT_PAGE_SIZE);
            while (entries.hasNext()) {
                writer.write(TrackingCommand.json().writeValueAsString(AuditClient.toJson(entries.next())));
                writer.write('\n');
                written++;
            }
            return written;
        }
    }

    /** The entries matching the query, newest first, fetched a page at a time as they are read. */
    static Iterator<AuditEntry> entries(TrackingClient client, AuditQuery query, int pageSize) {
        return new Iterator<>() {
            private Iterator<AuditEntry> page = List.<AuditEntry>of().iterator();
            private Optional<String> token = Optional.empty();
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    Page<AuditEntry> next = client.audit().list(query, pageSize, token);
                    page = next.items().iterator();
                    token = next.nextPageToken();
                    last = token.isEmpty();
                }
                return page.hasNext();
            }

            @Override
            public AuditEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    /**
     * What changed, in a few words: the fields whose values differ before and after ({@code current_stage: None ->
     * Staging}), {@code created} or {@code deleted}, else the summary of the request.
     */
    static String change(AuditEntry entry) {
        Optional<JsonNode> before = entry.beforeJson().map(AuditCommand::parse);
        Optional<JsonNode> after = entry.afterJson().map(AuditCommand::parse);
        if (before.isPresent() && after.isPresent()) {
            List<String> changes = new ArrayList<>();
            Set<String> names = new TreeSet<>();
            before.get().fieldNames().forEachRemaining(names::add);
            after.get().fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode was = before.get().path(name);
                JsonNode now = after.get().path(name);
                if (!BOOKKEEPING.contains(name) && !was.equals(now)) {
                    changes.add(name + ": " + value(was) + " -> " + value(now));
                }
            }
            return changes.isEmpty() ? "no change" : String.join("; ", changes);
        }
        if (after.isPresent()) {
            return "created";
        }
        if (before.isPresent()) {
            return "deleted";
        }
        JsonNode details = parse(entry.detailsJson());
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : details.properties()) {
            fields.add(field.getKey() + "=" + value(field.getValue()));
        }
        return String.join(" ", fields);
    }

    private static String value(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "-";
        }
        String text = node.isValueNode() ? node.asText() : node.toString();
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }

    private static JsonNode parse(String json) {
        try {
            return TrackingCommand.json().readTree(json);
        } catch (IOException e) {
            return TrackingCommand.json().createObjectNode().put("text", json);
        }
    }

    /** Epoch ms of a {@code --since}/{@code --until} value: a duration back from now, a date or a time. */
    static long time(CommandSpec spec, Environment environment, String option, String text) {
        String value = text.trim();
        Optional<Duration> ago = Durations.tryParse(value);
        if (ago.isPresent()) {
            return Math.max(0, environment.clock().millis() - ago.get().toMillis());
        }
        ZoneId zone = environment.zone();
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(value.endsWith("Z") && value.length() == 17
                        ? value.replace("Z", ":00Z") : value).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(value).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + " must be a duration back from now (30m, 24h, "
                    + "7d), a date (2026-01-31) or a time (2026-01-31T09:00 or 2026-01-31T09:00:00Z), got '" + text
                    + "'");
        }
    }
}
