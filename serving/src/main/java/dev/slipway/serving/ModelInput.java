package dev.slipway.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.Schema;
import dev.slipway.models.scoring.OnnxModel;
import dev.slipway.models.scoring.TensorDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Schema enforcement: how a request's columns and values map onto one model's inputs.
 *
 * <p>A model with a column signature takes exactly its signature's columns: a column missing from the request
 * (unless the signature marks it optional), a column the signature does not list, a value of the wrong type, or a
 * missing value (null, NaN, an empty CSV cell) in a required column is refused with a message that names the column
 * and the type it expects. Integers are accepted where doubles or floats are expected (MLflow's safe widening);
 * fractions are refused where integers are expected, numbers where strings are, and booleans where numbers are.
 *
 * <p>A model with a tensor signature or none is fed by input name (one column per input) or, for a single
 * {@code [N, n]} input, by position; values are taken as they come. Immutable and thread-safe.
 */
final class ModelInput {
    private final List<String> columns;
    private final Map<String, Integer> indexes;
    private final ColumnSpec[] specs;
    private final List<TensorDescription> inputs;
    private final String description;

    private ModelInput(List<String> columns, ColumnSpec[] specs, List<TensorDescription> inputs) {
        this.columns = columns;
        this.specs = specs;
        this.inputs = inputs;
        this.indexes = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            indexes.put(columns.get(i), i);
        }
        List<String> described = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            described.add(columns.get(i) + " (" + specs[i].type().mlflowName() + (specs[i].required() ? "" : ", optional")
                    + ")");
        }
        this.description = String.join(", ", described);
    }

    static ModelInput of(OnnxModel model) {
        Optional<Schema> schema = model.signature().map(signature -> signature.inputs())
                .filter(inputs -> !inputs.isTensorBased() && inputs.names().size() == inputs.specs().size());
        List<String> columns = schema.map(Schema::names).orElse(List.of());
        ColumnSpec[] specs = schema.map(value -> value.columns().toArray(ColumnSpec[]::new)).orElse(new ColumnSpec[0]);
        return new ModelInput(columns, specs, model.inputs());
    }

    /** Whether the model has a column signature (and so a fixed column order). */
    boolean typed() {
        return !columns.isEmpty();
    }

    /** The signature's columns, described for error messages: {@code x1 (double), color (string)}. */
    String describeColumns() {
        return description;
    }

    List<String> signatureColumns() {
        return columns;
    }

    Optional<ColumnSpec> spec(String column) {
        Integer index = indexes.get(column);
        return index == null ? Optional.empty() : Optional.of(specs[index]);
    }

    /**
     * Matches a request table's columns to the model.
     *
     * @throws ServingFailure 400 for a missing, unknown or unmatched column
     */
    Binding bind(InputTable table) {
        int width = table.columnCount();
        if (!typed()) {
            List<String> header = table.columns().orElseGet(() -> positionalNames(width));
            int[] sources = new int[header.size()];
            for (int i = 0; i < sources.length; i++) {
                sources[i] = i;
            }
            return new Binding(List.copyOf(header), sources, new ColumnSpec[header.size()]);
        }
        int[] sources = new int[columns.size()];
        if (table.columns().isEmpty()) {
            if (width != columns.size()) {
                throw ServingFailure.badRequest("The request's rows have %d values and no column names, but the model"
                        + " takes %d columns: %s", width, columns.size(), description);
            }
            for (int i = 0; i < sources.length; i++) {
                sources[i] = i;
            }
            return new Binding(columns, sources, specs);
        }
        List<String> given = table.columns().get();
        java.util.Arrays.fill(sources, -1);
        for (int column = 0; column < given.size(); column++) {
            Integer index = indexes.get(given.get(column));
            if (index == null) {
                throw ServingFailure.badRequest("Column '%s' is not in the model's signature; the model takes: %s",
                        given.get(column), description);
            }
            sources[index] = column;
        }
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] < 0 && specs[i].required()) {
                throw ServingFailure.badRequest("Column '%s' (%s) required by the model's signature is missing from"
                        + " the request; the model takes: %s", columns.get(i), specs[i].type().mlflowName(),
                        description);
            }
        }
        return new Binding(columns, sources, specs);
    }

    private List<String> positionalNames(int width) {
        if (inputs.size() == width && inputs.stream().allMatch(input -> input.rank() == 1
                || input.rank() == 2 && input.shape().get(1) == 1)) {
            return inputs.stream().map(TensorDescription::name).toList();
        }
        if (inputs.size() == 1 && inputs.get(0).rank() == 2) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                names.add("c" + i);
            }
            return names;
        }
        throw ServingFailure.badRequest("The request's rows have %d values and no column names, but the model has"
                + " inputs %s; name the columns", width, inputs);
    }

    /**
     * How a table's columns feed the model.
     *
     * @param header the columns in the order the model's batch is bound to
     * @param sources per header column, the table column holding it, -1 if the request left it out
     * @param specs per header column, its signature spec, or null when the model has no column signature
     */
    record Binding(List<String> header, int[] sources, ColumnSpec[] specs) {

        /**
         * Checks one row and puts it into {@code row}.
         *
         * @throws ServingFailure 400 naming the column, row and expected type
         */
        void fill(InputTable table, int rowIndex, InputRow row) {
            JsonNode[] cells = table.rows().get(rowIndex);
            row.start(rowIndex);
            boolean csv = table.fromCsv();
            for (int column = 0; column < sources.length; column++) {
                int source = sources[column];
                JsonNode cell = source < 0 || source >= cells.length ? null : cells[source];
                ColumnSpec spec = specs[column];
                if (spec == null) {
                    untyped(cell, column, rowIndex, row);
                } else if (csv) {
                    fromText(cell == null ? "" : cell.asText(), spec, column, rowIndex, row);
                } else {
                    fromJson(cell, spec, column, rowIndex, row);
                }
                if (spec != null && spec.required() && row.missing(column)) {
                    throw ServingFailure.badRequest("Column '%s' (%s) is required by the model's signature but has"
                            + " no value (null, NaN or empty) in row %d", header.get(column),
                            spec.type().mlflowName(), rowIndex);
                }
            }
        }

        private void untyped(JsonNode cell, int column, int rowIndex, InputRow row) {
            if (cell == null || cell.isNull()) {
                row.setMissing(column);
            } else if (cell.isNumber()) {
                row.setNumber(column, cell.doubleValue());
            } else if (cell.isTextual()) {
                row.setText(column, cell.textValue());
            } else if (cell.isBoolean()) {
                row.setNumber(column, cell.booleanValue() ? 1 : 0);
            } else {
                throw ServingFailure.badRequest("Column '%s' in row %d holds a nested %s; expected a single value",
                        header.get(column), rowIndex, kind(cell));
            }
        }

        private void fromJson(JsonNode cell, ColumnSpec spec, int column, int rowIndex, InputRow row) {
            if (cell == null || cell.isNull() || cell.isNumber() && Double.isNaN(cell.doubleValue())) {
                row.setMissing(column);
                return;
            }
            ColumnType type = spec.type();
            switch (type) {
                case DOUBLE, FLOAT -> {
                    if (!cell.isNumber()) {
                        throw wrongType(column, spec, rowIndex, cell);
                    }
                    row.setNumber(column, cell.doubleValue());
                }
                case LONG, INTEGER -> {
                    if (!cell.isNumber()) {
                        throw wrongType(column, spec, rowIndex, cell);
                    }
                    double value = cell.doubleValue();
                    if (!cell.isIntegralNumber() && value != Math.rint(value)) {
                        throw ServingFailure.badRequest("Column '%s' expects %s (whole numbers) but row %d has %s",
                                header.get(column), type.mlflowName(), rowIndex, cell);
                    }
                    if (type == ColumnType.INTEGER && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
                        throw ServingFailure.badRequest("Column '%s' expects integer (32-bit) but row %d has %s",
                                header.get(column), rowIndex, cell);
                    }
                    row.setNumber(column, value);
                }
                case BOOLEAN -> {
                    if (!cell.isBoolean()) {
                        throw wrongType(column, spec, rowIndex, cell);
                    }
                    row.setNumber(column, cell.booleanValue() ? 1 : 0);
                }
                case STRING, BINARY, DATETIME -> {
                    if (!cell.isTextual()) {
                        throw wrongType(column, spec, rowIndex, cell);
                    }
                    row.setText(column, cell.textValue());
                }
            }
        }

        private void fromText(String text, ColumnSpec spec, int column, int rowIndex, InputRow row) {
            ColumnType type = spec.type();
            if (text.isEmpty() && type != ColumnType.STRING || text.equalsIgnoreCase("nan") && type.isNumeric()) {
                row.setMissing(column);
                return;
            }
            switch (type) {
                case DOUBLE, FLOAT, LONG, INTEGER -> {
                    double value;
                    try {
                        value = Double.parseDouble(text.trim());
                    } catch (NumberFormatException e) {
                        throw ServingFailure.badRequest("Column '%s' expects %s but row %d has '%s'",
                                header.get(column), type.mlflowName(), rowIndex, MlflowRequests.abbreviate(text));
                    }
                    if (type.isWholeNumber() && value != Math.rint(value)) {
                        throw ServingFailure.badRequest("Column '%s' expects %s (whole numbers) but row %d has '%s'",
                                header.get(column), type.mlflowName(), rowIndex, text);
                    }
                    row.setNumber(column, value);
                }
                case BOOLEAN -> {
                    String lower = text.trim().toLowerCase(Locale.ROOT);
                    if (!lower.equals("true") && !lower.equals("false")) {
                        throw ServingFailure.badRequest("Column '%s' expects boolean (true or false) but row %d has"
                                + " '%s'", header.get(column), rowIndex, MlflowRequests.abbreviate(text));
                    }
                    row.setNumber(column, lower.equals("true") ? 1 : 0);
                }
                case STRING, BINARY, DATETIME -> row.setText(column, text);
            }
        }

        private ServingFailure wrongType(int column, ColumnSpec spec, int rowIndex, JsonNode cell) {
            return ServingFailure.badRequest("Column '%s' expects %s but row %d has %s (a %s)", header.get(column),
                    spec.type().mlflowName(), rowIndex, MlflowRequests.abbreviate(cell.toString()), kind(cell));
        }

        private static String kind(JsonNode cell) {
            if (cell.isTextual()) {
                return "string";
            }
            if (cell.isBoolean()) {
                return "boolean";
            }
            if (cell.isIntegralNumber()) {
                return "integer";
            }
            if (cell.isNumber()) {
                return "fraction";
            }
            return cell.isArray() ? "list" : "JSON object";
        }
    }
}
