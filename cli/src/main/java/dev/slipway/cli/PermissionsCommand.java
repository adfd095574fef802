package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.slipway.client.AuthClient;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.ExperimentPermission;
import dev.slipway.core.auth.Permission;
import dev.slipway.core.auth.RegisteredModelPermission;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code slipway permissions grant|revoke|list}: MLflow's permissions (READ, EDIT, MANAGE, NO_PERMISSIONS) of users on
 * experiments and registered models, through the REST API of a server started with {@code --auth basic}. Granting
 * and listing on a resource needs MANAGE on it (its creator has it) or an administrator.
 */
@Command(name = "permissions", sortOptions = false, subcommands = {PermissionsCommand.Grant.class,
        PermissionsCommand.Revoke.class, PermissionsCommand.ListPermissions.class},
        description = {"Grant, revoke and list the permissions of users on experiments and registered models.",
                "Permissions: READ, EDIT (read and update), MANAGE (also delete and grant), NO_PERMISSIONS."})
final class PermissionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** One experiment or one registered model. */
    static final class Resource {
        @Option(names = "--experiment-id", paramLabel = "ID", required = true, description = "The experiment.")
        Optional<String> experimentId = Optional.empty();

        @Option(names = "--model", paramLabel = "NAME", required = true, description = "The registered model.")
        Optional<String> model = Optional.empty();

        String describe() {
            return experimentId.map(id -> "experiment " + id).orElseGet(() -> "registered model '" + model.orElseThrow()
                    + "'");
        }
    }

    @Command(name = "grant", sortOptions = false, description = "Give a user a permission on an experiment or a "
            + "registered model, replacing the one the user had there.")
    static final class Grant implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Resource resource;

        @Option(names = "--user", paramLabel = "USERNAME", required = true)
        String user;

        @Option(names = "--permission", paramLabel = "PERMISSION", required = true,
                description = "READ, EDIT, MANAGE or NO_PERMISSIONS.")
        String permission;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Grant(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            Permission parsed = parse(spec, permission);
            AuthClient auth = UsersCommand.client(trackingOptions, environment, spec).auth();
            try {
                if (resource.experimentId.isPresent()) {
                    auth.createExperimentPermission(resource.experimentId.get(), user, parsed);
                } else {
                    auth.createRegisteredModelPermission(resource.model.orElseThrow(), user, parsed);
                }
            } catch (SlipwayException e) {
                if (e.errorCode() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
                    throw e;
                }
                if (resource.experimentId.isPresent()) {
                    auth.updateExperimentPermission(resource.experimentId.get(), user, parsed);
                } else {
                    auth.updateRegisteredModelPermission(resource.model.orElseThrow(), user, parsed);
                }
            }
            spec.commandLine().getOut().printf("User '%s' now has %s on %s%n", user, parsed, resource.describe());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "revoke", sortOptions = false, description = "Remove a user's permission on an experiment or a "
            + "registered model: the default permission applies again.")
    static final class Revoke implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Resource resource;

        @Option(names = "--user", paramLabel = "USERNAME", required = true)
        String user;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Revoke(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            AuthClient auth = UsersCommand.client(trackingOptions, environment, spec).auth();
            if (resource.experimentId.isPresent()) {
                auth.deleteExperimentPermission(resource.experimentId.get(), user);
            } else {
                auth.deleteRegisteredModelPermission(resource.model.orElseThrow(), user);
            }
            spec.commandLine().getOut().printf("Removed the permission of '%s' on %s%n", user, resource.describe());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "list", sortOptions = false, description = {"List the permissions given on an experiment or a "
            + "registered model (needs MANAGE on it), or those of one user (--user).",
            "Where a user has none, the server's default permission applies."})
    static final class ListPermissions implements Callable<Integer> {
        @Option(names = "--experiment-id", paramLabel = "ID", description = "The experiment.")
        Optional<String> experimentId = Optional.empty();

        @Option(names = "--model", paramLabel = "NAME", description = "The registered model.")
        Optional<String> model = Optional.empty();

        @Option(names = "--user", paramLabel = "USERNAME", description = "The user whose permissions to list (yours, "
                + "or anyone's as an administrator).")
        Optional<String> user = Optional.empty();

        @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
        boolean json;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        ListPermissions(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            int given = (experimentId.isPresent() ? 1 : 0) + (model.isPresent() ? 1 : 0) + (user.isPresent() ? 1 : 0);
            if (given != 1) {
                throw new ParameterException(spec.commandLine(), "Give one of --experiment-id, --model or --user");
            }
            AuthClient auth = UsersCommand.client(trackingOptions, environment, spec).auth();
            List<Given> grants = new ArrayList<>();
            if (user.isPresent()) {
                AuthClient.UserDetails details = auth.getUser(user.get());
                for (ExperimentPermission permission : details.experimentPermissions()) {
                    grants.add(new Given(details.user().username(), "experiment", permission.experimentId(),
                            permission.permission()));
                }
                for (RegisteredModelPermission permission : details.registeredModelPermissions()) {
                    grants.add(new Given(details.user().username(), "model", permission.name(),
                            permission.permission()));
                }
            } else if (experimentId.isPresent()) {
                for (ExperimentPermission permission : auth.experimentPermissions(experimentId.get())) {
                    grants.add(new Given(permission.username(), "experiment", permission.experimentId(),
                            permission.permission()));
                }
            } else {
                for (RegisteredModelPermission permission : auth.registeredModelPermissions(model.orElseThrow())) {
                    grants.add(new Given(permission.username(), "model", permission.name(), permission.permission()));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (Given grant : grants) {
                    array.addObject().put("username", grant.username()).put("resource_type", grant.resourceType())
                            .put("resource", grant.resource()).put("permission", grant.permission().name());
                }
                TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().set("permissions", array));
            } else {
                TextTable table = new TextTable("USER", "RESOURCE", "PERMISSION");
                for (Given grant : grants) {
                    table.add(grant.username(), grant.resourceType() + " " + grant.resource(),
                            grant.permission().name());
                }
                table.print(out);
            }
            out.flush();
            return 0;
        }
    }

    /** One permission given to a user on an experiment or a registered model. */
    private record Given(String username, String resourceType, String resource, Permission permission) {}

    private static Permission parse(CommandSpec spec, String permission) {
        try {
            return Permission.parse(permission);
        } catch (SlipwayException e) {
            throw new ParameterException(spec.commandLine(), "--permission: " + e.getMessage());
        }
    }
}
