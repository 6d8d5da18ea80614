package io.github.mubench.cli;

import io.github.mubench.eval.run.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** One progress bar per stage on stderr (rate and ETA): evaluation stages and training runs alike. */
final class ProgressBars implements Progress, AutoCloseable {
    private ProgressBar bar;
    private String stage;

    @Override
    public synchronized void update(String stage, int done, int total) {
        if (!stage.equals(this.stage)) {
            close();
            this.stage = stage;
            bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed().build();
        }
        bar.stepTo(done);
    }

    /** Ends the current bar (before a log line, so that the two do not interleave). */
    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
            stage = null;
        }
    }
}
