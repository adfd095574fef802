package dev.slipway.models.training;

import dev.slipway.models.onnx.Attributes;
import dev.slipway.models.onnx.GraphBuilder;
import dev.slipway.models.onnx.TreeEnsemble;
import dev.slipway.models.onnx.TreeEnsembleWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

/**
 * Random forests with Tribuo's {@code RandomForestTrainer} over CART trees. Classification averages the
 * trees' leaf class distributions ({@code FullyWeightedVotingCombiner}), regression averages their leaf
 * values. Tribuo cannot export trees to ONNX, so the trees are walked and written as a tree ensemble.
 */
final class RandomForestLearner implements Learner {
    @Override
    public FittedModel fit(EncodedData training, EncodedData validation, Target target,
            AlgorithmParameters parameters, long seed, TrainingListener listener) {
        int trees = parameters.getInt("n_estimators");
        int maxDepth = parameters.getInt("max_depth");
        float minChildWeight = (float) parameters.getDouble("min_child_weight");
        float minImpurityDecrease = (float) parameters.getDouble("min_impurity_decrease");
        float featureFraction = (float) parameters.getDouble("feature_fraction");
        listener.onProgress("Training a random forest of " + trees + " trees on " + training.size() + " rows");
        return switch (target.task()) {
            case CLASSIFICATION -> {
                CARTClassificationTrainer cart = new CARTClassificationTrainer(maxDepth, minChildWeight,
                        minImpurityDecrease, featureFraction, false,
                        parameters.get("criterion").equals("entropy") ? new Entropy() : new GiniIndex(), seed);
                EnsembleModel<Label> model = new RandomForestTrainer<>(cart, new FullyWeightedVotingCombiner(), trees,
                        seed).train(TribuoData.classification(training, target));
                reportPerTree(model.getModels(), validation, target, listener,
                        member -> TribuoData.predictClassification(member, validation.features(), target));
                yield new ForestClassifier(model, target, classificationEnsemble(model, target));
            }
            case REGRESSION -> {
                CARTRegressionTrainer cart = new CARTRegressionTrainer(maxDepth, minChildWeight, minImpurityDecrease,
                        featureFraction, false, new MeanSquaredError(), seed);
                EnsembleModel<Regressor> model = new RandomForestTrainer<>(cart, new AveragingCombiner(), trees, seed)
                        .train(TribuoData.regression(training, target));
                reportPerTree(model.getModels(), validation, target, listener,
                        member -> TribuoData.predictRegression(member, validation.features()));
                yield new ForestRegressor(model, regressionEnsemble(model, target));
            }
        };
    }

    /**
     * Reports the validation metric of the forest made of the first {@code t + 1} trees as step {@code t}
     * ({@code val_log_loss} or {@code val_rmse}), combining members the way the forest does.
     */
    private static <T extends Output<T>> void reportPerTree(List<Model<T>> members, EncodedData validation,
            Target target, TrainingListener listener, Function<Model<T>, double[][]> predict) {
        int width = target.task() == Task.CLASSIFICATION ? target.classes().size() : 1;
        double[][] sums = new double[validation.size()][width];
        for (int tree = 0; tree < members.size(); tree++) {
            double[][] predictions = predict.apply(members.get(tree));
            double[][] combined = new double[validation.size()][width];
            for (int row = 0; row < sums.length; row++) {
                double total = 0;
                for (int k = 0; k < width; k++) {
                    sums[row][k] += predictions[row][k];
                    total += sums[row][k];
                }
                for (int k = 0; k < width; k++) {
                    combined[row][k] = target.task() == Task.CLASSIFICATION
                            ? (total == 0 ? 0 : sums[row][k] / total)
                            : sums[row][k] / (tree + 1);
                }
            }
            if (target.task() == Task.CLASSIFICATION) {
                listener.onIterationMetric(ValidationMetrics.LOG_LOSS, tree,
                        ValidationMetrics.classification(combined, validation.targets()).get(ValidationMetrics.LOG_LOSS));
            } else {
                listener.onIterationMetric(ValidationMetrics.RMSE, tree,
                        ValidationMetrics.regression(combined, validation.targets()).get(ValidationMetrics.RMSE));
            }
        }
    }

    /**
     * Leaf weights are the leaves' class scores; the graph divides their sum by its row total, which is
     * how {@code FullyWeightedVotingCombiner} combines members.
     */
    private static TreeEnsemble classificationEnsemble(EnsembleModel<Label> model, Target target) {
        List<TreeEnsemble.Tree> trees = new ArrayList<>();
        for (Model<Label> member : model.getModels()) {
            trees.add(tree(((TreeModel<Label>) member).getRoot(), leaf -> {
                double[] weights = new double[target.classes().size()];
                Map<String, Label> distribution = leaf.getDistribution();
                for (int i = 0; i < weights.length; i++) {
                    Label score = distribution.get(target.classes().get(i));
                    weights[i] = score == null ? 0.0 : score.getScore();
                }
                return weights;
            }));
        }
        return new TreeEnsemble(trees, TreeEnsemble.SplitRule.LESS_OR_EQUAL, target.classes().size(),
                TreeEnsemble.Aggregation.SUM, new float[target.classes().size()]);
    }

    private static TreeEnsemble regressionEnsemble(EnsembleModel<Regressor> model, Target target) {
        List<TreeEnsemble.Tree> trees = new ArrayList<>();
        for (Model<Regressor> member : model.getModels()) {
            Node<Regressor> root = member instanceof IndependentRegressionTreeModel independent
                    ? independent.getRoots().get(target.name())
                    : ((TreeModel<Regressor>) member).getRoot();
            trees.add(tree(root, leaf -> new double[] {leaf.getOutput().getValues()[0]}));
        }
        return new TreeEnsemble(trees, TreeEnsemble.SplitRule.LESS_OR_EQUAL, 1, TreeEnsemble.Aggregation.AVERAGE,
                new float[1]);
    }

    private interface LeafWeights<T extends Output<T>> {
        double[] of(LeafNode<T> leaf);
    }

    /** Numbers the nodes depth-first from the root; Tribuo goes right when {@code x > split}. */
    private static <T extends Output<T>> TreeEnsemble.Tree tree(Node<T> root, LeafWeights<T> leafWeights) {
        List<TreeEnsemble.Node> nodes = new ArrayList<>();
        number(root, nodes, leafWeights);
        return new TreeEnsemble.Tree(nodes);
    }

    private static <T extends Output<T>> int number(Node<T> node, List<TreeEnsemble.Node> nodes,
            LeafWeights<T> leafWeights) {
        int id = nodes.size();
        nodes.add(null);
        if (node.isLeaf()) {
            nodes.set(id, TreeEnsemble.Node.leaf(id, leafWeights.of((LeafNode<T>) node)));
            return id;
        }
        SplitNode<T> split = (SplitNode<T>) node;
        int lessOrEqual = number(split.getLessThanOrEqual(), nodes, leafWeights);
        int greater = number(split.getGreaterThan(), nodes, leafWeights);
        nodes.set(id, TreeEnsemble.Node.branch(id, split.getFeatureID(), floatAtOrBelow(split.splitValue()),
                lessOrEqual, greater));
        return id;
    }

    /**
     * The largest float32 not above {@code value}: for every float32 {@code x}, {@code x <= result} exactly
     * when {@code x <= value}, so the float32 threshold in ONNX splits float32 features as Tribuo's double
     * threshold does.
     */
    static float floatAtOrBelow(double value) {
        float rounded = (float) value;
        return rounded > value ? Math.nextDown(rounded) : rounded;
    }

    private record ForestClassifier(EnsembleModel<Label> model, Target target, TreeEnsemble ensemble)
            implements FittedModel {
        @Override
        public double[][] predict(double[][] features) {
            return TribuoData.predictClassification(model, features, target);
        }

        @Override
        public String writeOnnx(GraphBuilder graph, String features) {
            String scores = TreeEnsembleWriter.write(graph, features, ensemble);
            String axes = graph.longInitializer("class_axis", new long[] {1}, 1);
            String total = graph.node("ReduceSum", "", List.of(scores, axes), "score_total",
                    Attributes.ofInt("keepdims", 1));
            return graph.node("Div", "", List.of(scores, total), "class_probabilities");
        }
    }

    private record ForestRegressor(EnsembleModel<Regressor> model, TreeEnsemble ensemble) implements FittedModel {
        @Override
        public double[][] predict(double[][] features) {
            return TribuoData.predictRegression(model, features);
        }

        @Override
        public String writeOnnx(GraphBuilder graph, String features) {
            return TreeEnsembleWriter.write(graph, features, ensemble);
        }
    }
}
