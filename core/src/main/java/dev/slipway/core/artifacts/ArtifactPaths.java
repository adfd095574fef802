package dev.slipway.core.artifacts;

import dev.slipway.core.SlipwayException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The path-safety rules for artifact paths supplied by clients: percent-decode until stable, then reject
 * NUL, '#', '\', '..' segments and absolute POSIX or Windows paths, all with MLflow's "Invalid path" 400.
 */
public final class ArtifactPaths {
    private ArtifactPaths() {}

    /**
     * Returns the path in normal form (no leading, trailing or doubled '/', no '.' segments).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE "Invalid path" for any unsafe path
     */
    public static String validate(String path) {
        String decoded = path;
        for (int round = 0; round < 10; round++) {
            String next;
            try {
                next = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalidPath();
            }
            if (next.equals(decoded)) {
                break;
            }
            decoded = next;
        }
        if (decoded.indexOf('\0') >= 0 || decoded.contains("#") || decoded.contains("\\")) {
            throw invalidPath();
        }
        if (decoded.startsWith("/") || decoded.startsWith("~") || decoded.matches("^[A-Za-z]:.*")) {
            throw invalidPath();
        }
        StringBuilder normal = new StringBuilder();
        for (String segment : decoded.split("/")) {
            if (segment.equals("..")) {
                throw invalidPath();
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (normal.length() > 0) {
                normal.append('/');
            }
            normal.append(segment);
        }
        return normal.toString();
    }

    public static SlipwayException invalidPath() {
        return SlipwayException.invalidParameter("Invalid path");
    }
}
