package dev.slipway.models.onnx;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A tree ensemble in the shape of ONNX's {@code TreeEnsembleRegressor}: each tree's leaves add weights to
 * one or more of {@code targets} outputs; the ensemble sums them (or averages over the number of trees),
 * then adds {@code baseValues}. Thresholds are float32, as ONNX compares them.
 *
 * @param trees the trees, each with its nodes numbered 0..n-1 and node 0 the root
 * @param splitRule how a branch compares a feature with its threshold
 * @param targets number of outputs
 * @param aggregation how tree outputs combine
 * @param baseValues one value per target, added after aggregation
 */
public record TreeEnsemble(List<Tree> trees, SplitRule splitRule, int targets, Aggregation aggregation,
        float[] baseValues) {
    public TreeEnsemble {
        trees = List.copyOf(requireNonNull(trees, "trees is null"));
        requireNonNull(splitRule, "splitRule is null");
        requireNonNull(aggregation, "aggregation is null");
        baseValues = requireNonNull(baseValues, "baseValues is null").clone();
        if (trees.isEmpty()) {
            throw new IllegalArgumentException("a tree ensemble needs at least one tree");
        }
        if (targets < 1 || baseValues.length != targets) {
            throw new IllegalArgumentException("targets is " + targets + " but there are " + baseValues.length
                    + " base values");
        }
    }

    /** How a branch node decides: go to the "true" child when the feature is below the threshold. */
    public enum SplitRule {
        /** {@code x <= threshold} (Tribuo's CART). */
        LESS_OR_EQUAL("BRANCH_LEQ"),
        /** {@code x < threshold} (XGBoost). */
        LESS("BRANCH_LT");

        private final String onnxMode;

        SplitRule(String onnxMode) {
            this.onnxMode = onnxMode;
        }

        public String onnxMode() {
            return onnxMode;
        }
    }

    public enum Aggregation {
        SUM, AVERAGE
    }

    /** One tree; {@code nodes.get(i).id() == i}. */
    public record Tree(List<Node> nodes) {
        public Tree {
            nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
            for (int i = 0; i < nodes.size(); i++) {
                Node node = nodes.get(i);
                if (node.id() != i) {
                    throw new IllegalArgumentException("node " + i + " has id " + node.id());
                }
                if (!node.isLeaf() && (node.trueChild() >= nodes.size() || node.falseChild() >= nodes.size())) {
                    throw new IllegalArgumentException("node " + i + " points outside the tree");
                }
            }
        }
    }

    /**
     * A node: a branch ({@code feature >= 0}) or a leaf ({@code feature == -1}) whose {@code leafWeights} has
     * one entry per target.
     */
    public record Node(int id, int feature, float threshold, int trueChild, int falseChild, double[] leafWeights) {
        public Node {
            requireNonNull(leafWeights, "leafWeights is null");
            leafWeights = leafWeights.clone();
        }

        public static Node branch(int id, int feature, float threshold, int trueChild, int falseChild) {
            if (feature < 0) {
                throw new IllegalArgumentException("feature index " + feature + " is negative");
            }
            return new Node(id, feature, threshold, trueChild, falseChild, new double[0]);
        }

        public static Node leaf(int id, double[] weights) {
            return new Node(id, -1, 0f, -1, -1, weights);
        }

        public boolean isLeaf() {
            return feature < 0;
        }
    }
}
