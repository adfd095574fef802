package dev.slipway.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A backend store URI as MLflow users write it, translated to a JDBC URL and credentials.
 *
 * <ul>
 *   <li>{@code sqlite:////abs/path.db} and {@code sqlite:///abs/path.db} are absolute paths;
 *       {@code sqlite:///mlflow.db} (a bare file name, or a path starting with {@code ./} or {@code ../}, or whose
 *       first folder does not exist at the file-system root) is relative to the working directory, as SQLAlchemy
 *       reads it.</li>
 *   <li>{@code postgresql://user:pw@host:port/db?k=v} (also {@code postgres}, {@code postgresql+psycopg2});
 *       query parameters pass through to the driver.</li>
 *   <li>{@code mysql://user:pw@host:port/db} (also {@code mysql+pymysql}, {@code mariadb}, ...).</li>
 * </ul>
 * User and password are percent-decoded.
 *
 * @param sqliteFile the database file, only for SQLite
 */
record BackendUri(Dialect dialect, String jdbcUrl, Optional<String> user, Optional<String> password,
        Optional<Path> sqliteFile) {
    BackendUri {
        requireNonNull(dialect, "dialect is null");
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(sqliteFile, "sqliteFile is null");
    }

    static BackendUri parse(String uri) {
        requireNonNull(uri, "uri is null");
        int colon = uri.indexOf("://");
        if (colon <= 0) {
            throw invalid(uri, "expected <scheme>://...");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 3);
        Dialect dialect = dialectOf(scheme)
                .orElseThrow(() -> invalid(uri, "unsupported scheme '" + scheme
                        + "'; supported are sqlite, postgresql, postgres, mysql, mariadb"));
        return switch (dialect) {
            case SQLITE -> sqlite(uri, rest);
            case POSTGRESQL -> server(uri, rest, dialect, "jdbc:postgresql://", 5432, "reWriteBatchedInserts=true");
            case MYSQL -> server(uri, rest, dialect, "jdbc:mariadb://", 3306, "useBulkStmts=true");
        };
    }

    /** The dialect a scheme names: {@code mysql+pymysql} is MySQL, {@code postgresql+psycopg2} is PostgreSQL. */
    static Optional<Dialect> dialectOf(String scheme) {
        String base = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        return switch (base) {
            case "sqlite" -> Optional.of(Dialect.SQLITE);
            case "postgresql", "postgres" -> Optional.of(Dialect.POSTGRESQL);
            case "mysql", "mariadb" -> Optional.of(Dialect.MYSQL);
            default -> Optional.empty();
        };
    }

    private static BackendUri sqlite(String uri, String rest) {
        String pathText = rest;
        int query = pathText.indexOf('?');
        if (query >= 0) {
            pathText = pathText.substring(0, query);
        }
        if (!pathText.startsWith("/")) {
            throw invalid(uri, "expected sqlite:///<path> (a host is not allowed)");
        }
        pathText = pathText.substring(1);
        if (pathText.isEmpty() || pathText.endsWith("/")) {
            throw invalid(uri, "the database file name is missing");
        }
        if (pathText.equals(":memory:")) {
            throw invalid(uri, "in-memory databases are not supported; give a file");
        }
        Path file;
        try {
            file = sqlitePath(pathText);
        } catch (InvalidPathException e) {
            throw invalid(uri, "invalid path: " + e.getMessage());
        }
        return new BackendUri(Dialect.SQLITE, "jdbc:sqlite:" + file, Optional.empty(), Optional.empty(),
                Optional.of(file));
    }

    private static Path sqlitePath(String pathText) {
        if (pathText.startsWith("/")) {
            return Path.of(pathText).toAbsolutePath().normalize(); // sqlite:////abs/path.db
        }
        int slash = pathText.indexOf('/');
        if (slash < 0) {
            return Path.of(pathText).toAbsolutePath().normalize(); // sqlite:///mlflow.db
        }
        String firstFolder = pathText.substring(0, slash);
        boolean relative = firstFolder.equals(".") || firstFolder.equals("..")
                || !Files.isDirectory(Path.of("/" + firstFolder));
        return (relative ? Path.of(pathText) : Path.of("/" + pathText)).toAbsolutePath().normalize();
    }

    private static BackendUri server(String uri, String rest, Dialect dialect, String jdbcPrefix, int defaultPort,
            String driverOptions) {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw invalid(uri, "the database name is missing; expected " + exampleOf(dialect));
        }
        String authority = rest.substring(0, slash);
        String pathAndQuery = rest.substring(slash + 1);
        int question = pathAndQuery.indexOf('?');
        String database = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
        if (database.isEmpty() || database.contains("/")) {
            throw invalid(uri, "expected one database name after the host; expected " + exampleOf(dialect));
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        String hostPort = authority;
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            hostPort = authority.substring(at + 1);
            int separator = userInfo.indexOf(':');
            String rawUser = separator < 0 ? userInfo : userInfo.substring(0, separator);
            user = Optional.of(decode(uri, rawUser)).filter(value -> !value.isEmpty());
            if (separator >= 0) {
                password = Optional.of(decode(uri, userInfo.substring(separator + 1)));
            }
        }
        String host = hostPort;
        int port = defaultPort;
        int portSeparator = hostPort.lastIndexOf(':');
        if (portSeparator >= 0 && portSeparator > hostPort.lastIndexOf(']')) {
            host = hostPort.substring(0, portSeparator);
            String portText = hostPort.substring(portSeparator + 1);
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw invalid(uri, "invalid port '" + portText + "'");
            }
            if (port < 1 || port > 65535) {
                throw invalid(uri, "invalid port '" + portText + "'");
            }
        }
        if (host.isEmpty()) {
            host = "localhost";
        }
        if (!host.matches("[A-Za-z0-9._\\-]+|\\[[0-9A-Fa-f:.]+]")) {
            throw invalid(uri, "invalid host '" + host + "'");
        }
        String decodedDatabase = decode(uri, database);
        if (!decodedDatabase.matches("[A-Za-z0-9_$\\-]+")) {
            throw invalid(uri, "invalid database name '" + decodedDatabase + "'");
        }
        StringBuilder jdbcUrl = new StringBuilder(jdbcPrefix).append(host).append(':').append(port).append('/')
                .append(decodedDatabase).append('?');
        if (!query.isEmpty()) {
            jdbcUrl.append(query).append('&');
        }
        jdbcUrl.append(driverOptions);
        return new BackendUri(dialect, jdbcUrl.toString(), user, password, Optional.empty());
    }

    private static String decode(String uri, String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(uri, "invalid percent-encoding in '" + value + "'");
        }
    }

    private static String exampleOf(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> "sqlite:///path/to/file.db";
            case POSTGRESQL -> "postgresql://user:password@host:5432/database";
            case MYSQL -> "mysql://user:password@host:3306/database";
        };
    }

    private static SlipwayException invalid(String uri, String reason) {
        return SlipwayException.invalidParameter("Invalid backend store URI '%s': %s", redact(uri), reason);
    }

    /** The URI with any password replaced, for messages. */
    static String redact(String uri) {
        return uri.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
    }
}
