package dev.slipway.data;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The content of a {@code .dir} object: one entry per file of a tracked folder, sorted by relative
 * path in Unicode code-point order (Python's string order, not Java's UTF-16 {@code compareTo}).
 *
 * <p>{@link #toBytes()} gives exactly the bytes DVC writes ({@code json.dumps(list, sort_keys=True)}),
 * and {@link #hash()} their MD5 with the {@code .dir} suffix. Immutable.
 */
public record DirectoryListing(List<Entry> entries) {
    /** Python's {@code str} ordering: by code point. */
    public static final Comparator<String> CODE_POINT_ORDER = DirectoryListing::compareCodePoints;

    private static final JsonFactory JSON = new JsonFactory();

    /** One file: its path relative to the tracked folder ({@code /}-separated) and its md5. */
    public record Entry(String relpath, String md5) {
        public Entry {
            requireNonNull(relpath, "relpath is null");
            requireNonNull(md5, "md5 is null");
            if (relpath.isEmpty() || relpath.startsWith("/") || hasParentStep(relpath)) {
                throw SlipwayException.invalidParameter(
                        "Invalid relpath '%s' in a directory listing: expected a '/'-separated path inside the folder", relpath);
            }
        }
    }

    private static boolean hasParentStep(String relpath) {
        return relpath.equals("..") || relpath.startsWith("../") || relpath.endsWith("/..") || relpath.contains("/../");
    }

    public DirectoryListing {
        List<Entry> sorted = new ArrayList<>(requireNonNull(entries, "entries is null"));
        sorted.sort(Comparator.comparing(Entry::relpath, CODE_POINT_ORDER));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).relpath().equals(sorted.get(i - 1).relpath())) {
                throw SlipwayException.invalidParameter(
                        "Duplicate relpath '%s' in a directory listing", sorted.get(i).relpath());
            }
        }
        entries = List.copyOf(sorted);
    }

    /** The listing's JSON bytes, byte for byte as DVC writes them (pure ASCII). */
    public byte[] toBytes() {
        StringBuilder json = new StringBuilder(entries.size() * 64 + 2);
        json.append('[');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                json.append(", ");
            }
            Entry entry = entries.get(i);
            json.append("{\"md5\": ");
            PythonJson.appendString(json, entry.md5());
            json.append(", \"relpath\": ");
            PythonJson.appendString(json, entry.relpath());
            json.append('}');
        }
        json.append(']');
        return json.toString().getBytes(US_ASCII);
    }

    /** The {@code .dir} hash DVC gives this listing: MD5 of {@link #toBytes()} plus {@code .dir}. */
    public String hash() {
        return Md5.of(toBytes()) + HashInfo.DIR_SUFFIX;
    }

    /** Number of files ({@code nfiles} in a {@code .dvc} file). */
    public int fileCount() {
        return entries.size();
    }

    /**
     * Parses a {@code .dir} object as DVC reads it: a JSON list of objects, each holding
     * {@code relpath} and exactly one other key, the hash ({@code md5}).
     *
     * @param source names the object in error messages
     * @throws SlipwayException INVALID_STATE naming {@code source} if the bytes are not such a list
     */
    public static DirectoryListing parse(byte[] bytes, String source) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw corrupt(source, "expected a JSON list");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw corrupt(source, "not valid JSON: the list does not end");
                }
                int index = entries.size();
                String relpath = null;
                String md5 = null;
                int keys = 0;
                if (token != JsonToken.START_OBJECT) {
                    throw badEntry(source, index);
                }
                for (JsonToken field = parser.nextToken(); field != JsonToken.END_OBJECT; field = parser.nextToken()) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    keys++;
                    if (value == JsonToken.VALUE_STRING && "relpath".equals(name)) {
                        relpath = parser.getText();
                    } else if (value == JsonToken.VALUE_STRING && "md5".equals(name)) {
                        md5 = parser.getText();
                    } else {
                        throw badEntry(source, index);
                    }
                }
                if (keys != 2 || relpath == null || md5 == null) {
                    throw badEntry(source, index);
                }
                if (!seen.add(relpath)) {
                    throw corrupt(source, "relpath '" + relpath + "' appears twice");
                }
                entries.add(new Entry(relpath, md5));
            }
            if (parser.nextToken() != null) {
                throw corrupt(source, "not valid JSON: text after the list");
            }
        } catch (IOException e) {
            throw corrupt(source, "not valid JSON: " + e.getMessage());
        }
        return new DirectoryListing(entries);
    }

    private static SlipwayException badEntry(String source, int index) {
        return corrupt(source, "entry " + index + " must hold exactly 'md5' and 'relpath' strings");
    }

    private static SlipwayException corrupt(String source, String reason) {
        return new SlipwayException(ErrorCode.INVALID_STATE,
                String.format("Directory listing '%s' is corrupt: %s", source, reason));
    }

    private static int compareCodePoints(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            int a = left.codePointAt(i);
            int b = right.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(left.length() - i, right.length() - j);
    }
}
