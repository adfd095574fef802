package dev.slipway.models.onnx;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How one input column of a table becomes model features inside the ONNX graph. Each column is one
 * graph input named after the column: [N] when the model has several columns, [N, 1] when it has one
 * (see {@link Preprocessing}).
 */
public sealed interface ColumnEncoding {
    String name();

    /** Number of features this column becomes. */
    int width();

    /**
     * A numeric column, fed as {@code tensor(float)}: NaN becomes {@code imputedValue}, then the
     * feature is {@code (x - offset) * scale} (offset 0 and scale 1 when the model does not standardise).
     */
    record Numeric(String name, float imputedValue, float offset, float scale) implements ColumnEncoding {
        public Numeric {
            requireNonNull(name, "name is null");
            if (!Float.isFinite(imputedValue) || !Float.isFinite(offset) || !Float.isFinite(scale)) {
                throw new IllegalArgumentException("column '" + name + "' has a non-finite imputed value, offset"
                        + " or scale");
            }
        }

        @Override
        public int width() {
            return 1;
        }
    }

    /**
     * A categorical column, fed as {@code tensor(string)}: one feature per category (1 for the row's
     * category, else 0); a category not in the list gives all zeros.
     */
    record Categorical(String name, List<String> categories) implements ColumnEncoding {
        public Categorical {
            requireNonNull(name, "name is null");
            categories = List.copyOf(requireNonNull(categories, "categories is null"));
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("column '" + name + "' has no categories");
            }
        }

        @Override
        public int width() {
            return categories.size();
        }
    }
}
