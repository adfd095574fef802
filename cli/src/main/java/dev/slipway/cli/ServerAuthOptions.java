package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.auth.AuthService;
import dev.slipway.core.auth.AuthStore;
import dev.slipway.core.auth.Permission;
import dev.slipway.server.BCryptPasswordHasher;
import dev.slipway.server.OidcOptions;
import dev.slipway.server.ServerAuth;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The authentication options of {@code slipway server}: {@code --auth basic} turns on users, passwords, tokens and
 * permissions (stored in the backend store); the administrator is created at the first start from
 * {@value #ADMIN_USER_VARIABLE} (default {@value #DEFAULT_ADMIN}) and {@value #ADMIN_PASSWORD_VARIABLE}, or with a
 * generated password printed once on standard output (never to the log).
 */
final class ServerAuthOptions {
    static final String ADMIN_USER_VARIABLE = "SLIPWAY_ADMIN_USER";
    static final String ADMIN_PASSWORD_VARIABLE = "SLIPWAY_ADMIN_PASSWORD";
    static final String DEFAULT_ADMIN = "admin";

    @Option(names = "--auth", paramLabel = "MODE", defaultValue = "none", description = {
            "none (default): everyone who reaches the server may do everything.",
            "basic: users log in with a password (HTTP Basic, MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD) or "
                    + "a personal access token (MLFLOW_TRACKING_TOKEN), and MLflow's permissions apply. The first "
                    + "start creates the administrator from $" + ADMIN_USER_VARIABLE + " (default: " + DEFAULT_ADMIN
                    + ") and $" + ADMIN_PASSWORD_VARIABLE + ", or prints a generated password once."})
    String auth;

    @Option(names = "--default-permission", paramLabel = "PERMISSION", defaultValue = "READ", description =
            "With --auth basic: the permission of a user on an experiment or registered model where the user was "
                    + "given none: READ (default), EDIT, MANAGE or NO_PERMISSIONS.")
    String defaultPermission;

    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "With --auth basic: also accept bearer JWTs "
            + "of this OpenID Connect issuer, checked against the keys its discovery document names.")
    Optional<String> oidcIssuer = Optional.empty();

    @Option(names = "--oidc-audience", paramLabel = "AUD", description = "The audience (aud) the issuer's tokens must "
            + "be for; required with --oidc-issuer.")
    Optional<String> oidcAudience = Optional.empty();

    @Option(names = "--oidc-username-claim", paramLabel = "CLAIM", defaultValue = OidcOptions.DEFAULT_USERNAME_CLAIM,
            description = "The claim naming the user (default: ${DEFAULT-VALUE}).")
    String oidcUsernameClaim;

    @Option(names = "--oidc-admin-group", paramLabel = "GROUP", description = "Members of this group (in "
            + "--oidc-groups-claim) are administrators.")
    Optional<String> oidcAdminGroup = Optional.empty();

    @Option(names = "--oidc-groups-claim", paramLabel = "CLAIM", defaultValue = OidcOptions.DEFAULT_GROUPS_CLAIM,
            description = "The claim listing the user's groups (default: ${DEFAULT-VALUE}).")
    String oidcGroupsClaim;

    /** Authentication turned on: what the server needs, and the store to close when it stops. */
    record Enabled(ServerAuth serverAuth, AuthStore store) implements AutoCloseable {
        Enabled {
            requireNonNull(serverAuth, "serverAuth is null");
            requireNonNull(store, "store is null");
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** Checks the options, before anything is opened. */
    void validate(CommandSpec spec) {
        boolean basic = isBasic(spec);
        Permission.parse(defaultPermissionOrFail(spec).name());
        boolean oidcGiven = oidcIssuer.isPresent() || oidcAudience.isPresent() || oidcAdminGroup.isPresent();
        if (oidcGiven && !basic) {
            throw new ParameterException(spec.commandLine(), "--oidc-* options need --auth basic");
        }
        if (oidcIssuer.isPresent() != oidcAudience.isPresent()) {
            throw new ParameterException(spec.commandLine(), "--oidc-issuer and --oidc-audience go together");
        }
        oidc(spec);
    }

    /**
     * Opens the users and permissions on the backend store and makes sure an administrator exists, when
     * {@code --auth basic}; a generated password is printed to {@code out}.
     */
    Optional<Enabled> open(CommandSpec spec, Backends backends, String storeUri, Environment environment,
            PrintWriter out) {
        if (!isBasic(spec)) {
            return Optional.empty();
        }
        AuthStore store = backends.openAuthStore(storeUri);
        try {
            AuthService service = new AuthService(store, new BCryptPasswordHasher(BCryptPasswordHasher.DEFAULT_COST),
                    defaultPermissionOrFail(spec), environment.clock());
            String admin = environment.variable(ADMIN_USER_VARIABLE).orElse(DEFAULT_ADMIN);
            Optional<String> generated = service.ensureAdmin(admin,
                    Optional.ofNullable(environment.variables().get(ADMIN_PASSWORD_VARIABLE))
                            .filter(value -> !value.isEmpty()));
            if (generated.isPresent()) {
                out.printf("Created the administrator '%s' with this password (shown only this once):%n%n    %s%n%n"
                        + "Log in with it, then change it: slipway users set-password %s%n", admin, generated.get(),
                        admin);
                out.flush();
            }
            return Optional.of(new Enabled(new ServerAuth(service, oidc(spec)), store));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private boolean isBasic(CommandSpec spec) {
        return switch (auth.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> false;
            case "basic" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--auth must be none or basic, got '" + auth
                    + "'");
        };
    }

    private Permission defaultPermissionOrFail(CommandSpec spec) {
        try {
            return Permission.parse(defaultPermission);
        } catch (SlipwayException e) {
            throw new ParameterException(spec.commandLine(), "--default-permission: " + e.getMessage());
        }
    }

    private Optional<OidcOptions> oidc(CommandSpec spec) {
        if (oidcIssuer.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OidcOptions(URI.create(oidcIssuer.get().trim()), oidcAudience.orElseThrow().trim(),
                    oidcUsernameClaim.trim(), oidcAdminGroup.map(String::trim).filter(value -> !value.isEmpty()),
                    oidcGroupsClaim.trim()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--oidc-issuer: " + e.getMessage());
        }
    }
}
