package dev.slipway.models.training;

import ai.onnx.proto.OnnxMl;
import dev.slipway.models.onnx.Attributes;
import dev.slipway.models.onnx.GraphBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Logistic regression (classification) and linear regression (regression) with Tribuo's
 * {@code LinearSGDTrainer} and AdaGrad. The ONNX body is Tribuo's own export of the model, spliced behind
 * the preprocessing.
 */
final class SgdLearner implements Learner {
    /**
     * Tribuo's SGD trainer reports its running loss only as an INFO log line ("At iteration N, average
     * loss = X"). This logger keeps those lines off the console and hands them to the training thread,
     * which turns one per epoch into the {@code train_loss} metric.
     */
    private static final Logger SGD_LOGGER = Logger.getLogger("org.tribuo.common.sgd.AbstractSGDTrainer");
    private static final ThreadLocal<Consumer<String>> LOG_LINES = new ThreadLocal<>();
    private static final Pattern LOSS_LINE = Pattern.compile("At iteration (\\d+), average loss = (\\S+)");

    static {
        SGD_LOGGER.setUseParentHandlers(false);
        SGD_LOGGER.setLevel(Level.INFO);
        SGD_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                Consumer<String> consumer = LOG_LINES.get();
                if (consumer != null && record.getMessage() != null) {
                    consumer.accept(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    static final String TRAIN_LOSS = "train_loss";

    @Override
    public FittedModel fit(EncodedData training, EncodedData validation, Target target,
            AlgorithmParameters parameters, long seed, TrainingListener listener) {
        int epochs = parameters.getInt("epochs");
        int minibatch = parameters.getInt("minibatch_size");
        AdaGrad optimiser = new AdaGrad(parameters.getDouble("learning_rate"), parameters.getDouble("epsilon"));
        int stepsPerEpoch = Math.max(1, (training.size() + minibatch - 1) / minibatch);
        LOG_LINES.set(line -> {
            Matcher matcher = LOSS_LINE.matcher(line);
            if (matcher.find()) {
                long iteration = Long.parseLong(matcher.group(1));
                double averageObjective = Double.parseDouble(matcher.group(2));
                // Tribuo logs the objective it maximises (the negated loss), summed over a minibatch.
                listener.onIterationMetric(TRAIN_LOSS, iteration / stepsPerEpoch - 1, -averageObjective / minibatch);
            }
        });
        try {
            listener.onProgress("Training " + epochs + " epochs of SGD on " + training.size() + " rows");
            return switch (target.task()) {
                case CLASSIFICATION -> {
                    Model<Label> model = new LinearSGDTrainer(new LogMulticlass(), optimiser, epochs, stepsPerEpoch,
                            minibatch, seed).train(TribuoData.classification(training, target));
                    yield new TribuoClassifier(model, target);
                }
                case REGRESSION -> {
                    Model<Regressor> model = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(new SquaredLoss(),
                            optimiser, epochs, stepsPerEpoch, minibatch, seed)
                            .train(TribuoData.regression(training, target));
                    yield new TribuoRegressor(model);
                }
            };
        } finally {
            LOG_LINES.remove();
        }
    }

    /** Splices Tribuo's export of an {@link ONNXExportable} model; returns its single output. */
    static String spliceExport(GraphBuilder graph, ONNXExportable model, String features) {
        OnnxMl.GraphProto exported = model.exportONNXModel("dev.slipway", 1).getGraph();
        String input = exported.getInput(0).getName();
        List<String> outputs = graph.splice(exported, Map.of(input, features), "sgd_");
        return outputs.get(0);
    }

    private record TribuoClassifier(Model<Label> model, Target target) implements FittedModel {
        @Override
        public double[][] predict(double[][] features) {
            return TribuoData.predictClassification(model, features, target);
        }

        @Override
        public String writeOnnx(GraphBuilder graph, String features) {
            String probabilities = spliceExport(graph, (ONNXExportable) model, features);
            // Tribuo's probability columns follow its output ids; reorder them into the target's class order.
            long[] ids = TribuoData.outputIds(model.getOutputIDInfo(), target.classes());
            String indices = graph.longInitializer("class_order", ids, ids.length);
            return graph.node("Gather", "", List.of(probabilities, indices), "ordered_probabilities",
                    Attributes.ofInt("axis", 1));
        }
    }

    private record TribuoRegressor(Model<Regressor> model) implements FittedModel {
        @Override
        public double[][] predict(double[][] features) {
            return TribuoData.predictRegression(model, features);
        }

        @Override
        public String writeOnnx(GraphBuilder graph, String features) {
            return spliceExport(graph, (ONNXExportable) model, features);
        }
    }
}
