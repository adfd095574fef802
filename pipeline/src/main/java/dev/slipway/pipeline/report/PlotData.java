package dev.slipway.pipeline.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The records of a plot data file, as DVC reads them: CSV and TSV (with a header row, or columns named
 * {@code 0, 1, ...} when {@code header: false}), and JSON or YAML holding a list of records or a mapping whose first
 * list-valued field is that list.
 */
final class PlotData {
    /** Python's {@code json} writes NaN and Infinity for such floats; read them too. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PlotData() {}

    /**
     * The records, each a field-to-value map in column order.
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE naming the file when it cannot be read as plot data
     */
    static List<Map<String, Object>> records(String path, byte[] content, boolean header) {
        String text = new String(content, UTF_8);
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return delimited(text, ',', header);
        }
        if (lower.endsWith(".tsv")) {
            return delimited(text, '\t', header);
        }
        Object tree;
        try {
            ObjectMapper mapper = lower.endsWith(".json") ? JSON : YAML;
            tree = text.isBlank() ? List.of() : mapper.readValue(text, Object.class);
        } catch (IOException e) {
            throw SlipwayException.invalidParameter("'%s' cannot be parsed: %s", path,
                    e.getMessage().lines().findFirst().orElse(""));
        }
        if (tree instanceof Map<?, ?> map) {
            tree = map.values().stream().filter(List.class::isInstance).map(Object.class::cast).findFirst()
                    .orElse(List.of());
        }
        if (!(tree instanceof List<?> list)) {
            throw SlipwayException.invalidParameter("'%s' holds no list of records to plot", path);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> record) {
                Map<String, Object> fields = new LinkedHashMap<>();
                record.forEach((key, value) -> fields.put(String.valueOf(key), value));
                records.add(fields);
            }
        }
        return records;
    }

    /** A value as a number: numbers as they are, numeric text parsed; anything else is absent. */
    static Optional<Double> number(Object value) {
        if (value instanceof Number number) {
            return Optional.of(number.doubleValue());
        }
        if (value instanceof String text) {
            try {
                return Optional.of(Double.parseDouble(text.strip()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<Map<String, Object>> delimited(String text, char separator, boolean header) {
        List<List<String>> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(split(line, separator));
            }
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (header) {
            names.addAll(lines.remove(0));
        } else {
            int widest = lines.stream().mapToInt(List::size).max().orElse(0);
            for (int column = 0; column < widest; column++) {
                names.add(Integer.toString(column));
            }
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (List<String> cells : lines) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (int column = 0; column < names.size() && column < cells.size(); column++) {
                record.put(names.get(column), cells.get(column));
            }
            records.add(record);
        }
        return records;
    }

    /** One line's cells; double quotes enclose cells and {@code ""} is a quote inside them. */
    private static List<String> split(String line, char separator) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == separator) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
