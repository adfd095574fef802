package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mergeable frequency table of one categorical column, with a cap on the number of distinct values kept.
 *
 * <p><b>Cap.</b> At most {@code maxDistinct} values (default {@value #DEFAULT_MAX_DISTINCT}) are counted one by one;
 * once the table is full, a value not yet in it is counted in a single "other" bucket. When a {@link #merge} makes the
 * table exceed the cap, the {@code maxDistinct} most frequent values are kept (ties broken by value, so the result is
 * deterministic) and the rest fold into "other". Totals are always exact. While no value has gone to "other" every
 * count is exact; afterwards a kept value's count may miss occurrences that were counted in "other" by some shard, so
 * it is a lower bound, and "other" holds the difference. Drift tests treat "other" as one more category.
 *
 * <p><b>Memory</b> is bounded by {@code maxDistinct} entries (plus their strings), independent of the number of rows.
 *
 * <p>Not thread-safe: one sketch per thread then {@link #merge}, or a lock (as {@link WindowSketch} does).
 */
public final class FrequencySketch {
    public static final int DEFAULT_MAX_DISTINCT = 1000;
    /** The name under which the "other" bucket appears in distributions and JSON. */
    public static final String OTHER = "__other__";

    private final int maxDistinct;
    private final HashMap<String, long[]> counts = new HashMap<>();
    private long count;
    private long other;
    private long missing;
    private long invalid;

    public FrequencySketch() {
        this(DEFAULT_MAX_DISTINCT);
    }

    /** @throws SlipwayException if maxDistinct is below 2 */
    public FrequencySketch(int maxDistinct) {
        if (maxDistinct < 2) {
            throw SlipwayException.invalidParameter("maxDistinct must be at least 2, got %d", maxDistinct);
        }
        this.maxDistinct = maxDistinct;
    }

    /** Adds one value; {@code null} counts as missing. */
    public void add(String value) {
        if (value == null) {
            missing++;
            return;
        }
        count++;
        long[] counter = counts.get(value);
        if (counter != null) {
            counter[0]++;
        } else if (counts.size() < maxDistinct) {
            counts.put(value, new long[] {1});
        } else {
            other++;
        }
    }

    public void addMissing() {
        missing++;
    }

    /** Counts a value of the wrong type for this column (for example a list where a category is expected). */
    public void addInvalid() {
        invalid++;
    }

    void addMissing(long values) {
        missing += values;
    }

    void addInvalid(long values) {
        invalid += values;
    }

    /** Adds everything in {@code other} to this sketch, then applies the cap; {@code other} is unchanged. */
    public void merge(FrequencySketch source) {
        requireNonNull(source, "source is null");
        for (Map.Entry<String, long[]> entry : source.counts.entrySet()) {
            counts.computeIfAbsent(entry.getKey(), key -> new long[1])[0] += entry.getValue()[0];
        }
        count += source.count;
        other += source.other;
        missing += source.missing;
        invalid += source.invalid;
        applyCap();
    }

    private void applyCap() {
        if (counts.size() <= maxDistinct) {
            return;
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, long[]> dropped : entries.subList(maxDistinct, entries.size())) {
            other += dropped.getValue()[0];
            counts.remove(dropped.getKey());
        }
    }

    public FrequencySketch copy() {
        FrequencySketch copy = new FrequencySketch(maxDistinct);
        copy.merge(this);
        return copy;
    }

    /** Number of non-missing values. */
    public long count() {
        return count;
    }

    public long missingCount() {
        return missing;
    }

    public long invalidCount() {
        return invalid;
    }

    public long rows() {
        return count + missing + invalid;
    }

    /** Values counted in the "other" bucket because the table was full. */
    public long otherCount() {
        return other;
    }

    public int maxDistinct() {
        return maxDistinct;
    }

    /** Count of one value (0 when not kept). */
    public long count(String value) {
        long[] counter = counts.get(value);
        return counter == null ? 0 : counter[0];
    }

    /** Kept values and their counts, most frequent first (ties by value); immutable. */
    public Map<String, Long> counts() {
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey));
        LinkedHashMap<String, Long> result = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : entries) {
            result.put(entry.getKey(), entry.getValue()[0]);
        }
        return Collections.unmodifiableMap(result);
    }

    /** Number of distinct values: the kept ones, plus one for a non-empty "other" bucket. */
    public int distinct() {
        return counts.size() + (other > 0 ? 1 : 0);
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", "categorical");
        json.put("max_distinct", maxDistinct);
        json.put("count", count);
        json.put("other", other);
        json.put("missing", missing);
        json.put("invalid", invalid);
        ObjectNode values = json.putObject("values");
        counts().forEach(values::put);
        return json;
    }

    /** @throws SlipwayException if the JSON is not a categorical sketch */
    public static FrequencySketch fromJson(JsonNode json) {
        requireNonNull(json, "json is null");
        if (!"categorical".equals(json.path("kind").asText())) {
            throw SlipwayException.invalidParameter("Not a categorical sketch: kind '%s'", json.path("kind").asText());
        }
        FrequencySketch sketch = new FrequencySketch(json.path("max_distinct").asInt(DEFAULT_MAX_DISTINCT));
        sketch.count = json.path("count").asLong();
        sketch.other = json.path("other").asLong();
        sketch.missing = json.path("missing").asLong();
        sketch.invalid = json.path("invalid").asLong();
        for (Map.Entry<String, JsonNode> entry : json.path("values").properties()) {
            sketch.counts.put(entry.getKey(), new long[] {entry.getValue().asLong()});
        }
        sketch.applyCap();
        return sketch;
    }
}
