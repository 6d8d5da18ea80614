package io.github.mubench.bench;

import io.github.mubench.tensor.Models;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.model.BlasLlama;
import io.github.mubench.tensor.model.Checkpoint;
import io.github.mubench.tensor.model.RandomWeights;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two builds of mubench-tensor decoding side by side in one JVM, alternating pass by pass, as JSON lines: a round's
 * ratio (B's ms a step over A's) and the medians and quartiles of all rounds. On a shared 2-core VM, separate JVMs
 * of one build moved ±30% between runs (the host, and the JIT compiling a method one way or another), which hid
 * changes of 5–10%; within one JVM the builds see the same machine at the same minutes, and the ratio of each round
 * cancels what moves slowly. Each build's classes are loaded by a class loader of their own (only from that build for
 * {@code io.github.mubench}), with the libraries (ND4J, OpenBLAS) shared, at the working tree's versions; each has its own {@code Workers} threads,
 * of which the idle build's sleep after {@code Workers.SPIN_NANOS}.
 * <p>
 * Usage: {@code BuildCompare SHAPE BATCH NEW_TOKENS ROUNDS CLASSES_A CLASSES_B}, CLASSES_* being mubench-tensor's
 * compiled classes of each build ({@code mubench-bench/build-compare.sh REV} makes A from a git revision, B from
 * the working tree); SHAPE is {@code stories260K} or a {@link BenchConfigs#byName} name. Prompts are two tokens a
 * row, the decoding greedy, after 6 s of warm-up passes of 32 tokens for each build. With SHAPE
 * {@code train:NAME} the builds take training steps instead ({@link TrainStepHarness.Trainer}: B {@code BATCH} × T
 * 128, NEW_TOKENS steps a round, a garbage collection after each, warm-up steps for 20 s, ms a step).
 */
public final class BuildCompare {
    private BuildCompare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException("usage: BuildCompare SHAPE BATCH NEW_TOKENS ROUNDS CLASSES_A CLASSES_B");
        }
        String shape = args[0];
        int batch = Integer.parseInt(args[1]), tokens = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        if (batch < 1 || tokens < 1 || rounds < 1) {
            throw new IllegalArgumentException("BATCH, NEW_TOKENS and ROUNDS must be at least 1");
        }
        boolean training = shape.startsWith(TRAIN);
        Object[] decoders = new Object[2];
        java.lang.reflect.Method[] step = new java.lang.reflect.Method[2];
        URL bench = BuildCompare.class.getProtectionDomain().getCodeSource().getLocation();
        for (int v = 0; v < 2; v++) {
            Path classes = Path.of(args[4 + v]);
            if (!java.nio.file.Files.isRegularFile(classes.resolve(BlasLlama.class.getName().replace('.', '/') + ".class"))) {
                throw new IllegalArgumentException(classes + " holds no compiled mubench-tensor (no BlasLlama.class)");
            }
            ClassLoader loader = new ChildFirst(new URL[]{classes.toUri().toURL(), bench}, BuildCompare.class.getClassLoader());
            Class<?> decoder = loader.loadClass((training ? TrainStepHarness.Trainer.class : Decoder.class).getName());
            if (loader.loadClass(BlasLlama.class.getName()).getClassLoader() != loader) {
                throw new IllegalStateException("BlasLlama of " + classes + " was not loaded from there");
            }
            decoders[v] = decoder.getConstructor(String.class, int.class).newInstance(training ? shape.substring(TRAIN.length()) : shape, batch);
            step[v] = decoder.getMethod("msPerStep", int.class);
        }
        for (int v = 0; v < 2; v++) {
            long start = System.nanoTime(), warmUp = training ? TRAINING_WARM_UP_NANOS : WARM_UP_NANOS;
            while (System.nanoTime() - start < warmUp) {
                step[v].invoke(decoders[v], training ? 1 : 32);
            }
        }
        List<Double> a = new ArrayList<>(), b = new ArrayList<>(), ratio = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] ms = new double[2];
            for (int i = 0; i < 2; i++) {
                int v = r % 2 == 0 ? i : 1 - i; // A first in even rounds, B first in odd ones
                ms[v] = (Double) step[v].invoke(decoders[v], tokens);
            }
            a.add(ms[0]);
            b.add(ms[1]);
            ratio.add(ms[1] / ms[0]);
            System.out.printf("{\"event\":\"build_compare\",\"shape\":\"%s\",\"batch\":%d,\"round\":%d,\"a_ms_per_step\":%.3f,"
                    + "\"b_ms_per_step\":%.3f,\"ratio\":%.4f}%n", shape, batch, r, ms[0], ms[1], ms[1] / ms[0]);
        }
        System.out.printf("{\"event\":\"build_compare_summary\",\"shape\":\"%s\",\"batch\":%d,\"new_tokens\":%d,\"rounds\":%d,"
                        + "\"a_median_ms\":%.3f,\"b_median_ms\":%.3f,\"ratio_median\":%.4f,\"ratio_q1\":%.4f,\"ratio_q3\":%.4f}%n",
                shape, batch, tokens, rounds, quantile(a, 0.5), quantile(b, 0.5), quantile(ratio, 0.5), quantile(ratio, 0.25),
                quantile(ratio, 0.75));
    }

    /** SHAPE's prefix for training steps instead of decoding. */
    private static final String TRAIN = "train:";

    /** Warm-up of each build before the rounds: the JIT compiles the Vector API code in the first seconds. */
    private static final long WARM_UP_NANOS = 6_000_000_000L;

    /**
     * The same for training steps, which take most of a second each: with 6 s, one build against itself gave round
     * ratios of 1.05–1.42 in the first four rounds (1.03 median over eight rounds of two steps once warm).
     */
    private static final long TRAINING_WARM_UP_NANOS = 20_000_000_000L;

    /** The {@code q} quantile of {@code xs} (nearest rank). */
    private static double quantile(List<Double> xs, double q) {
        List<Double> sorted = new ArrayList<>(xs);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
    }

    /**
     * Loads {@code io.github.mubench} classes and resources (stories260K's files) from its own URLs only, everything
     * else from the parent: a class missing from a build must fail, not come from the parent's (the working tree's)
     * jar and make both sides the same code. mubench-unlearn (the training steps' AdamW) is not compared and comes from
     * the parent, with the parent's mubench-tensor classes under it.
     */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.github.mubench.") || name.startsWith("io.github.mubench.unlearn.")) {
                return super.loadClass(name, resolve); // the trainer's optimizer: the working tree's, on both sides
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }
    }

    /** One build's {@link BlasLlama} and greedy decoding, made and called inside that build's class loader. */
    public static final class Decoder {
        private final Generator generator;
        private final List<int[]> prompts = new ArrayList<>();

        /** The shape's model (random weights of seed 0, or stories260K) and {@code batch} two-token prompts. */
        public Decoder(String shape, int batch) {
            Checkpoint checkpoint = shape.equals("stories260K") ? Models.stories260K().checkpoint()
                    : new Checkpoint(BenchConfigs.byName(shape), RandomWeights.of(BenchConfigs.byName(shape), 0));
            generator = new Generator(new BlasLlama(checkpoint), null);
            int vocab = checkpoint.config().vocabSize();
            for (int i = 0; i < batch; i++) {
                prompts.add(new int[]{1, 2 + i % (vocab - 2)});
            }
        }

        /** Milliseconds a decoding step over {@code tokens} new tokens a row. */
        public double msPerStep(int tokens) {
            long start = System.nanoTime();
            generator.generateIds(prompts, GenerationConfig.greedy(tokens).withStopAtEos(false));
            return (System.nanoTime() - start) / 1e6 / tokens;
        }
    }
}
