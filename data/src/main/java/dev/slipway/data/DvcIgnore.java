package dev.slipway.data;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code .dvcignore} rules that apply below a folder: Git's ignore syntax ({@code *}, {@code ?},
 * {@code [...]}, {@code **}, a leading or inner {@code /} anchoring the pattern to the file's folder,
 * a trailing {@code /} for folders only, {@code !} to re-include, {@code #} comments, {@code \}
 * escapes). Later rules win; a rule of a deeper {@code .dvcignore} wins over a shallower one. Like
 * Git, a file inside an ignored folder cannot be re-included (the folder is not walked). Immutable.
 */
public record DvcIgnore(List<Rule> rules) {
    public static final String FILE_NAME = ".dvcignore";

    /** One pattern line, compiled, with the folder its {@code .dvcignore} lives in. */
    public record Rule(Path base, String pattern, Pattern regex, boolean negated, boolean directoryOnly) {
        public Rule {
            requireNonNull(base, "base is null");
            requireNonNull(pattern, "pattern is null");
            requireNonNull(regex, "regex is null");
        }

        boolean matches(Path absolute, boolean directory) {
            if ((directoryOnly && !directory) || !absolute.startsWith(base) || absolute.equals(base)) {
                return false;
            }
            return regex.matcher(WorkspaceHasher.relpath(base, absolute)).matches();
        }
    }

    public DvcIgnore {
        rules = List.copyOf(requireNonNull(rules, "rules is null"));
    }

    /** No rules: nothing is ignored beyond DVC's built-in {@code .git}, {@code .hg}, {@code .dvc}. */
    public static DvcIgnore none() {
        return new DvcIgnore(List.of());
    }

    /**
     * The rules of every {@code .dvcignore} from {@code repositoryRoot} down to the folder that holds
     * {@code target} (shallowest first).
     */
    public static DvcIgnore load(Path repositoryRoot, Path target) {
        Path root = repositoryRoot.toAbsolutePath().normalize();
        Path folder = target.toAbsolutePath().normalize().getParent();
        List<Path> folders = new ArrayList<>();
        for (Path current = folder; current != null && current.startsWith(root); current = current.getParent()) {
            folders.add(0, current);
        }
        List<Rule> rules = new ArrayList<>();
        for (Path base : folders) {
            Path file = base.resolve(FILE_NAME);
            if (Files.isRegularFile(file)) {
                try {
                    rules.addAll(parse(base, Files.readString(file, UTF_8)));
                } catch (IOException e) {
                    throw new SlipwayException(ErrorCode.INTERNAL_ERROR,
                            String.format("Cannot read '%s': %s", file, e.getMessage()), e);
                }
            }
        }
        return new DvcIgnore(rules);
    }

    /** Parses the text of a {@code .dvcignore} in folder {@code base}. */
    public static List<Rule> parse(Path base, String text) {
        List<Rule> rules = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String pattern = stripTrailingSpaces(line);
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean negated = pattern.startsWith("!");
            if (negated) {
                pattern = pattern.substring(1);
            }
            boolean directoryOnly = pattern.endsWith("/") && !pattern.endsWith("\\/");
            if (directoryOnly) {
                pattern = pattern.substring(0, pattern.length() - 1);
            }
            boolean anchored = pattern.startsWith("/") || pattern.contains("/");
            if (pattern.startsWith("/")) {
                pattern = pattern.substring(1);
            }
            if (pattern.isEmpty()) {
                continue;
            }
            String regex = (anchored ? "" : "(?:.*/)?") + toRegex(pattern);
            rules.add(new Rule(base.toAbsolutePath().normalize(), line, Pattern.compile(regex), negated, directoryOnly));
        }
        return rules;
    }

    /** True when {@code absolute} (a folder if {@code directory}) is ignored by these rules. */
    public boolean isIgnored(Path absolute, boolean directory) {
        boolean ignored = false;
        for (Rule rule : rules) {
            if (rule.matches(absolute, directory)) {
                ignored = !rule.negated();
            }
        }
        return ignored;
    }

    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
            end--;
        }
        return line.substring(0, end);
    }

    private static String toRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (pattern.startsWith("**/", i) && (i == 0 || pattern.charAt(i - 1) == '/')) {
                regex.append("(?:.*/)?");
                i += 3;
            } else if (pattern.startsWith("**", i) && i + 2 == pattern.length() && i > 0 && pattern.charAt(i - 1) == '/') {
                regex.append(".*");
                i += 2;
            } else if (c == '*') {
                regex.append("[^/]*");
                i += pattern.startsWith("**", i) ? 2 : 1;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else if (c == '[') {
                int close = pattern.indexOf(']', i + 2);
                if (close < 0) {
                    regex.append("\\[");
                    i++;
                } else {
                    String body = pattern.substring(i + 1, close);
                    if (body.startsWith("!") || body.startsWith("^")) {
                        body = "^" + body.substring(1);
                    }
                    regex.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = close + 1;
                }
            } else if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
                i += 2;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return regex.toString();
    }
}
