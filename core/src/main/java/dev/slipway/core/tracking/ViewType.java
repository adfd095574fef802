package dev.slipway.core.tracking;

import dev.slipway.core.SlipwayException;

/** Which lifecycle stages a search returns. */
public enum ViewType {
    ACTIVE_ONLY(1),
    DELETED_ONLY(2),
    ALL(3);

    private final int number;

    ViewType(int number) {
        this.number = number;
    }

    public boolean includes(LifecycleStage stage) {
        return switch (this) {
            case ACTIVE_ONLY -> stage == LifecycleStage.ACTIVE;
            case DELETED_ONLY -> stage == LifecycleStage.DELETED;
            case ALL -> true;
        };
    }

    /** Accepts the name (any case) or the enum number. */
    public static ViewType parse(String field, String value) {
        for (ViewType type : values()) {
            if (type.name().equalsIgnoreCase(value) || String.valueOf(type.number).equals(value)) {
                return type;
            }
        }
        throw SlipwayException.invalidParameter("Invalid value %s for parameter '%s' supplied", value, field);
    }
}
