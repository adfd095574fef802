package dev.slipway.gitops;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What one variant ({@code stable}, {@code canary}, {@code shadow}) of one served model answered, read from a model
 * server's {@code /metrics}: requests, errors (status 400 or more) and the latency histogram, summed over versions and
 * protocols. Counters are cumulative since the server started; {@link #since} gives the traffic of an interval.
 *
 * @param requests requests routed to the variant
 * @param errors of those, the ones answered with a status of 400 or more
 * @param bucketBounds histogram upper bounds in seconds, ascending, without {@code +Inf}
 * @param bucketCounts cumulative counts per bound, the last one (one longer than the bounds) for {@code +Inf}
 */
public record VariantTraffic(long requests, long errors, List<Double> bucketBounds, List<Long> bucketCounts) {
    public static final VariantTraffic NONE = new VariantTraffic(0, 0, List.of(), List.of(0L));

    private static final String REQUESTS = "slipway_serving_requests_total";
    private static final String ERRORS = "slipway_serving_errors_total";
    private static final String BUCKET = "slipway_serving_request_duration_seconds_bucket";

    public VariantTraffic {
        bucketBounds = List.copyOf(bucketBounds);
        bucketCounts = List.copyOf(bucketCounts);
        if (bucketCounts.size() != bucketBounds.size() + 1) {
            throw new IllegalArgumentException("bucketCounts must have one more entry (+Inf) than bucketBounds");
        }
        if (requests < 0 || errors < 0) {
            throw new IllegalArgumentException("negative counts");
        }
    }

    /**
     * The traffic of {@code model}'s {@code variant} in a Prometheus text exposition of a Slipway model server.
     * Series of other models and variants, comments and unknown metrics are skipped.
     */
    public static VariantTraffic parse(String metricsText, String model, String variant) {
        requireNonNull(metricsText, "metricsText is null");
        long requests = 0;
        long errors = 0;
        TreeMap<Double, Long> buckets = new TreeMap<>();
        for (String line : metricsText.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int close = line.lastIndexOf('}');
            if (brace < 0 || close < brace) {
                continue;
            }
            String name = line.substring(0, brace);
            if (!name.equals(REQUESTS) && !name.equals(ERRORS) && !name.equals(BUCKET)) {
                continue;
            }
            Map<String, String> labels = labels(line.substring(brace + 1, close));
            if (!model.equals(labels.get("model")) || !variant.equals(labels.get("variant"))) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(close + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            switch (name) {
                case REQUESTS -> requests += (long) value;
                case ERRORS -> errors += (long) value;
                default -> {
                    String le = labels.getOrDefault("le", "");
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.merge(bound, (long) value, Long::sum);
                }
            }
        }
        List<Double> bounds = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        long infinite = 0;
        for (Map.Entry<Double, Long> bucket : buckets.entrySet()) {
            if (bucket.getKey().isInfinite()) {
                infinite = bucket.getValue();
            } else {
                bounds.add(bucket.getKey());
                counts.add(bucket.getValue());
            }
        }
        counts.add(Math.max(infinite, counts.isEmpty() ? 0 : counts.get(counts.size() - 1)));
        return new VariantTraffic(requests, errors, bounds, counts);
    }

    /** The traffic between {@code earlier} and this reading (a restarted server's counters start again from zero). */
    public VariantTraffic since(VariantTraffic earlier) {
        requireNonNull(earlier, "earlier is null");
        if (earlier.requests > requests || earlier.errors > errors) {
            return this;
        }
        List<Long> counts = new ArrayList<>(bucketCounts.size());
        // an earlier reading without this histogram (no timed request yet) subtracts nothing from it
        boolean sameBuckets = earlier.bucketBounds.equals(bucketBounds);
        for (int i = 0; i < bucketCounts.size(); i++) {
            counts.add(Math.max(0, bucketCounts.get(i) - (sameBuckets ? earlier.bucketCounts.get(i) : 0)));
        }
        return new VariantTraffic(requests - earlier.requests, errors - earlier.errors, bucketBounds, counts);
    }

    /** Errors over requests; empty without requests. */
    public OptionalDouble errorRate() {
        return requests == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) errors / requests);
    }

    /**
     * The {@code q} quantile of the answered requests' latency in milliseconds, as the upper bound of the bucket that
     * holds it (infinite when it lies above the last bound); empty without timed requests.
     */
    public OptionalDouble latencyQuantileMillis(double q) {
        long total = bucketCounts.get(bucketCounts.size() - 1);
        if (total == 0) {
            return OptionalDouble.empty();
        }
        double rank = Math.ceil(q * total);
        for (int i = 0; i < bucketBounds.size(); i++) {
            if (bucketCounts.get(i) >= rank) {
                return OptionalDouble.of(bucketBounds.get(i) * 1000);
            }
        }
        return OptionalDouble.of(Double.POSITIVE_INFINITY);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        int position = 0;
        while (position < text.length()) {
            int equals = text.indexOf('=', position);
            if (equals < 0 || equals + 1 >= text.length() || text.charAt(equals + 1) != '"') {
                break;
            }
            String key = text.substring(position, equals).trim();
            StringBuilder value = new StringBuilder();
            int index = equals + 2;
            for (; index < text.length(); index++) {
                char character = text.charAt(index);
                if (character == '\\' && index + 1 < text.length()) {
                    char escaped = text.charAt(++index);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else if (character == '"') {
                    break;
                } else {
                    value.append(character);
                }
            }
            labels.put(key, value.toString());
            position = index + 1;
            if (position < text.length() && text.charAt(position) == ',') {
                position++;
            }
        }
        return labels;
    }
}
