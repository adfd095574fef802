package dev.slipway.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MonitorDefinitionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static MonitorDefinition parse(String text) throws Exception {
        return MonitorDefinition.fromJson(json(text));
    }

    @Test
    void fillsInDefaultsAndReadsItsOwnJsonBack() throws Exception {
        MonitorDefinition definition = parse("{'name': 'churn-drift', 'model': 'models:/churn@champion'}");

        assertThat(definition.window()).contains(Duration.ofHours(1));
        assertThat(definition.rows()).isEmpty();
        assertThat(definition.schedule()).isEqualTo(Duration.ofHours(1));
        assertThat(definition.driftShare()).isEqualTo(0.5);
        assertThat(definition.modelName()).isEqualTo("churn");
        assertThat(definition.modelAlias()).contains("champion");
        assertThat(definition.describeWindow()).isEqualTo("the last 1 h");
        assertThat(MonitorDefinition.fromJson(definition.toJson())).isEqualTo(definition);
    }

    @Test
    void readsEveryField() throws Exception {
        MonitorDefinition definition = parse("{'name': 'm1', 'model': 'models:/churn/7', 'rows': 10000, "
                + "'schedule': '90s', 'drift_share': 0.3, 'method': 'psi', 'methods': {'tenure': 'ks'}, "
                + "'threshold': 0.2, 'thresholds': {'plan': 0.01}, 'positive_label': 1, 'alerts': ["
                + "{'when': 'feature_drift', 'features': ['tenure'], 'webhook': 'http://127.0.0.1:9/hook'},"
                + "{'when': 'quality_below', 'metric': 'accuracy', 'bound': 0.8, 'retrain': {'project': '/srv/churn', "
                + "'args': ['--promote']}, 'repeat': '2h'}]}");

        assertThat(definition.rows()).hasValue(10000);
        assertThat(definition.window()).isEmpty();
        assertThat(definition.describeWindow()).isEqualTo("the latest 10000 predictions");
        assertThat(definition.schedule()).isEqualTo(Duration.ofSeconds(90));
        assertThat(definition.modelAlias()).isEmpty();
        assertThat(definition.positiveLabel()).contains("1");
        DriftOptions options = definition.driftOptions();
        assertThat(options.driftShare()).isEqualTo(0.3);
        assertThat(options.methodFor("tenure", ColumnType.NUMERIC, 100, 100)).isEqualTo(DriftMethod.KS);
        assertThat(options.methodFor("plan", ColumnType.CATEGORICAL, 100, 3)).isEqualTo(DriftMethod.PSI);
        assertThat(options.thresholdFor("plan", ColumnType.CATEGORICAL, DriftMethod.PSI)).isEqualTo(0.01);
        assertThat(definition.alerts()).hasSize(2);
        AlertRule quality = definition.alerts().get(1);
        assertThat(quality.describe()).isEqualTo("quality_below accuracy 0.8");
        assertThat(quality.retrain()).contains(new AlertRule.Retrain("/srv/churn", List.of("--promote")));
        assertThat(quality.repeat()).isEqualTo(Duration.ofHours(2));
        assertThat(MonitorDefinition.fromJson(definition.toJson())).isEqualTo(definition);
    }

    @Test
    void rejectsBadDefinitionsNamingTheField() {
        assertRejected("{'model': 'models:/churn/1'}", "'name' is required");
        assertRejected("{'name': 'a b', 'model': 'models:/churn/1'}", "Invalid monitor name 'a b'");
        assertRejected("{'name': 'm', 'model': 'churn'}", "'model' must be a registered model version");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'window': '1h', 'rows': 5}", "not both");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'window': 'soon'}", "Invalid duration 'soon'");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'schedule': '1s'}", "'schedule' must be at least 5s");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'drift_share': 1.5}", "drift share must be in (0, 1]");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'method': 'magic'}", "unknown drift method 'magic'");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'colour': 'red'}", "unknown key 'colour'");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'rows': 0}", "'rows' must be a positive whole number");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'alerts': [{'when': 'dataset_drift'}]}",
                "does nothing");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'alerts': [{'when': 'quality_below', "
                + "'metric': 'vibes', 'bound': 1, 'webhook': 'http://h/'}]}", "unknown quality metric 'vibes'");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'alerts': [{'when': 'quality_below', "
                + "'metric': 'accuracy', 'webhook': 'http://h/'}]}", "'bound' is required");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'alerts': [{'when': 'dataset_drift', "
                + "'webhook': 'ftp://h/'}]}", "must be an http:// or https:// URL");
        assertRejected("{'name': 'm', 'model': 'models:/c/1', 'alerts': [{'when': 'sometimes', "
                + "'webhook': 'http://h/'}]}", "unknown condition");
        assertThatThrownBy(() -> MonitorDefinition.fromJson(JSON.createArrayNode()))
                .isInstanceOf(SlipwayException.class).hasMessageContaining("must be an object");
    }

    private static void assertRejected(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(SlipwayException.class).hasMessageContaining(message);
    }

    @Test
    void rulesSayWhyTheyHoldAndNeverGuess() {
        DriftReport drifted = new DriftReport(1000, 5000, true, 0.5, 0.5, List.of(
                new DriftResult("tenure", DriftMethod.KS, 0.001, 0.05, true, Optional.empty()),
                new DriftResult("plan", DriftMethod.CHI_SQUARE, 0.6, 0.05, false, Optional.empty())));
        AlertRule dataset = new AlertRule(AlertRule.Condition.DATASET_DRIFT, List.of(), Optional.empty(),
                java.util.OptionalDouble.empty(), Optional.of(java.net.URI.create("http://h/")), Optional.empty(),
                AlertRule.DEFAULT_REPEAT);
        assertThat(dataset.cause(Optional.of(drifted), Map.of())).hasValueSatisfying(cause ->
                assertThat(cause).contains("1 of 2 features drifted").contains("tenure"));
        assertThat(dataset.cause(Optional.empty(), Map.of())).isEmpty();

        AlertRule planOnly = new AlertRule(AlertRule.Condition.FEATURE_DRIFT, List.of("plan"), Optional.empty(),
                java.util.OptionalDouble.empty(), Optional.of(java.net.URI.create("http://h/")), Optional.empty(),
                AlertRule.DEFAULT_REPEAT);
        assertThat(planOnly.cause(Optional.of(drifted), Map.of())).isEmpty();

        AlertRule accuracy = new AlertRule(AlertRule.Condition.QUALITY_BELOW, List.of(), Optional.of("accuracy"),
                java.util.OptionalDouble.of(0.8), Optional.of(java.net.URI.create("http://h/")), Optional.empty(),
                AlertRule.DEFAULT_REPEAT);
        assertThat(accuracy.cause(Optional.empty(), Map.of("accuracy", 0.75)))
                .contains("live accuracy 0.75 is below the bound 0.8");
        assertThat(accuracy.cause(Optional.empty(), Map.of("accuracy", 0.85))).isEmpty();
        assertThat(accuracy.cause(Optional.empty(), Map.of())).isEmpty();
    }
}
