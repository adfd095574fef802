package dev.slipway.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.client.AuthClient;
import dev.slipway.client.Credentials;
import dev.slipway.client.RetryPolicy;
import dev.slipway.client.TrackingClient;
import dev.slipway.core.auth.AccessToken;
import dev.slipway.core.auth.NewAccessToken;
import dev.slipway.core.auth.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code slipway users}: the users and personal access tokens of a tracking server started with {@code --auth basic},
 * through its REST API, authenticating as MLflow's clients do ({@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD}, or {@code MLFLOW_TRACKING_TOKEN}). Managing users needs an administrator; anyone
 * may change their own password and handle their own tokens.
 */
@Command(name = "users", sortOptions = false, subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class,
        UsersCommand.Delete.class, UsersCommand.SetAdmin.class, UsersCommand.SetPassword.class,
        UsersCommand.Token.class},
        description = {"Manage the users and access tokens of a tracking server started with --auth basic.",
                "Authenticates with MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN."})
final class UsersCommand implements Callable<Integer> {
    private static final int GENERATED_PASSWORD_BYTES = 18;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The client of the server named by the tracking options, with the credentials of the environment. */
    static TrackingClient client(TrackingOptions options, Environment environment, CommandSpec spec) {
        TrackingOptions.Target target = options.target(environment, Backends.discover());
        if (!target.isServer()) {
            throw new ParameterException(spec.commandLine(), "Users and permissions live on a tracking server: set "
                    + "MLFLOW_TRACKING_URI or --tracking-uri to its http(s):// URI");
        }
        return TrackingClient.create(target.uri(), RetryPolicy.defaults(),
                Credentials.fromVariables(environment.variables()));
    }

    /** The password read from standard input (its first line), or a generated one. */
    static Password password(boolean fromStdin) throws IOException {
        if (fromStdin) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = reader.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("No password on standard input");
            }
            return new Password(line, false);
        }
        byte[] bytes = new byte[GENERATED_PASSWORD_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new Password(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), true);
    }

    /** A password, and whether it was generated (and must be shown once). */
    record Password(String value, boolean generated) {
        @Override
        public String toString() {
            return "Password[<redacted>, generated=" + generated + "]";
        }
    }

    @Command(name = "create", sortOptions = false, description = {"Create a user (administrators only).",
            "Without --password-stdin a password is generated and printed once."})
    static final class Create implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Option(names = "--admin", description = "Make the user an administrator.")
        boolean admin;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Create(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws IOException {
            Password password = password(passwordStdin);
            AuthClient auth = client(trackingOptions, environment, spec).auth();
            User user = auth.createUser(username, password.value(), admin).user();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Created %s '%s'%n", user.admin() ? "administrator" : "user", user.username());
            if (password.generated()) {
                out.printf("Password (shown only this once): %s%n", password.value());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List the users (administrators only).")
    static final class ListUsers implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
        boolean json;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        ListUsers(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            List<User> users = client(trackingOptions, environment, spec).auth().listUsers();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (User user : users) {
                    array.addObject().put("id", user.id()).put("username", user.username())
                            .put("is_admin", user.admin());
                }
                TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().set("users", array));
            } else {
                TextTable table = new TextTable("ID", "USERNAME", "ADMIN");
                for (User user : users) {
                    table.add(Long.toString(user.id()), user.username(), user.admin() ? "yes" : "no");
                }
                table.print(out);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a user with the user's permissions and tokens (administrators "
            + "only).")
    static final class Delete implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        Delete(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            client(trackingOptions, environment, spec).auth().deleteUser(username);
            spec.commandLine().getOut().printf("Deleted user '%s'%n", username);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "set-admin", description = "Make a user an administrator, or not (administrators only).")
    static final class SetAdmin implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Parameters(index = "1", paramLabel = "true|false", arity = "0..1", defaultValue = "true",
                description = "Whether the user is an administrator (default: true).")
        boolean admin;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        SetAdmin(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            client(trackingOptions, environment, spec).auth().updateAdmin(username, admin);
            spec.commandLine().getOut().printf("User '%s' is %s%n", username, admin ? "an administrator"
                    : "no longer an administrator");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "set-password", description = {"Change a user's password (your own, or anyone's as an "
            + "administrator).", "Without --password-stdin a password is generated and printed once."})
    static final class SetPassword implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        SetPassword(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() throws IOException {
            Password password = password(passwordStdin);
            client(trackingOptions, environment, spec).auth().updatePassword(username, password.value());
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Changed the password of '%s'%n", username);
            if (password.generated()) {
                out.printf("New password (shown only this once): %s%n", password.value());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "token", sortOptions = false, subcommands = {TokenCreate.class, TokenList.class,
            TokenRevoke.class}, description = "Manage personal access tokens (for MLFLOW_TRACKING_TOKEN).")
    static final class Token implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "create", sortOptions = false, description = {"Create a personal access token; its secret is "
            + "printed once and stored only as a hash.", "Use it as MLFLOW_TRACKING_TOKEN (or as the password)."})
    static final class TokenCreate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "What the token is for, such as 'ci pipeline'.")
        String name;

        @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "Days until the token expires "
                + "(default: never).")
        Optional<Integer> expiresInDays = Optional.empty();

        @Option(names = "--user", paramLabel = "USERNAME", description = "Whose token (default: yours; another "
                + "user's needs an administrator).")
        Optional<String> user = Optional.empty();

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        TokenCreate(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            NewAccessToken token = client(trackingOptions, environment, spec).auth().createToken(name, expiresInDays,
                    user);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Created token %s of '%s'. Its secret, shown only this once:%n%n    %s%n%n"
                    + "Use it as MLFLOW_TRACKING_TOKEN.%n", token.token().tokenId(), token.token().username(),
                    token.secret());
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", description = "List personal access tokens, without their secrets.")
    static final class TokenList implements Callable<Integer> {
        @Option(names = "--user", paramLabel = "USERNAME", description = "Whose tokens (default: yours).")
        Optional<String> user = Optional.empty();

        @Option(names = "--json", description = "Print JSON for scripts instead of a table (times in epoch ms).")
        boolean json;

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        TokenList(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            List<AccessToken> tokens = client(trackingOptions, environment, spec).auth().tokens(user);
            if (json) {
                ArrayNode array = TrackingCommand.json().createArrayNode();
                for (AccessToken token : tokens) {
                    ObjectNode node = array.addObject().put("token_id", token.tokenId())
                            .put("username", token.username()).put("name", token.name())
                            .put("creation_time", token.creationTime());
                    token.expirationTime().ifPresent(time -> node.put("expiration_time", time));
                }
                PrintWriter out = spec.commandLine().getOut();
                TrackingCommand.printJson(out, TrackingCommand.json().createObjectNode().set("tokens", array));
                out.flush();
                return 0;
            }
            HumanFormat format = new HumanFormat(environment.zone());
            TextTable table = new TextTable("ID", "USER", "NAME", "CREATED", "EXPIRES");
            for (AccessToken token : tokens) {
                table.add(token.tokenId(), token.username(), token.name(), format.time(token.creationTime()),
                        token.expirationTime().map(format::time).orElse("never"));
            }
            PrintWriter out = spec.commandLine().getOut();
            table.print(out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a personal access token: it stops working at once.")
    static final class TokenRevoke implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TOKEN_ID")
        String tokenId;

        @Option(names = "--user", paramLabel = "USERNAME", description = "Whose token (default: yours).")
        Optional<String> user = Optional.empty();

        @Mixin
        TrackingOptions trackingOptions;

        @Spec
        CommandSpec spec;

        private final Environment environment;

        TokenRevoke(Environment environment) {
            this.environment = requireNonNull(environment, "environment is null");
        }

        @Override
        public Integer call() {
            client(trackingOptions, environment, spec).auth().revokeToken(tokenId, user);
            spec.commandLine().getOut().printf("Revoked token %s%n", tokenId);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
