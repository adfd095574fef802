package dev.slipway.models.training;

import static java.util.Objects.requireNonNull;

import dev.slipway.core.SlipwayException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters an algorithm trains with: every documented key, given or defaulted, in canonical form.
 * These are the values logged as run params. Immutable.
 */
public record AlgorithmParameters(Map<String, String> values) {
    public AlgorithmParameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(values, "values is null")));
    }

    /**
     * Checks the given {@code --param} values against the algorithm's specs for the task and fills in
     * defaults.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an unknown key (listing the known ones) or a bad
     *         value
     */
    public static AlgorithmParameters resolve(Algorithm algorithm, Task task, Map<String, String> given) {
        List<ParameterSpec> specs = algorithm.parameters(task);
        for (String key : given.keySet()) {
            if (specs.stream().noneMatch(spec -> spec.name().equals(key))) {
                throw SlipwayException.invalidParameter("Unknown --param '%s' for %s (%s); known parameters: %s", key,
                        algorithm.wireName(), task.wireName(), specs.stream().map(ParameterSpec::name).toList());
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (ParameterSpec spec : specs) {
            String value = given.get(spec.name());
            values.put(spec.name(), value == null ? spec.defaultValue() : spec.check(algorithm.wireName(), value));
        }
        return new AlgorithmParameters(values);
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no parameter " + key);
        }
        return value;
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }
}
