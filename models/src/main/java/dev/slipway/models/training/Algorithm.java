package dev.slipway.models.training;

import dev.slipway.core.SlipwayException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The built-in training algorithms and their documented parameters.
 *
 * <ul>
 * <li>{@code logistic}: multinomial logistic regression (Tribuo {@code LinearSGDTrainer}, log loss,
 * AdaGrad); classification.</li>
 * <li>{@code linear}: linear regression (Tribuo {@code LinearSGDTrainer}, squared loss, AdaGrad);
 * regression.</li>
 * <li>{@code xgboost}: gradient-boosted trees (XGBoost); classification (binary and multi-class) and
 * regression.</li>
 * <li>{@code random-forest}: bagged CART trees (Tribuo {@code RandomForestTrainer}); classification and
 * regression.</li>
 * </ul>
 */
public enum Algorithm {
    LOGISTIC("logistic", Set.of(Task.CLASSIFICATION)),
    LINEAR("linear", Set.of(Task.REGRESSION)),
    XGBOOST("xgboost", Set.of(Task.CLASSIFICATION, Task.REGRESSION)),
    RANDOM_FOREST("random-forest", Set.of(Task.CLASSIFICATION, Task.REGRESSION));

    static final String STANDARDIZE = "standardize";

    private final String wireName;
    private final Set<Task> tasks;

    Algorithm(String wireName, Set<Task> tasks) {
        this.wireName = wireName;
        this.tasks = tasks;
    }

    /** The name used on the command line ({@code --algorithm}) and in MLmodel metadata. */
    public String wireName() {
        return wireName;
    }

    public boolean supports(Task task) {
        return tasks.contains(task);
    }

    /**
     * @throws SlipwayException INVALID_PARAMETER_VALUE for an unknown name, listing the known ones
     */
    public static Algorithm parse(String value) {
        for (Algorithm algorithm : values()) {
            if (algorithm.wireName.equals(value)) {
                return algorithm;
            }
        }
        throw SlipwayException.invalidParameter("Unknown algorithm '%s'; expected one of %s", value,
                Arrays.stream(values()).map(Algorithm::wireName).toList());
    }

    /** The documented {@code --param} keys for a task, with defaults. */
    public List<ParameterSpec> parameters(Task task) {
        return switch (this) {
            case LOGISTIC, LINEAR -> List.of(
                    ParameterSpec.integer("epochs", 20, 1, 100_000, "passes over the training rows"),
                    ParameterSpec.decimal("learning_rate", 0.1, 0, true, Double.POSITIVE_INFINITY,
                            "AdaGrad initial learning rate"),
                    ParameterSpec.decimal("epsilon", 0.1, 0, true, Double.POSITIVE_INFINITY,
                            "AdaGrad epsilon (added to the gradient history)"),
                    ParameterSpec.integer("minibatch_size", 1, 1, 1_000_000, "rows per gradient step"),
                    ParameterSpec.bool(STANDARDIZE, true,
                            "scale numeric columns to mean 0 and standard deviation 1 (inside the ONNX graph too)"));
            case XGBOOST -> List.of(
                    ParameterSpec.integer("n_estimators", 100, 1, 100_000, "boosting rounds"),
                    ParameterSpec.integer("max_depth", 6, 1, 64, "maximum tree depth"),
                    ParameterSpec.decimal("learning_rate", 0.3, 0, true, 1, "shrinkage (eta)"),
                    ParameterSpec.decimal("min_child_weight", 1, 0, false, Double.POSITIVE_INFINITY,
                            "minimum hessian sum in a child"),
                    ParameterSpec.decimal("subsample", 1, 0, true, 1, "fraction of rows sampled per round"),
                    ParameterSpec.decimal("colsample_bytree", 1, 0, true, 1, "fraction of features sampled per tree"),
                    ParameterSpec.decimal("reg_lambda", 1, 0, false, Double.POSITIVE_INFINITY, "L2 regularisation"),
                    ParameterSpec.decimal("reg_alpha", 0, 0, false, Double.POSITIVE_INFINITY, "L1 regularisation"),
                    ParameterSpec.decimal("gamma", 0, 0, false, Double.POSITIVE_INFINITY,
                            "minimum loss reduction to split"),
                    task == Task.CLASSIFICATION
                            ? ParameterSpec.decimal("base_score", 0.5, 0, true, 0.999999,
                                    "initial prediction (a probability for binary classification)")
                            : ParameterSpec.decimal("base_score", 0.5, Double.NEGATIVE_INFINITY, false,
                                    Double.POSITIVE_INFINITY, "initial prediction"),
                    ParameterSpec.choice("tree_method", "exact", List.of("exact", "approx", "hist"),
                            "split finding algorithm"));
            case RANDOM_FOREST -> task == Task.CLASSIFICATION
                    ? List.of(forestTrees(), forestDepth(), forestMinChildWeight(), forestFeatureFraction(),
                            forestMinImpurityDecrease(),
                            ParameterSpec.choice("criterion", "gini", List.of("gini", "entropy"), "split impurity"))
                    : List.of(forestTrees(), forestDepth(), forestMinChildWeight(), forestFeatureFraction(),
                            forestMinImpurityDecrease());
        };
    }

    private static ParameterSpec forestTrees() {
        return ParameterSpec.integer("n_estimators", 100, 1, 100_000, "number of trees");
    }

    private static ParameterSpec forestDepth() {
        return ParameterSpec.integer("max_depth", 16, 1, 1_000, "maximum tree depth");
    }

    private static ParameterSpec forestMinChildWeight() {
        return ParameterSpec.decimal("min_child_weight", 5, 0, false, Double.POSITIVE_INFINITY,
                "minimum number of rows in a leaf");
    }

    private static ParameterSpec forestFeatureFraction() {
        return ParameterSpec.decimal("feature_fraction", 0.7, 0, true, 1,
                "fraction of features considered at each split");
    }

    private static ParameterSpec forestMinImpurityDecrease() {
        return ParameterSpec.decimal("min_impurity_decrease", 0, 0, false, Double.POSITIVE_INFINITY,
                "minimum impurity decrease to split");
    }

    /** Whether numeric columns are standardised before this algorithm sees them. */
    boolean standardizes(AlgorithmParameters parameters) {
        return parameters.values().containsKey(STANDARDIZE) && parameters.getBoolean(STANDARDIZE);
    }

    Learner learner() {
        return switch (this) {
            case LOGISTIC, LINEAR -> new SgdLearner();
            case XGBOOST -> new XgboostLearner();
            case RANDOM_FOREST -> new RandomForestLearner();
        };
    }
}
