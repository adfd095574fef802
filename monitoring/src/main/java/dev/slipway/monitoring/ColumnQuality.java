package dev.slipway.monitoring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Data quality of one column in the current window beside the reference. A share is empty when its denominator is
 * zero (no rows, or no non-missing values), never a made-up 0.
 *
 * @param rows rows of the column in the window (values, missing and type violations)
 * @param missingShare missing values over rows
 * @param referenceMissingShare the same in the reference
 * @param typeViolations values that did not parse as the column's type
 * @param typeViolationShare type violations over rows
 * @param referenceTypeViolationShare the same in the reference
 * @param referenceMin smallest reference value (numeric columns)
 * @param referenceMax largest reference value (numeric columns)
 * @param outOfRangeShare share of non-missing values outside [referenceMin, referenceMax] (numeric columns); from the
 *     sketches it may undercount by the values in the bucket at each end of the range (0.39% of the bound's magnitude)
 * @param unseenShare share of non-missing values whose category the reference does not have (categorical columns);
 *     when the reference's table was capped ({@code referenceCapped}) some of these may be in its "other" bucket
 * @param unseenExamples up to 5 unseen categories, most frequent first
 */
public record ColumnQuality(
        String name,
        ColumnType type,
        long rows,
        OptionalDouble missingShare,
        OptionalDouble referenceMissingShare,
        long typeViolations,
        OptionalDouble typeViolationShare,
        OptionalDouble referenceTypeViolationShare,
        OptionalDouble referenceMin,
        OptionalDouble referenceMax,
        OptionalDouble outOfRangeShare,
        OptionalDouble unseenShare,
        List<String> unseenExamples,
        boolean referenceCapped,
        Optional<String> notEnoughData) {
    public ColumnQuality {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(missingShare, "missingShare is null");
        requireNonNull(referenceMissingShare, "referenceMissingShare is null");
        requireNonNull(typeViolationShare, "typeViolationShare is null");
        requireNonNull(referenceTypeViolationShare, "referenceTypeViolationShare is null");
        requireNonNull(referenceMin, "referenceMin is null");
        requireNonNull(referenceMax, "referenceMax is null");
        requireNonNull(outOfRangeShare, "outOfRangeShare is null");
        requireNonNull(unseenShare, "unseenShare is null");
        unseenExamples = List.copyOf(requireNonNull(unseenExamples, "unseenExamples is null"));
        requireNonNull(notEnoughData, "notEnoughData is null");
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", name);
        json.put("type", type.name().toLowerCase(Locale.ROOT));
        json.put("rows", rows);
        put(json, "missing_share", missingShare);
        put(json, "reference_missing_share", referenceMissingShare);
        json.put("type_violations", typeViolations);
        put(json, "type_violation_share", typeViolationShare);
        put(json, "reference_type_violation_share", referenceTypeViolationShare);
        if (type == ColumnType.NUMERIC) {
            put(json, "reference_min", referenceMin);
            put(json, "reference_max", referenceMax);
            put(json, "out_of_range_share", outOfRangeShare);
        } else {
            put(json, "unseen_share", unseenShare);
            unseenExamples.forEach(json.putArray("unseen_examples")::add);
            json.put("reference_capped", referenceCapped);
        }
        notEnoughData.ifPresent(reason -> json.put("not_enough_data", reason));
        return json;
    }

    private static void put(ObjectNode json, String field, OptionalDouble value) {
        if (value.isPresent()) {
            json.put(field, value.getAsDouble());
        } else {
            json.putNull(field);
        }
    }
}
