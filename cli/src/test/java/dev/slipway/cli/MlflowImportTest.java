package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order in which {@code import-mlflow} copies the runs of an experiment. */
class MlflowImportTest {

    @Test
    void parentsComeBeforeTheirChildrenWhateverTheirStartTimes() {
        MlflowImport.RunRef child = new MlflowImport.RunRef("child", Optional.of("parent"), 1);
        MlflowImport.RunRef parent = new MlflowImport.RunRef("parent", Optional.of("grandparent"), 5);
        MlflowImport.RunRef grandparent = new MlflowImport.RunRef("grandparent", Optional.empty(), 9);
        MlflowImport.RunRef orphan = new MlflowImport.RunRef("orphan", Optional.of("elsewhere"), 3);

        assertThat(MlflowImport.parentsFirst(List.of(child, orphan, parent, grandparent)))
                .extracting(MlflowImport.RunRef::runId)
                .containsExactly("grandparent", "parent", "child", "orphan");
    }

    @Test
    void aParentCycleDoesNotLoopAndKeepsEveryRun() {
        MlflowImport.RunRef first = new MlflowImport.RunRef("first", Optional.of("second"), 1);
        MlflowImport.RunRef second = new MlflowImport.RunRef("second", Optional.of("first"), 2);

        assertThat(MlflowImport.parentsFirst(List.of(second, first))).extracting(MlflowImport.RunRef::runId)
                .containsExactlyInAnyOrder("first", "second");
    }
}
