package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The drift test of one column: the method, its score (a p-value or a distance, see {@link DriftMethod#scoreKind()}),
 * the threshold and whether the column drifted. When the test is undefined for the data (a side is empty, all-missing,
 * or has too few distinct values) the result says so in {@code notEnoughData}, its score is NaN and it is not drifted.
 */
public record DriftResult(String column, DriftMethod method, double score, double threshold, boolean drifted, Optional<String> notEnoughData) {
    public DriftResult {
        requireNonNull(column, "column is null");
        requireNonNull(method, "method is null");
        requireNonNull(notEnoughData, "notEnoughData is null");
        if (notEnoughData.isPresent() && (drifted || !Double.isNaN(score))) {
            throw new IllegalArgumentException("a 'not enough data' result has no score and does not drift");
        }
    }

    static DriftResult scored(String column, DriftMethod method, double score, double threshold) {
        return new DriftResult(column, method, score, threshold, method.drifted(score, threshold), Optional.empty());
    }

    static DriftResult notEnoughData(String column, DriftMethod method, double threshold, String reason) {
        return new DriftResult(column, method, Double.NaN, threshold, false, Optional.of(reason));
    }

    public boolean hasScore() {
        return notEnoughData.isEmpty();
    }

    /** {@code {name, method, score, threshold, drifted}}, plus {@code not_enough_data} with the reason; score is null then. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", column);
        json.put("method", method.wireName());
        json.put("stattest_kind", method.scoreKind() == DriftMethod.ScoreKind.P_VALUE ? "p_value" : "distance");
        if (hasScore()) {
            json.put("score", score);
        } else {
            json.putNull("score");
        }
        json.put("threshold", threshold);
        json.put("drifted", drifted);
        notEnoughData.ifPresent(reason -> json.put("not_enough_data", reason));
        return json;
    }
}
