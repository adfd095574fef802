package dev.slipway.client;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.registry.ModelVersionStage;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed model URI, the ways MLflow names a model: {@code models:/name/3} (a version), {@code models:/name@alias},
 * {@code models:/name/Production} (the latest version in a stage), {@code models:/name/latest} (the highest version),
 * {@code models:/m-<id>} (an MLflow 3 logged model, whose ids start with {@code m-}), {@code runs:/<run_id>/path}
 * (a folder of a run's artifacts), and anything else as an artifact location: an
 * {@code mlflow-artifacts:/} URI, a {@code file:} URI or a plain folder.
 */
public sealed interface ModelUri {

    /** The text the user gave. */
    String text();

    /** {@code models:/name/<version>}. */
    record RegistryVersion(String text, String name, long version) implements ModelUri {}

    /** {@code models:/name@alias}. */
    record RegistryAlias(String text, String name, String alias) implements ModelUri {}

    /** {@code models:/name/<stage>}; absent stage means {@code latest}: the highest version in any stage. */
    record RegistryLatest(String text, String name, Optional<ModelVersionStage> stage) implements ModelUri {}

    /** {@code models:/<model_id>}: an MLflow 3 logged model, by an id that starts with {@code m-}. */
    record LoggedModel(String text, String modelId) implements ModelUri {}

    /** {@code runs:/<run_id>/path}; the path may be empty (the run's whole artifact tree). */
    record RunArtifacts(String text, String runId, String path) implements ModelUri {}

    /** Any other location: {@code mlflow-artifacts:/...}, {@code file:///...}, a plain folder. */
    record Location(String text) implements ModelUri {}

    /**
     * Parses a model URI.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for a malformed {@code models:/} or {@code runs:/} URI, with
     *     the accepted forms
     */
    static ModelUri parse(String text) {
        requireNonNull(text, "text is null");
        String uri = text.trim();
        if (uri.isEmpty()) {
            throw SlipwayException.invalidParameter("The model URI is empty");
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        if (lower.startsWith("models:")) {
            return parseModels(uri);
        }
        if (lower.startsWith("runs:")) {
            return parseRuns(uri);
        }
        return new Location(uri);
    }

    private static ModelUri parseModels(String uri) {
        String rest = stripScheme(uri, "models:");
        int at = rest.indexOf('@');
        if (at >= 0) {
            String name = rest.substring(0, at);
            String alias = rest.substring(at + 1);
            if (name.isEmpty() || alias.isEmpty() || name.contains("/") || alias.contains("/")) {
                throw malformedModels(uri);
            }
            return new RegistryAlias(uri, name, alias);
        }
        if (rest.startsWith("m-") && !rest.contains("/")) {
            // MLflow's logged-model ids are "m-" and hex digits; accept the characters of run ids after the prefix
            if (!rest.matches("m-[\\w\\-]{1,254}")) {
                throw malformedModels(uri);
            }
            return new LoggedModel(uri, rest);
        }
        int slash = rest.lastIndexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw malformedModels(uri);
        }
        String name = rest.substring(0, slash);
        String suffix = rest.substring(slash + 1);
        if (name.contains("/")) {
            throw malformedModels(uri);
        }
        if (suffix.chars().allMatch(Character::isDigit)) {
            try {
                long version = Long.parseLong(suffix);
                if (version >= 1) {
                    return new RegistryVersion(uri, name, version);
                }
            } catch (NumberFormatException e) {
                // too long: reported below
            }
            throw malformedModels(uri);
        }
        if (suffix.equalsIgnoreCase("latest")) {
            return new RegistryLatest(uri, name, Optional.empty());
        }
        try {
            return new RegistryLatest(uri, name, Optional.of(ModelVersionStage.parse(suffix)));
        } catch (SlipwayException e) {
            throw malformedModels(uri);
        }
    }

    private static ModelUri parseRuns(String uri) {
        String rest = stripScheme(uri, "runs:");
        int slash = rest.indexOf('/');
        String runId = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!runId.matches("[a-zA-Z0-9][\\w\\-]{0,255}")) {
            throw SlipwayException.invalidParameter(
                    "Invalid run URI '%s': expected runs:/<run_id>/<path>, such as runs:/0a1b2c.../model", uri);
        }
        return new RunArtifacts(uri, runId, path);
    }

    /** Removes the scheme and the slashes after it ({@code models:/x}, {@code models:///x}). */
    private static String stripScheme(String uri, String scheme) {
        String rest = uri.substring(scheme.length());
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        return rest;
    }

    private static SlipwayException malformedModels(String uri) {
        return SlipwayException.invalidParameter("Invalid model URI '%s': expected models:/<name>/<version>, "
                + "models:/<name>@<alias>, models:/<name>/<stage>, models:/<name>/latest or "
                + "models:/m-<logged model id>", uri);
    }
}
