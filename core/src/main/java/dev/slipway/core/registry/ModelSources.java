package dev.slipway.core.registry;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MLflow's rules for the {@code source} of a new model version, which keep a client from registering a path on the
 * server's disk and reading it back through the registry (CVE-2023-1177 and its bypasses).
 *
 * <ul>
 *   <li>A <em>local</em> source (a plain path, {@code file:/path} or {@code file:///path}, also with host
 *       {@code localhost} or {@code 127.0.0.1}) is allowed only with a run id, and only inside that run's
 *       artifact directory once {@code .} and {@code ..} are resolved, percent-decoded or not. A {@code file:} URI
 *       naming another host is refused.
 *   <li>Any other source ({@code mlflow-artifacts:}, {@code http(s):}, {@code s3:}, {@code runs:}, {@code models:},
 *       ...) is refused when, percent-decoded until stable, it has a {@code ..} segment (with {@code /} or
 *       {@code \} as separator), a NUL, or a path that normalisation would change ({@code /./}).
 *   <li>{@code runs:/<run_id>/<path>} must name an existing run; {@code models:/} must be
 *       {@code models:/<name>/<version|stage|latest>}, {@code models:/<name>@<alias>} or
 *       {@code models:/<model_id>}.
 * </ul>
 * Every refusal is an INVALID_PARAMETER_VALUE with MLflow's wording. Stateless and thread-safe.
 */
public final class ModelSources {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Pattern DIGITS = Pattern.compile("^\\d{1,18}$");
    private static final int MAX_DECODING_ROUNDS = 10;

    private ModelSources() {}

    /** What a {@code models:/} URI refers to. */
    public enum ReferenceKind {
        /** {@code models:/<name>/<version>} */
        VERSION,
        /** {@code models:/<name>@<alias>} */
        ALIAS,
        /** {@code models:/<name>/<stage>} */
        STAGE,
        /** {@code models:/<name>/latest} */
        LATEST,
        /** {@code models:/<model_id>}, an MLflow 3 logged model */
        LOGGED_MODEL
    }

    /**
     * A parsed {@code models:/} URI.
     *
     * @param name the registered model name, or the logged model id for {@link ReferenceKind#LOGGED_MODEL}
     * @param selector the version, alias or stage; empty for {@link ReferenceKind#LATEST} and logged models
     */
    public record ModelReference(ReferenceKind kind, String name, String selector) {
        public ModelReference {
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
            requireNonNull(selector, "selector is null");
        }
    }

    /**
     * A parsed {@code runs:/<run_id>/<path>} URI.
     *
     * @param path the artifact path inside the run, without leading or trailing '/'; empty for the run's root
     */
    public record RunReference(String runId, String path) {
        public RunReference {
            requireNonNull(runId, "runId is null");
            requireNonNull(path, "path is null");
        }
    }

    /**
     * Checks a new model version's source.
     *
     * @param runId the version's run, which local sources must lie in
     * @param modelId the version's logged model (MLflow 3); local sources must then lie in its artifact location
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a refused source; RESOURCE_DOES_NOT_EXIST when the run
     *     named by {@code runId} or by a {@code runs:/} source does not exist
     */
    public static void validate(String source, Optional<String> runId, Optional<String> modelId,
            SourceLocations locations) {
        requireNonNull(source, "source is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(modelId, "modelId is null");
        requireNonNull(locations, "locations is null");
        if (source.indexOf('\0') >= 0) {
            throw relativePathReferences(source);
        }
        if (isLocal(source)) {
            validateLocal(source, runId, modelId, locations);
            return;
        }
        validateRemote(source);
        String scheme = scheme(source).orElse("");
        if (scheme.equals("runs")) {
            RunReference run = parseRunsUri(source).orElseThrow(() -> SlipwayException.invalidParameter(
                    "Invalid model version source: '%s'. A runs:/ URI must be runs:/<run_id>/<artifact path>.",
                    source));
            locations.runArtifactUri(run.runId());
        } else if (scheme.equals("models") && parseModelsUri(source).isEmpty()) {
            throw SlipwayException.invalidParameter("Invalid model version source: '%s'. A models:/ URI must be "
                    + "models:/<name>/<version>, models:/<name>@<alias> or models:/<model_id>.", source);
        }
    }

    /**
     * Whether the source is a path on the server's disk: no scheme (or a one-letter Windows drive), or a
     * {@code file:} URI without a host or with a loopback host, as MLflow's {@code is_local_uri} decides.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a {@code file:} URI that names another host
     */
    public static boolean isLocal(String source) {
        Optional<String> scheme = scheme(source);
        if (scheme.isEmpty() || scheme.get().length() == 1) {
            return true;
        }
        if (!scheme.get().equals("file")) {
            return false;
        }
        String host = host(source);
        if (!host.isEmpty() && !host.equals(".") && !host.startsWith("localhost") && !host.startsWith("127.0.0.1")) {
            throw SlipwayException.invalidParameter("%s is not a valid remote uri. For remote access on windows, "
                    + "please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).", source);
        }
        return true;
    }

    /** The scheme in lower case; absent for a plain path. */
    public static Optional<String> scheme(String source) {
        var matcher = SCHEME.matcher(source);
        return matcher.find() ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** The parts of {@code runs:/<run_id>/<path>}; absent when the URI has another form. */
    public static Optional<RunReference> parseRunsUri(String source) {
        if (!scheme(source).filter("runs"::equals).isPresent()) {
            return Optional.empty();
        }
        String rest = source.substring("runs:".length());
        if (!rest.startsWith("/") || rest.startsWith("//")) {
            return Optional.empty();
        }
        List<String> segments = segments(rest);
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RunReference(segments.get(0), String.join("/", segments.subList(1, segments.size()))));
    }

    /** The parts of a {@code models:/} URI; absent when the URI has another form. */
    public static Optional<ModelReference> parseModelsUri(String source) {
        if (!scheme(source).filter("models"::equals).isPresent()) {
            return Optional.empty();
        }
        String rest = source.substring("models:".length());
        if (!rest.startsWith("/") || rest.startsWith("//")) {
            return Optional.empty();
        }
        List<String> segments = segments(rest);
        if (segments.size() == 1) {
            String only = segments.get(0);
            int at = only.indexOf('@');
            if (at < 0) {
                return Optional.of(new ModelReference(ReferenceKind.LOGGED_MODEL, only, ""));
            }
            if (at == 0 || at == only.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new ModelReference(ReferenceKind.ALIAS, only.substring(0, at), only.substring(at + 1)));
        }
        if (segments.size() == 2) {
            String name = segments.get(0);
            String selector = segments.get(1);
            if (DIGITS.matcher(selector).matches()) {
                return Optional.of(new ModelReference(ReferenceKind.VERSION, name, selector));
            }
            if (selector.equalsIgnoreCase("latest")) {
                return Optional.of(new ModelReference(ReferenceKind.LATEST, name, ""));
            }
            return Optional.of(new ModelReference(ReferenceKind.STAGE, name, selector));
        }
        return Optional.empty();
    }

    // ---- local sources -------------------------------------------------------------------------

    private static void validateLocal(String source, Optional<String> runId, Optional<String> modelId,
            SourceLocations locations) {
        Optional<String> owner = modelId.isPresent() ? modelId : runId;
        Optional<String> artifactUri = modelId.isPresent()
                ? locations.loggedModelArtifactUri(modelId.get())
                : runId.map(locations::runArtifactUri);
        String ownerField = modelId.isPresent() ? "model_id" : "run_id";
        if (owner.isPresent() && artifactUri.isPresent() && isLocal(artifactUri.get())) {
            Path directory = localPath(artifactUri.get(), false);
            if (directory != null) {
                Path given = localPath(source, false);
                Path decoded = localPath(source, true);
                if (given != null && decoded != null && given.startsWith(directory) && decoded.startsWith(directory)) {
                    return;
                }
            }
        }
        throw SlipwayException.invalidParameter("Invalid model version source: '%s'. To use a local path as a model "
                + "version source, the %s request parameter has to be specified and the local path has to be "
                + "contained within the artifact directory of the run specified by the %s.", source, ownerField,
                ownerField);
    }

    /**
     * The absolute, normalised path of a local source; null when it is not a valid path. A {@code file:} URI's path
     * is percent-decoded once, as a URI path is; with {@code decodeFully} it is decoded until stable.
     */
    private static Path localPath(String source, boolean decodeFully) {
        String path = source;
        Optional<String> scheme = scheme(source);
        if (scheme.filter("file"::equals).isPresent()) {
            String rest = source.substring("file:".length());
            if (rest.startsWith("//")) {
                int slash = rest.indexOf('/', 2);
                rest = slash < 0 ? "/" : rest.substring(slash);
            }
            path = stripQueryAndFragment(percentDecode(rest, false));
        }
        if (decodeFully) {
            path = decodeUntilStable(path, false);
        }
        if (path.indexOf('\0') >= 0) {
            return null;
        }
        try {
            return Path.of(path.replace('\\', '/')).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    // ---- remote sources ------------------------------------------------------------------------

    private static void validateRemote(String source) {
        String decoded = decodeUntilStable(source, true);
        if (decoded.indexOf('\0') >= 0) {
            throw relativePathReferences(source);
        }
        for (String segment : decoded.split("[/\\\\]", -1)) {
            if (segment.equals("..")) {
                throw relativePathReferences(source);
            }
        }
        String path = uriPath(decoded).replaceAll("/+", "/");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.equals(normalise(path))) {
            throw relativePathReferences(source);
        }
    }

    /** The path of a URI: after the scheme and the authority, before the query and the fragment. */
    private static String uriPath(String uri) {
        String rest = scheme(uri).map(scheme -> uri.substring(scheme.length() + 1)).orElse(uri);
        rest = stripQueryAndFragment(rest);
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        return rest;
    }

    private static String stripQueryAndFragment(String uri) {
        int end = uri.length();
        int query = uri.indexOf('?');
        int fragment = uri.indexOf('#');
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return uri.substring(0, end);
    }

    /** The path without {@code .} segments; {@code ..} segments have been refused before. */
    private static String normalise(String path) {
        StringBuilder normal = new StringBuilder(path.length());
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".")) {
                continue;
            }
            if (normal.length() > 0 || path.startsWith("/")) {
                normal.append('/');
            }
            normal.append(segment);
        }
        String result = normal.toString().replaceAll("/+", "/");
        return result.length() > 1 && result.endsWith("/") ? result.substring(0, result.length() - 1) : result;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private static String host(String fileUri) {
        String rest = fileUri.substring("file:".length());
        if (!rest.startsWith("//")) {
            return "";
        }
        int end = rest.length();
        for (char delimiter : new char[] {'/', '?', '#'}) {
            int index = rest.indexOf(delimiter, 2);
            if (index >= 0 && index < end) {
                end = index;
            }
        }
        String authority = rest.substring(2, end);
        int at = authority.lastIndexOf('@');
        String host = at < 0 ? authority : authority.substring(at + 1);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && !host.endsWith("]")) {
            host = host.substring(0, colon);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    private static String decodeUntilStable(String text, boolean plusIsSpace) {
        String decoded = text;
        for (int round = 0; round < MAX_DECODING_ROUNDS; round++) {
            String next = percentDecode(decoded, plusIsSpace);
            if (next.equals(decoded)) {
                break;
            }
            decoded = next;
        }
        return decoded;
    }

    /** Decodes valid {@code %XX} escapes as UTF-8 and leaves malformed ones as they are (as Python's unquote). */
    private static String percentDecode(String text, boolean plusIsSpace) {
        if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        StringBuilder out = new StringBuilder(text.length());
        for (int index = 0; index < text.length(); index++) {
            char character = text.charAt(index);
            if (character == '%' && index + 2 < text.length() && isHex(text.charAt(index + 1))
                    && isHex(text.charAt(index + 2))) {
                bytes.write(Integer.parseInt(text.substring(index + 1, index + 3), 16));
                index += 2;
                continue;
            }
            flush(bytes, out);
            out.append(plusIsSpace && character == '+' ? ' ' : character);
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    private static boolean isHex(char character) {
        return Character.digit(character, 16) >= 0;
    }

    private static SlipwayException relativePathReferences(String source) {
        return SlipwayException.invalidParameter("Invalid model version source: '%s'. If supplying a source as an "
                + "http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be "
                + "provided without relative path references present. Please provide an absolute path.",
                source.replace('\0', '?'));
    }
}
