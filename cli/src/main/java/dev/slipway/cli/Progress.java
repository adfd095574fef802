package dev.slipway.cli;

import java.io.PrintStream;
import java.util.OptionalLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr while long work runs, drawn only when a console is attached and the user did not ask
 * for {@code --no-progress}; otherwise it does nothing. Not thread-safe: one thread reports.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param total the number of units when known (a bar with a percentage), else a running count
     * @param enabled whether to draw anything at all
     */
    static Progress start(String task, String unit, OptionalLong total, boolean enabled) {
        if (!enabled || System.console() == null) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total.orElse(-1))
                .setUnit(" " + unit, 1).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
                .build();
        return new Progress(bar);
    }

    /** Sets the number of units once it is known (or when it changes). */
    void total(long total) {
        if (bar != null) {
            bar.maxHint(total);
        }
    }

    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
