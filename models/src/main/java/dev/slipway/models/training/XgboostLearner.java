package dev.slipway.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.ErrorCode;
import dev.slipway.core.SlipwayException;
import dev.slipway.models.onnx.Attributes;
import dev.slipway.models.onnx.GraphBuilder;
import dev.slipway.models.onnx.Outputs;
import dev.slipway.models.onnx.TreeEnsemble;
import dev.slipway.models.onnx.TreeEnsembleWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees with xgboost4j, used directly rather than through Tribuo's XGBoost trainer:
 * Tribuo's wrapper trains all rounds in one call without reporting per-round validation metrics, and it
 * hides the booster's trees, which the ONNX export needs. Binary classification uses
 * {@code binary:logistic}, multi-class {@code multi:softprob}, regression {@code reg:squarederror}.
 */
final class XgboostLearner implements Learner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EVAL_VALUE = Pattern.compile("validation-[\\w@]+:(\\S+)");


    @Override
    public FittedModel fit(EncodedData training, EncodedData validation, Target target,
            AlgorithmParameters parameters, long seed, TrainingListener listener) {
        Objective objective = Objective.of(target);
        float baseScore = (float) parameters.getDouble("base_score");
        Map<String, Object> params = new HashMap<>();
        params.put("objective", objective.xgboostName);
        params.put("eval_metric", objective.evalMetric);
        if (objective == Objective.MULTICLASS) {
            params.put("num_class", target.classes().size());
        }
        params.put("eta", parameters.getDouble("learning_rate"));
        params.put("max_depth", parameters.getInt("max_depth"));
        params.put("min_child_weight", parameters.getDouble("min_child_weight"));
        params.put("subsample", parameters.getDouble("subsample"));
        params.put("colsample_bytree", parameters.getDouble("colsample_bytree"));
        params.put("lambda", parameters.getDouble("reg_lambda"));
        params.put("alpha", parameters.getDouble("reg_alpha"));
        params.put("gamma", parameters.getDouble("gamma"));
        params.put("base_score", baseScore);
        params.put("tree_method", parameters.get("tree_method"));
        params.put("seed", seed);
        params.put("nthread", Runtime.getRuntime().availableProcessors());
        params.put("verbosity", 0);
        int rounds = parameters.getInt("n_estimators");
        String metricKey = objective == Objective.REGRESSION ? ValidationMetrics.RMSE : ValidationMetrics.LOG_LOSS;
        try {
            DMatrix train = matrix(training);
            EncodedData evaluated = objective == Objective.REGRESSION ? validation : knownClasses(validation);
            DMatrix valid = matrix(evaluated);
            try {
                // Zero rounds with no watches makes the booster without printing; the rounds run below so
                // that each one can be evaluated on the validation rows as it finishes.
                Booster booster = XGBoost.train(train, params, 0, Map.of(), null, null);
                for (int round = 0; round < rounds; round++) {
                    booster.update(train, round);
                    if (evaluated.size() == 0) {
                        continue;
                    }
                    String evaluation = booster.evalSet(new DMatrix[] {valid}, new String[] {"validation"}, round);
                    Matcher matcher = EVAL_VALUE.matcher(evaluation);
                    if (matcher.find()) {
                        listener.onIterationMetric(metricKey, round, Double.parseDouble(matcher.group(1)));
                    }
                }
                listener.onProgress("Trained " + rounds + " boosting rounds");
                TreeEnsemble ensemble = ensemble(booster, objective, target, baseScore);
                return new XgboostModel(booster, objective, target, ensemble);
            } finally {
                train.dispose();
                valid.dispose();
            }
        } catch (XGBoostError e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "XGBoost failed: " + e.getMessage(), e);
        }
    }

    /**
     * The rows whose class the model knows: XGBoost refuses labels outside its classes, so per-round
     * metrics leave out validation rows of a class absent from training (the final metrics count them).
     */
    private static EncodedData knownClasses(EncodedData data) {
        List<Integer> known = new ArrayList<>();
        for (int row = 0; row < data.size(); row++) {
            if (data.targets()[row] >= 0) {
                known.add(row);
            }
        }
        if (known.size() == data.size()) {
            return data;
        }
        double[][] features = new double[known.size()][];
        double[] targets = new double[known.size()];
        for (int i = 0; i < known.size(); i++) {
            features[i] = data.features()[known.get(i)];
            targets[i] = data.targets()[known.get(i)];
        }
        return new EncodedData(features, targets);
    }

    static DMatrix matrix(EncodedData data) throws XGBoostError {
        DMatrix matrix = matrix(data.features());
        float[] labels = new float[data.size()];
        for (int row = 0; row < labels.length; row++) {
            labels[row] = (float) data.targets()[row];
        }
        matrix.setLabel(labels);
        return matrix;
    }

    private static DMatrix matrix(double[][] features) throws XGBoostError {
        int width = features.length == 0 ? 0 : features[0].length;
        float[] values = new float[features.length * width];
        for (int row = 0; row < features.length; row++) {
            for (int column = 0; column < width; column++) {
                values[row * width + column] = (float) features[row][column];
            }
        }
        return new DMatrix(values, features.length, width, Float.NaN);
    }

    /** Reads the trees from the booster's JSON model, where thresholds and leaf values are exact float32. */
    private static TreeEnsemble ensemble(Booster booster, Objective objective, Target target, float baseScore)
            throws XGBoostError {
        JsonNode model;
        try {
            model = JSON.readTree(booster.toByteArray("json"));
        } catch (IOException e) {
            throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "Cannot read XGBoost's JSON model", e);
        }
        JsonNode gbtree = model.path("learner").path("gradient_booster").path("model");
        JsonNode treeInfo = gbtree.path("tree_info");
        int targets = objective == Objective.MULTICLASS ? target.classes().size() : 1;
        List<TreeEnsemble.Tree> trees = new ArrayList<>();
        int index = 0;
        for (JsonNode tree : gbtree.path("trees")) {
            int group = treeInfo.get(index++).asInt();
            trees.add(tree(tree, group, targets));
        }
        float[] baseValues = new float[targets];
        // XGBoost 1.x keeps base_score in output space and starts from its margin: the logit for
        // binary:logistic, the value itself for softprob and squared error.
        float margin = objective == Objective.BINARY
                ? (float) Math.log(baseScore / (1.0 - baseScore))
                : baseScore;
        Arrays.fill(baseValues, margin);
        return new TreeEnsemble(trees, TreeEnsemble.SplitRule.LESS, targets, TreeEnsemble.Aggregation.SUM,
                baseValues);
    }

    private static TreeEnsemble.Tree tree(JsonNode tree, int group, int targets) {
        JsonNode left = tree.path("left_children");
        JsonNode right = tree.path("right_children");
        JsonNode features = tree.path("split_indices");
        JsonNode conditions = tree.path("split_conditions");
        List<TreeEnsemble.Node> nodes = new ArrayList<>();
        for (int id = 0; id < left.size(); id++) {
            float condition = Float.parseFloat(conditions.get(id).asText());
            if (left.get(id).asInt() < 0) {
                double[] weights = new double[targets];
                weights[group] = condition;
                nodes.add(TreeEnsemble.Node.leaf(id, weights));
            } else {
                nodes.add(TreeEnsemble.Node.branch(id, features.get(id).asInt(), condition, left.get(id).asInt(),
                        right.get(id).asInt()));
            }
        }
        return new TreeEnsemble.Tree(nodes);
    }

    private enum Objective {
        BINARY("binary:logistic", "logloss"),
        MULTICLASS("multi:softprob", "mlogloss"),
        REGRESSION("reg:squarederror", "rmse");

        private final String xgboostName;
        private final String evalMetric;

        Objective(String xgboostName, String evalMetric) {
            this.xgboostName = xgboostName;
            this.evalMetric = evalMetric;
        }

        static Objective of(Target target) {
            return switch (target.task()) {
                case CLASSIFICATION -> target.classes().size() == 2 ? BINARY : MULTICLASS;
                case REGRESSION -> REGRESSION;
            };
        }
    }

    private record XgboostModel(Booster booster, Objective objective, Target target, TreeEnsemble ensemble)
            implements FittedModel {
        @Override
        public double[][] predict(double[][] features) {
            try {
                DMatrix matrix = matrix(features);
                try {
                    float[][] predictions = booster.predict(matrix);
                    double[][] result = new double[features.length][];
                    for (int row = 0; row < features.length; row++) {
                        float[] values = predictions[row];
                        result[row] = switch (objective) {
                            case BINARY -> new double[] {1.0 - values[0], values[0]};
                            case MULTICLASS, REGRESSION -> toDoubles(values);
                        };
                    }
                    return result;
                } finally {
                    matrix.dispose();
                }
            } catch (XGBoostError e) {
                throw new SlipwayException(ErrorCode.INTERNAL_ERROR, "XGBoost failed to predict: " + e.getMessage(),
                        e);
            }
        }

        @Override
        public String writeOnnx(GraphBuilder graph, String features) {
            String scores = TreeEnsembleWriter.write(graph, features, ensemble);
            return switch (objective) {
                case BINARY -> Outputs.twoClassProbabilities(graph,
                        graph.node("Sigmoid", "", List.of(scores), "positive_probability"));
                case MULTICLASS -> graph.node("Softmax", "", List.of(scores), "class_probabilities",
                        Attributes.ofInt("axis", 1));
                case REGRESSION -> scores;
            };
        }

        @Override
        public void close() {
            booster.dispose();
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }
}
