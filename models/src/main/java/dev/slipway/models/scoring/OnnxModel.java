package dev.slipway.models.scoring;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.format.MLmodel;
import dev.slipway.models.format.ModelDirectory;
import dev.slipway.models.format.Signature;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model loaded into an ONNX Runtime session, with what its MLmodel says about it.
 *
 * <p>Inputs and outputs come from the session. The task and class order come from MLmodel's
 * {@code metadata} ({@code slipway_task}, {@code slipway_classes}, {@code slipway_target}) for
 * Slipway's models, whose classifiers give {@code label} [N] and one float output
 * {@code probability_<class>} [N] per class, and whose regressors give {@code prediction} [N].
 * Foreign models (no such metadata) are read by type and shape: a string or integer output of
 * shape [N] (or [N, 1]) is the predicted label, a float output [N, k] with k &gt; 1 (or a
 * sequence of maps, as scikit-learn's ZipMap writes) holds class probabilities, as do float
 * column outputs named {@code probability_<class>} next to a label, a float output [N] or
 * [N, 1] is a regression value; a model with none of these has its outputs written as they are.
 *
 * <p>Scoring: bind a batch to a CSV header with {@link #newBatch}, fill it, call
 * {@link #predict}. {@link #predict} may be called from several threads at once (ONNX Runtime
 * sessions are thread-safe), each with its own {@link FeatureBatch}. Close the model to release
 * the native session, once no {@link #predict} call is running.
 */
public final class OnnxModel implements AutoCloseable {
    /** The output names Slipway's own models use. */
    public static final String LABEL_OUTPUT = "label";
    public static final String PREDICTION_OUTPUT = "prediction";
    /** The prefix of the per-class probability outputs of Slipway's classifiers. */
    public static final String PROBABILITY_OUTPUT_PREFIX = "probability_";
    /** The name of a single [N, k] probability output (foreign models, Slipway's before per-class outputs). */
    public static final String PROBABILITIES_OUTPUT = "probabilities";

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final Path onnxFile;
    private final Optional<MLmodel> mlmodel;
    private final List<TensorDescription> inputs;
    private final List<TensorDescription> outputs;
    private final Optional<ModelTask> task;
    private final List<String> classes;

    private OnnxModel(OrtEnvironment environment, OrtSession session, Path onnxFile, Optional<MLmodel> mlmodel)
            throws OrtException {
        this.environment = environment;
        this.session = session;
        this.onnxFile = onnxFile;
        this.mlmodel = mlmodel;
        this.inputs = describe(session.getInputInfo());
        this.outputs = describe(session.getOutputInfo());
        this.task = mlmodel.flatMap(model -> model.metadataString("slipway_task")).map(ModelTask::of);
        this.classes = mlmodel.flatMap(model -> model.metadataList("slipway_classes")).orElse(List.of());
    }

    /**
     * Loads the ONNX model of a model folder.
     *
     * @param intraOpNumThreads threads ONNX Runtime may use inside one operator (at least 1)
     * @throws SlipwayException naming the file if it is missing or is not a model ONNX Runtime
     *     can load
     */
    public static OnnxModel load(ModelDirectory directory, int intraOpNumThreads) {
        requireNonNull(directory, "directory is null");
        return load(directory.onnxFile(), Optional.of(directory.mlmodel()), intraOpNumThreads);
    }

    /**
     * Loads an ONNX file, with the MLmodel that describes it if there is one.
     *
     * @throws SlipwayException naming the file if it is missing or is not a model ONNX Runtime
     *     can load
     */
    public static OnnxModel load(Path onnxFile, Optional<MLmodel> mlmodel, int intraOpNumThreads) {
        requireNonNull(onnxFile, "onnxFile is null");
        requireNonNull(mlmodel, "mlmodel is null");
        if (intraOpNumThreads < 1) {
            throw SlipwayException.invalidParameter("intraOpNumThreads must be at least 1, got %d", intraOpNumThreads);
        }
        if (!Files.isRegularFile(onnxFile)) {
            throw SlipwayException.notFound("ONNX model file '%s' does not exist", onnxFile);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpNumThreads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(onnxFile.toString(), options);
            return new OnnxModel(environment, session, onnxFile, mlmodel);
        } catch (OrtException e) {
            closeQuietly(session);
            throw SlipwayException.invalidParameter("'%s' is not an ONNX model ONNX Runtime can load: %s", onnxFile,
                    e.getMessage());
        }
    }

    /** The ONNX file. */
    public Path onnxFile() {
        return onnxFile;
    }

    /** The MLmodel, when the model was loaded from a model folder. */
    public Optional<MLmodel> mlmodel() {
        return mlmodel;
    }

    /** The signature in MLmodel, if any. */
    public Optional<Signature> signature() {
        return mlmodel.flatMap(MLmodel::signature);
    }

    /** The model's inputs, in session order. */
    public List<TensorDescription> inputs() {
        return inputs;
    }

    /** The model's outputs, in session order. */
    public List<TensorDescription> outputs() {
        return outputs;
    }

    /** The task from {@code metadata.slipway_task}; empty for a foreign model. */
    public Optional<ModelTask> task() {
        return task;
    }

    /** The classes from {@code metadata.slipway_classes}, in probability order; empty if unknown. */
    public List<String> classes() {
        return classes;
    }

    /** The target column from {@code metadata.slipway_target}. */
    public Optional<String> target() {
        return mlmodel.flatMap(model -> model.metadataString("slipway_target"));
    }

    /**
     * The prediction CSV columns, when they are known before scoring (Slipway's models):
     * {@code prediction} and, for classification, {@code probability_<class>} per class.
     */
    public Optional<List<String>> predictionColumns() {
        return task.map(value -> Predictions.columnsFor(Optional.of(value), classes,
                value == ModelTask.CLASSIFICATION && !classes.isEmpty(), List.of()));
    }

    /**
     * Binds a new batch to a CSV header (see {@link FeatureBatch} for how columns feed inputs).
     * The model's target column (metadata) is never used as a feature. A model whose inputs have
     * a fixed first dimension of 1 gets a batch of capacity 1.
     *
     * @param excludedColumns columns never used as features (e.g. the target of a holdout set)
     * @param source names the data in error messages
     * @throws SlipwayException naming the column when the header lacks one the model needs
     */
    public FeatureBatch newBatch(List<String> header, Set<String> excludedColumns, String source, int capacity) {
        Set<String> excluded = new HashSet<>(requireNonNull(excludedColumns, "excludedColumns is null"));
        target().ifPresent(excluded::add);
        // A model exported with a fixed batch size of 1 takes one row per run.
        boolean oneRowPerRun = inputs.stream().anyMatch(input -> input.rank() > 0 && input.shape().get(0) == 1);
        return new FeatureBatch(inputs, signature(), header, excluded, source, oneRowPerRun ? 1 : capacity);
    }

    /**
     * Scores the rows of a batch (which keeps its rows; clear it to refill).
     *
     * @throws SlipwayException INVALID_PARAMETER_VALUE if ONNX Runtime rejects the input,
     *     naming the data source
     */
    public Predictions predict(FeatureBatch batch) {
        requireNonNull(batch, "batch is null");
        int rows = batch.size();
        // numeric tensors read the batch's buffers, so the batch keeps them for its next call with as many rows
        boolean keep = batch.numericOnly();
        Map<String, OnnxTensor> kept = keep ? batch.keptTensors(rows) : null;
        boolean batchOwns = kept != null;
        Map<String, OnnxTensor> feeds = batchOwns ? kept : new LinkedHashMap<>();
        try {
            if (!batchOwns) {
                for (FeatureBatch.Slot slot : batch.slots()) {
                    feeds.put(slot.name, tensor(slot, rows));
                }
                if (keep) {
                    batch.keepTensors(rows, feeds);
                    batchOwns = true;
                }
            }
            try (OrtSession.Result result = session.run(feeds)) {
                return interpret(result, rows);
            }
        } catch (OrtException e) {
            throw new SlipwayException(ErrorCode.INVALID_PARAMETER_VALUE,
                    "Scoring %d rows of %s with %s failed: %s".formatted(rows, batch.source(), onnxFile.getFileName(),
                            e.getMessage()), e);
        } finally {
            if (!batchOwns) {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private OnnxTensor tensor(FeatureBatch.Slot slot, int rows) throws OrtException {
        long[] shape = slot.shape(rows);
        int elements = rows * slot.width;
        return switch (slot.type) {
            case FLOAT -> OnnxTensor.createTensor(environment, (FloatBuffer) slot.floats.duplicate().clear()
                    .limit(elements), shape);
            case DOUBLE -> OnnxTensor.createTensor(environment, (DoubleBuffer) slot.doubles.duplicate().clear()
                    .limit(elements), shape);
            case INT64 -> OnnxTensor.createTensor(environment, (LongBuffer) slot.longs.duplicate().clear()
                    .limit(elements), shape);
            case INT32 -> OnnxTensor.createTensor(environment, (IntBuffer) slot.ints.duplicate().clear()
                    .limit(elements), shape);
            case STRING -> OnnxTensor.createTensor(environment, slot.strings(rows), shape);
            case BOOL, OTHER -> throw new IllegalStateException("unsupported input " + slot.name);
        };
    }

    private Predictions interpret(OrtSession.Result result, int rows) throws OrtException {
        OnnxTensor labelOutput = null;
        OnnxTensor probabilityOutput = null;
        OnnxSequence probabilityMaps = null;
        OnnxTensor valueOutput = null;
        Map<String, OnnxTensor> classOutputs = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
            OnnxValue value = entry.getValue();
            if (value instanceof OnnxTensor tensor) {
                TensorInfo info = tensor.getInfo();
                long[] shape = info.getShape();
                boolean column = shape.length == 1 || shape.length == 2 && shape[1] == 1;
                boolean decimal = info.type == OnnxJavaType.FLOAT || info.type == OnnxJavaType.DOUBLE;
                boolean labelType = info.type == OnnxJavaType.STRING || info.type == OnnxJavaType.INT64
                        || info.type == OnnxJavaType.INT32;
                if (labelType && column && preferred(labelOutput, entry.getKey(), LABEL_OUTPUT)) {
                    labelOutput = tensor;
                } else if (decimal && shape.length == 2 && shape[1] > 1
                        && preferred(probabilityOutput, entry.getKey(), PROBABILITIES_OUTPUT)) {
                    probabilityOutput = tensor;
                } else if (decimal && column && entry.getKey().startsWith(PROBABILITY_OUTPUT_PREFIX)
                        && entry.getKey().length() > PROBABILITY_OUTPUT_PREFIX.length()) {
                    classOutputs.put(entry.getKey().substring(PROBABILITY_OUTPUT_PREFIX.length()), tensor);
                } else if (decimal && column && preferred(valueOutput, entry.getKey(), PREDICTION_OUTPUT)) {
                    valueOutput = tensor;
                }
            } else if (value instanceof OnnxSequence sequence && sequence.getInfo().isSequenceOfMaps()
                    && probabilityMaps == null) {
                probabilityMaps = sequence;
            }
        }
        boolean classification = task.map(value -> value == ModelTask.CLASSIFICATION)
                .orElse(labelOutput != null || probabilityOutput != null || probabilityMaps != null);
        if (classification && (labelOutput != null || probabilityOutput != null || probabilityMaps != null
                || !classOutputs.isEmpty())) {
            List<String> classNames = classes;
            float[] probabilities = null;
            if (probabilityOutput != null) {
                probabilities = floats(probabilityOutput);
                int width = (int) probabilityOutput.getInfo().getShape()[1];
                if (classNames.size() != width) {
                    classNames = indexLabels(width);
                }
            } else if (!classOutputs.isEmpty()) {
                if (classNames.size() != classOutputs.size() || !classOutputs.keySet().containsAll(classNames)) {
                    classNames = List.copyOf(classOutputs.keySet());
                }
                probabilities = classProbabilities(classOutputs, classNames, rows);
            } else if (probabilityMaps != null) {
                ZipMapProbabilities maps = readMaps(probabilityMaps, rows, classNames);
                classNames = maps.classes();
                probabilities = maps.probabilities();
            }
            String[] labels = labelOutput != null ? labels(labelOutput) : argmaxLabels(probabilities, classNames, rows);
            return Predictions.classification(rows, classNames, labels, probabilities);
        }
        if (valueOutput == null && !classOutputs.isEmpty()) {
            // Without a label, one float column named probability_<x> is just a value.
            valueOutput = classOutputs.values().iterator().next();
        }
        if (valueOutput != null) {
            boolean single = valueOutput.getInfo().type == OnnxJavaType.FLOAT;
            return Predictions.regression(rows, doubles(valueOutput), single);
        }
        return Predictions.raw(rows, rawOutputs(result, rows));
    }

    /** Row-major [rows, k] probabilities from one [N] (or [N, 1]) output per class, in {@code classNames} order. */
    private static float[] classProbabilities(Map<String, OnnxTensor> classOutputs, List<String> classNames,
            int rows) {
        int width = classNames.size();
        float[] probabilities = new float[rows * width];
        for (int j = 0; j < width; j++) {
            float[] column = floats(classOutputs.get(classNames.get(j)));
            if (column.length != rows) {
                throw SlipwayException.invalidParameter("Output '%s%s' has %d values for %d rows",
                        PROBABILITY_OUTPUT_PREFIX, classNames.get(j), column.length, rows);
            }
            for (int row = 0; row < rows; row++) {
                probabilities[row * width + j] = column[row];
            }
        }
        return probabilities;
    }

    private static boolean preferred(OnnxTensor current, String name, String preferredName) {
        return current == null || name.equals(preferredName);
    }

    private static List<String> indexLabels(int width) {
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            labels.add(Integer.toString(j));
        }
        return List.copyOf(labels);
    }

    private static String[] argmaxLabels(float[] probabilities, List<String> classNames, int rows) {
        int width = classNames.size();
        String[] labels = new String[rows];
        for (int row = 0; row < rows; row++) {
            int best = 0;
            for (int j = 1; j < width; j++) {
                if (probabilities[row * width + j] > probabilities[row * width + best]) {
                    best = j;
                }
            }
            labels[row] = classNames.get(best);
        }
        return labels;
    }

    private static String[] labels(OnnxTensor tensor) throws OrtException {
        TensorInfo info = tensor.getInfo();
        if (info.type == OnnxJavaType.STRING) {
            Object value = tensor.getValue();
            if (value instanceof String[] flat) {
                return flat;
            }
            String[][] nested = (String[][]) value;
            String[] flat = new String[nested.length];
            for (int row = 0; row < nested.length; row++) {
                flat[row] = nested[row][0];
            }
            return flat;
        }
        if (info.type == OnnxJavaType.INT64) {
            LongBuffer buffer = tensor.getLongBuffer();
            String[] labels = new String[buffer.remaining()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = Long.toString(buffer.get(i));
            }
            return labels;
        }
        IntBuffer buffer = tensor.getIntBuffer();
        String[] labels = new String[buffer.remaining()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = Integer.toString(buffer.get(i));
        }
        return labels;
    }

    private static float[] floats(OnnxTensor tensor) {
        if (tensor.getInfo().type == OnnxJavaType.FLOAT) {
            FloatBuffer buffer = tensor.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        }
        DoubleBuffer buffer = tensor.getDoubleBuffer();
        float[] values = new float[buffer.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) buffer.get(i);
        }
        return values;
    }

    private static double[] doubles(OnnxTensor tensor) {
        if (tensor.getInfo().type == OnnxJavaType.DOUBLE) {
            DoubleBuffer buffer = tensor.getDoubleBuffer();
            double[] values = new double[buffer.remaining()];
            buffer.get(values);
            return values;
        }
        FloatBuffer buffer = tensor.getFloatBuffer();
        double[] values = new double[buffer.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = buffer.get(i);
        }
        return values;
    }

    private record ZipMapProbabilities(List<String> classes, float[] probabilities) {}

    private static ZipMapProbabilities readMaps(OnnxSequence sequence, int rows, List<String> knownClasses)
            throws OrtException {
        List<? extends OnnxValue> maps = sequence.getValue();
        List<Map<String, Float>> rowMaps = new ArrayList<>();
        for (OnnxValue value : maps) {
            Map<String, Float> row = new LinkedHashMap<>();
            ((OnnxMap) value).getValue().forEach((key, probability) -> row.put(String.valueOf(key),
                    ((Number) probability).floatValue()));
            rowMaps.add(row);
        }
        List<String> classNames = new ArrayList<>(rowMaps.isEmpty() ? List.of() : rowMaps.get(0).keySet());
        if (knownClasses.size() == classNames.size() && classNames.containsAll(knownClasses)) {
            classNames = new ArrayList<>(knownClasses);
        } else {
            classNames.sort(OnnxModel::compareClassNames);
        }
        float[] probabilities = new float[rows * classNames.size()];
        for (int row = 0; row < rowMaps.size(); row++) {
            for (int j = 0; j < classNames.size(); j++) {
                Float probability = rowMaps.get(row).get(classNames.get(j));
                probabilities[row * classNames.size() + j] = probability == null ? 0f : probability;
            }
        }
        return new ZipMapProbabilities(List.copyOf(classNames), probabilities);
    }

    private static int compareClassNames(String left, String right) {
        try {
            return Double.compare(Double.parseDouble(left), Double.parseDouble(right));
        } catch (NumberFormatException e) {
            return left.compareTo(right);
        }
    }

    private static List<Predictions.RawOutput> rawOutputs(OrtSession.Result result, int rows) throws OrtException {
        List<Predictions.RawOutput> raw = new ArrayList<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
            if (!(entry.getValue() instanceof OnnxTensor tensor)) {
                continue;
            }
            TensorInfo info = tensor.getInfo();
            long[] shape = info.getShape();
            if (shape.length == 0 || shape.length > 2 || shape[0] != rows) {
                continue;
            }
            int width = shape.length == 2 ? (int) shape[1] : 1;
            switch (info.type) {
                case FLOAT, DOUBLE -> raw.add(new Predictions.RawOutput(entry.getKey(), width, shape.length == 2,
                        doubles(tensor), info.type == OnnxJavaType.FLOAT, null));
                case INT64, INT32, STRING -> raw.add(new Predictions.RawOutput(entry.getKey(), width,
                        shape.length == 2, null, false, width == 1 ? labels(tensor) : texts(tensor)));
                default -> {
                }
            }
        }
        return raw;
    }

    private static String[] texts(OnnxTensor tensor) throws OrtException {
        Object value = tensor.getValue();
        List<String> texts = new ArrayList<>();
        for (Object row : (Object[]) value) {
            if (row instanceof String[] strings) {
                texts.addAll(Arrays.asList(strings));
            } else if (row instanceof long[] longs) {
                Arrays.stream(longs).forEach(number -> texts.add(Long.toString(number)));
            } else if (row instanceof int[] ints) {
                Arrays.stream(ints).forEach(number -> texts.add(Integer.toString(number)));
            }
        }
        return texts.toArray(String[]::new);
    }

    private static List<TensorDescription> describe(Map<String, NodeInfo> nodes) {
        List<TensorDescription> descriptions = new ArrayList<>();
        for (NodeInfo node : nodes.values()) {
            ValueInfo info = node.getInfo();
            if (info instanceof TensorInfo tensor) {
                List<Long> shape = new ArrayList<>();
                for (long dimension : tensor.getShape()) {
                    shape.add(dimension < 0 ? -1L : dimension);
                }
                descriptions.add(new TensorDescription(node.getName(), elementType(tensor.type), shape));
            } else {
                descriptions.add(new TensorDescription(node.getName(), ElementType.OTHER, List.of()));
            }
        }
        return List.copyOf(descriptions);
    }

    private static ElementType elementType(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> ElementType.FLOAT;
            case DOUBLE -> ElementType.DOUBLE;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case STRING -> ElementType.STRING;
            case BOOL -> ElementType.BOOL;
            default -> ElementType.OTHER;
        };
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                // Closing a session only frees native memory; nothing a caller could do about a failure.
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[%s, inputs=%s, outputs=%s]".formatted(onnxFile, inputs, outputs);
    }
}
