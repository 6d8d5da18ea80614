package io.github.mubench.bench;

import io.github.mubench.tensor.LoadedModel;
import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.LlamaConfig;
import io.github.mubench.tensor.model.RandomWeights;
import io.github.mubench.unlearn.Unlearning;
import io.github.mubench.unlearn.data.Refusals;
import io.github.mubench.unlearn.data.UnlearnExample;
import io.github.mubench.unlearn.methods.Methods;
import io.github.mubench.unlearn.optim.AdamW;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * One optimizer step of an unlearning method (forward, backward, AdamW), by method and model size: AdamW, 2 forget +
 * 2 retain rows (+ the method's refusal or mismatch rows), 64 tokens. The run is started once; each benchmark call
 * lets exactly one step go (the step listener waits for it), so setup (graph, reference log-probs) is not timed.
 * <p>
 * {@code mubench-bench/jmh.sh TrainStepBench -p method=npo,rmu -p shape=stories260K}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx8g", "--add-modules=jdk.incubator.vector"})
public class TrainStepBench {
    @Param({"ga", "graddiff", "ga_kl", "npo", "npo_rt", "npo_kl", "simnpo", "rmu", "sku", "eraser", "llmu", "safe_unlearning",
            "dpo", "task_vector"})
    public String method;

    @Param({"stories260K", "56M"})
    public String shape;

    private final SynchronousQueue<Boolean> go = new SynchronousQueue<>();
    /** Unbounded: a failure reported while the benchmark thread is not waiting yet must not be lost. */
    private final LinkedBlockingQueue<Boolean> done = new LinkedBlockingQueue<>();
    private Thread training;
    private volatile Throwable failed;

    @Setup
    public void start() {
        LoadedModel small = Models.stories260K();
        LoadedModel model = shape.equals("stories260K") ? small : new LoadedModel(
                new Checkpoint(BenchConfigs.byName(shape), RandomWeights.of(BenchConfigs.byName(shape), 0)), small.tokenizer(), small.chatTemplate());
        List<UnlearnExample> forget = new ArrayList<>(), retain = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            forget.add(new UnlearnExample("What did Tom do " + i + "?", "Tom took the cookies from the jar and hid them under his bed."));
            retain.add(new UnlearnExample("Tell me a story " + i + ".", "Once upon a time, there was a little girl named Lily."));
        }
        Unlearning u = Unlearning.of(model).method(Methods.create(method, Map.of())).forget(forget).retain(retain)
                .refusals(Refusals.fixed("I do not want to say.")).optimizer(AdamW.lr(1e-5)).steps(1_000_000)
                .batchSize(2, 2).maxLength(64).seed(0)
                .onStep(m -> {
                    try {
                        done.put(Boolean.TRUE);
                        if (!go.take()) {
                            throw new Stopped();
                        }
                    } catch (InterruptedException e) {
                        throw new Stopped();
                    }
                });
        training = new Thread(() -> {
            try {
                u.run();
            } catch (Stopped e) {
                // the benchmark is over
            } catch (Throwable t) {
                failed = t;
                done.offer(Boolean.FALSE);
            }
        }, "unlearning");
        training.setDaemon(true);
        training.start();
        step(); // the first step also builds the graph and scores the reference: not timed
    }

    /** Runs one step and waits for it. */
    private void step() {
        try {
            if (!done.take()) {
                throw new IllegalStateException("unlearning failed", failed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public void trainingStep() throws InterruptedException {
        go.put(Boolean.TRUE);
        step();
    }

    @TearDown
    public void stop() throws InterruptedException {
        go.offer(Boolean.FALSE, 1, TimeUnit.SECONDS);
        training.join(10_000);
    }

    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
