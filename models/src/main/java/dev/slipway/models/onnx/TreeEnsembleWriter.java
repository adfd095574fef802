package dev.slipway.models.onnx;

import java.util.ArrayList;
import java.util.List;

/** Writes a {@link TreeEnsemble} as one {@code ai.onnx.ml.TreeEnsembleRegressor} node. */
public final class TreeEnsembleWriter {
    private TreeEnsembleWriter() {
    }

    /**
     * Appends the ensemble, reading the [N, F] float features; returns the name of its [N, targets] float
     * output (raw scores: no post transform, callers add Sigmoid or Softmax themselves).
     */
    public static String write(GraphBuilder graph, String features, TreeEnsemble ensemble) {
        List<Long> treeIds = new ArrayList<>();
        List<Long> nodeIds = new ArrayList<>();
        List<Long> featureIds = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        List<Long> trueIds = new ArrayList<>();
        List<Long> falseIds = new ArrayList<>();
        List<Long> targetTreeIds = new ArrayList<>();
        List<Long> targetNodeIds = new ArrayList<>();
        List<Long> targetIds = new ArrayList<>();
        List<Float> targetWeights = new ArrayList<>();
        for (int treeId = 0; treeId < ensemble.trees().size(); treeId++) {
            for (TreeEnsemble.Node node : ensemble.trees().get(treeId).nodes()) {
                treeIds.add((long) treeId);
                nodeIds.add((long) node.id());
                if (node.isLeaf()) {
                    featureIds.add(0L);
                    modes.add("LEAF");
                    values.add(0f);
                    trueIds.add(0L);
                    falseIds.add(0L);
                    addLeafWeights(ensemble.targets(), treeId, node, targetTreeIds, targetNodeIds, targetIds,
                            targetWeights);
                } else {
                    featureIds.add((long) node.feature());
                    modes.add(ensemble.splitRule().onnxMode());
                    values.add(node.threshold());
                    trueIds.add((long) node.trueChild());
                    falseIds.add((long) node.falseChild());
                }
            }
        }
        float[] baseValues = ensemble.baseValues();
        return graph.node("TreeEnsembleRegressor", GraphBuilder.ML_DOMAIN, List.of(features), "tree_scores",
                Attributes.ofInt("n_targets", ensemble.targets()),
                Attributes.ofString("aggregate_function", ensemble.aggregation().name()),
                Attributes.ofString("post_transform", "NONE"),
                Attributes.ofFloats("base_values", baseValues),
                Attributes.ofInts("nodes_treeids", longs(treeIds)),
                Attributes.ofInts("nodes_nodeids", longs(nodeIds)),
                Attributes.ofInts("nodes_featureids", longs(featureIds)),
                Attributes.ofStrings("nodes_modes", modes),
                Attributes.ofFloats("nodes_values", floats(values)),
                Attributes.ofInts("nodes_truenodeids", longs(trueIds)),
                Attributes.ofInts("nodes_falsenodeids", longs(falseIds)),
                Attributes.ofInts("target_treeids", longs(targetTreeIds)),
                Attributes.ofInts("target_nodeids", longs(targetNodeIds)),
                Attributes.ofInts("target_ids", longs(targetIds)),
                Attributes.ofFloats("target_weights", floats(targetWeights)));
    }

    private static void addLeafWeights(int targets, int treeId, TreeEnsemble.Node leaf, List<Long> treeIds,
            List<Long> nodeIds, List<Long> targetIds, List<Float> weights) {
        double[] leafWeights = leaf.leafWeights();
        if (leafWeights.length != targets) {
            throw new IllegalArgumentException("leaf " + leaf.id() + " of tree " + treeId + " has "
                    + leafWeights.length + " weights for " + targets + " targets");
        }
        boolean any = false;
        for (int target = 0; target < targets; target++) {
            // A zero weight adds nothing under SUM or AVERAGE (ONNX Runtime divides by the tree count), so
            // leaves only list the targets they move; every leaf lists at least one so it is well formed.
            if (leafWeights[target] != 0.0 || (!any && target == targets - 1)) {
                treeIds.add((long) treeId);
                nodeIds.add((long) leaf.id());
                targetIds.add((long) target);
                weights.add((float) leafWeights[target]);
                any = true;
            }
        }
    }

    private static long[] longs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static float[] floats(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
