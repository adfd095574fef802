package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.data.CsvReader;
import dev.slipway.models.data.CsvRow;
import dev.slipway.models.format.ColumnSpec;
import dev.slipway.models.format.ColumnType;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.Signature;
import dev.slipway.models.scoring.OnnxModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * The demo's traffic: rows of a labelled CSV sent one request each to a model server's {@code /invocations} in
 * MLflow's {@code dataframe_split} format, with each cell typed as the model's signature says.
 */
final class DemoTraffic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DemoTraffic() {}

    /**
     * What the traffic got.
     *
     * @param answered requests answered with 200
     * @param failed requests answered otherwise or not at all
     * @param churners answers whose prediction is the positive class 1
     * @param medianMillis the median request time
     * @param exampleRequest the body of the first request, for a curl command
     */
    record Result(int answered, int failed, int churners, double medianMillis, String exampleRequest) {}

    /**
     * Sends {@code count} requests, one row each, going through the rows of the CSV as often as needed.
     *
     * @throws SlipwayException when the model has no column signature or the CSV lacks one of its columns
     */
    static Result send(String servingUri, Path modelFolder, Path csv, int count) throws IOException,
            InterruptedException {
        List<ColumnSpec> columns = ModelDirectory.read(modelFolder).mlmodel().signature().map(Signature::inputs)
                .filter(inputs -> !inputs.isTensorBased()).map(inputs -> inputs.columns())
                .orElseThrow(() -> SlipwayException.invalidParameter("The model in '%s' has no column signature",
                        modelFolder));
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI invocations = URI.create(servingUri + "/invocations");
        int answered = 0;
        int failed = 0;
        int churners = 0;
        List<Double> millis = new ArrayList<>();
        List<String> bodies = requests(columns, csv);
        for (int sent = 0; sent < count; sent++) {
            String body = bodies.get(sent % bodies.size());
            HttpRequest request = HttpRequest.newBuilder(invocations).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long start = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failed++;
                continue;
            }
            millis.add((System.nanoTime() - start) / 1e6);
            if (response.statusCode() != 200) {
                failed++;
                continue;
            }
            answered++;
            JsonNode prediction = TrackingCommand.json().readTree(response.body()).path("predictions").path(0);
            JsonNode label = prediction.has(OnnxModel.LABEL_OUTPUT) ? prediction.path(OnnxModel.LABEL_OUTPUT)
                    : prediction.path(OnnxModel.PREDICTION_OUTPUT);
            if (label.asText().equals("1") || label.asText().equals("1.0")) {
                churners++;
            }
        }
        Collections.sort(millis);
        double median = millis.isEmpty() ? 0 : millis.get(millis.size() / 2);
        return new Result(answered, failed, churners, median, bodies.get(0));
    }

    /** One request body per row of the CSV, in order. */
    private static List<String> requests(List<ColumnSpec> columns, Path csv) {
        List<String> bodies = new ArrayList<>();
        try (CsvReader reader = CsvReader.open(csv)) {
            int[] indexes = new int[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                String name = columns.get(i).name().orElseThrow();
                OptionalInt index = reader.columnIndex(name);
                if (index.isEmpty()) {
                    throw SlipwayException.invalidParameter("'%s' has no column '%s', which the model needs", csv,
                            name);
                }
                indexes[i] = index.getAsInt();
            }
            for (CsvRow row : reader) {
                bodies.add(request(columns, indexes, row).toString());
            }
        }
        if (bodies.isEmpty()) {
            throw SlipwayException.invalidParameter("'%s' has no rows to send", csv);
        }
        return bodies;
    }

    private static ObjectNode request(List<ColumnSpec> columns, int[] indexes, CsvRow row) {
        ObjectNode body = TrackingCommand.json().createObjectNode();
        ObjectNode split = body.putObject("dataframe_split");
        ArrayNode names = split.putArray("columns");
        columns.forEach(column -> names.add(column.name().orElseThrow()));
        ArrayNode values = split.putArray("data").addArray();
        for (int i = 0; i < columns.size(); i++) {
            String text = row.get(indexes[i]).trim();
            ColumnType type = columns.get(i).type();
            if (text.isEmpty()) {
                values.addNull();
            } else if (type == ColumnType.BOOLEAN) {
                values.add(text.equalsIgnoreCase("true") || text.equals("1"));
            } else if (type.isWholeNumber()) {
                values.add((long) Double.parseDouble(text));
            } else if (type.isNumeric()) {
                values.add(Double.parseDouble(text));
            } else {
                values.add(text);
            }
        }
        return body;
    }
}
