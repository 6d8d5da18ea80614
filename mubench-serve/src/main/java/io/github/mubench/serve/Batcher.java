package io.github.mubench.serve;

import io.github.mubench.tensor.generate.Generation;
import io.github.mubench.tensor.generate.GenerationConfig;
import io.github.mubench.tensor.generate.Generator;
import io.github.mubench.tensor.generate.TokenListener;
import io.github.mubench.tensor.model.LanguageModel;
import io.github.mubench.tensor.tokenizer.Tokenizer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Windowed batching of concurrent requests into the generator: one worker thread owns the model; when it is free it
 * takes the first queued row and the rows queued with it (up to {@code maxBatch}), and runs them as one batch, each
 * row with its own config. A row's result is handed back as soon as that row ends, while the rest of its batch goes
 * on; a request arriving during a batch waits for the next one. Until a batch has as many rows as the last one had
 * plus those that queued while it ran, it waits for more, at most the window: the clients whose answers just came
 * back then join the next batch instead of forming a second group that alternates with the first, and a lone client
 * waits for nobody. Rows give the same tokens as alone ({@link Generator} guarantees it).
 */
public final class Batcher implements AutoCloseable {
    /** Where a row's text goes while it is generated (streaming), and whether its caller is still there. */
    public interface Sink {
        /** Text completed by the latest token. */
        void delta(String text);

        /** True once nobody waits for this row (a timeout, a closed connection): it is stopped. */
        default boolean cancelled() {
            return false;
        }
    }

    /** The queue is full: the caller should retry later. */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message);
        }
    }

    /**
     * Counts since start, for throughput reports: batches and rows as they start; rows as they end (finished,
     * stopped or failed) and their generated tokens.
     */
    public record Stats(long batches, long rows, long rowsEnded, long generatedTokens) {
        /** Rows per batch on average. */
        public double meanBatch() {
            return batches == 0 ? 0 : (double) rows / batches;
        }
    }

    private record Job(int[] prompt, GenerationConfig config, Sink sink, CompletableFuture<Generation> result) {
    }

    /** Full-position logits of an echo batch are kept in memory at once: bound them (floats, 2 GiB). */
    private static final long ECHO_LOGITS_BUDGET = 1L << 29;

    private final Generator generator;
    private final int maxBatch, maxQueued, context, vocab;
    private final long windowNanos;
    /** Rows the next batch waits for (within the window): the last batch's and those that queued meanwhile. */
    private int expected = 1;
    private final LinkedBlockingDeque<Job> queue = new LinkedBlockingDeque<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong batches = new AtomicLong(), rows = new AtomicLong(), ended = new AtomicLong(), tokens = new AtomicLong();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param maxBatch  rows per batch at most
     * @param maxQueued rows waiting at most; beyond, {@link #submit} refuses with {@link OverloadedException}
     * @param window    how long a batch waits at most for the rows it expects
     */
    public Batcher(LanguageModel model, Tokenizer tokenizer, int maxBatch, int maxQueued, Duration window) {
        if (maxBatch < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("maxBatch and maxQueued must be >= 1, got " + maxBatch + " and " + maxQueued);
        }
        this.generator = new Generator(model, tokenizer);
        this.maxBatch = maxBatch;
        this.maxQueued = maxQueued;
        this.windowNanos = window.toNanos();
        this.context = model.config().maxPositionEmbeddings();
        this.vocab = model.config().vocabSize();
        this.worker = new Thread(this::loop, "mubench-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues one row.
     *
     * @param sink receives the text as it is generated, or {@code null}
     * @throws IllegalArgumentException when the prompt and its new tokens do not fit the model's context
     * @throws OverloadedException      when {@code maxQueued} rows wait already
     * @throws ClosedException          after {@link #close}
     */
    public CompletableFuture<Generation> submit(int[] prompt, GenerationConfig config, Sink sink) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (prompt.length + Math.max(1, config.maxNewTokens()) > context) {
            throw new IllegalArgumentException("this model's context is " + context + " tokens, but the prompt has "
                    + prompt.length + " and " + config.maxNewTokens() + " more were asked for");
        }
        if (closed) {
            throw new ClosedException();
        }
        if (config.echoLogprobs() && (long) prompt.length * vocab > ECHO_LOGITS_BUDGET) {
            throw new LogitsBudgetException("prompt log-probabilities of " + prompt.length + " tokens over a vocabulary of " + vocab
                    + " need more than " + (ECHO_LOGITS_BUDGET * 4 >> 30) + " GiB of logits; at most "
                    + ECHO_LOGITS_BUDGET / vocab + " tokens");
        }
        if (waiting.incrementAndGet() > maxQueued) {
            waiting.decrementAndGet();
            throw new OverloadedException(maxQueued + " rows are waiting already; retry later");
        }
        Job job = new Job(prompt, config, sink == null ? text -> { } : sink, new CompletableFuture<>());
        queue.addLast(job);
        if (closed && queue.remove(job)) { // closed meanwhile: close() may have emptied the queue before this row came
            waiting.decrementAndGet();
            job.result.completeExceptionally(new ClosedException());
        }
        return job.result;
    }

    /** A row whose prompt log-probabilities would need more logits in memory than a batch may hold. */
    public static final class LogitsBudgetException extends IllegalArgumentException {
        LogitsBudgetException(String message) {
            super(message);
        }
    }

    /** The server is shutting down. */
    public static final class ClosedException extends RuntimeException {
        ClosedException() {
            super("the server is shutting down");
        }
    }

    /** Takes a row that has not started out of the queue (its caller gave up), and cancels it. */
    public void withdraw(CompletableFuture<Generation> result) {
        if (queue.removeIf(j -> j.result == result)) {
            waiting.decrementAndGet();
        }
        result.cancel(false);
    }

    /** Whether the worker is running (false after {@link #close}, or if it died). */
    public boolean alive() {
        return worker.isAlive();
    }

    /** Batches, rows and tokens so far. */
    public Stats stats() {
        return new Stats(batches.get(), rows.get(), ended.get(), tokens.get());
    }

    private void loop() {
        try {
            work();
        } finally {
            failQueued(); // rows queued as it stopped would wait forever
        }
    }

    private void work() {
        while (!closed) {
            Job first;
            try {
                first = queue.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            List<Job> batch = take(first);
            waiting.addAndGet(-batch.size());
            run(batch);
            // the rows that came while it ran, and the clients it just answered, are likely the next batch
            expected = Math.min(maxBatch, batch.size() + queue.size());
        }
    }

    /** {@code first} and the queued rows that fit one batch with it, in arrival order; the others stay queued. */
    private List<Job> take(Job first) {
        List<Job> batch = new ArrayList<>(List.of(first));
        Deque<Job> later = new ArrayDeque<>();
        int longest = first.prompt.length, mostNew = first.config.maxNewTokens();
        boolean echo = first.config.echoLogprobs();
        long deadline = System.nanoTime() + windowNanos;
        Job next;
        while (batch.size() < maxBatch && (next = batch.size() + later.size() < expected ? poll(deadline) : queue.pollFirst()) != null) {
            int l = Math.max(longest, next.prompt.length), n = Math.max(mostNew, next.config.maxNewTokens());
            boolean e = echo || next.config.echoLogprobs();
            boolean fits = l + Math.max(1, n) <= context && (!e || (long) (batch.size() + 1) * l * vocab <= ECHO_LOGITS_BUDGET);
            if (fits) {
                batch.add(next);
                longest = l;
                mostNew = n;
                echo = e;
            } else {
                later.addLast(next);
            }
        }
        while (!later.isEmpty()) {
            queue.addFirst(later.pollLast());
        }
        return batch;
    }

    /** The next queued row, waiting for one until {@code deadline}. */
    private Job poll(long deadline) {
        try {
            return queue.pollFirst(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void run(List<Job> batch) {
        List<Job> live = batch.stream().filter(j -> !j.result.isDone() && !j.sink.cancelled()).toList();
        batch.stream().filter(j -> !live.contains(j)).forEach(j -> j.result.cancel(false));
        if (live.isEmpty()) {
            return;
        }
        batches.incrementAndGet(); // counted as they start: a row's result may be read before its batch returns
        rows.addAndGet(live.size());
        try {
            generator.generateIds(live.stream().map(Job::prompt).toList(), live.stream().map(Job::config).toList(), new TokenListener() {
                @Override
                public void onToken(int row, int token, String delta) {
                    live.get(row).sink.delta(delta);
                }

                @Override
                public void onFinish(int row, Generation generation) {
                    tokens.addAndGet(generation.tokens().length);
                    ended.incrementAndGet();
                    live.get(row).result.complete(generation);
                }

                @Override
                public boolean cancelled(int row) {
                    Job j = live.get(row);
                    return j.result.isDone() || j.sink.cancelled();
                }
            });
        } catch (Throwable e) { // a failed batch fails its rows, never the worker
            live.stream().filter(j -> !j.result.isDone()).forEach(j -> ended.incrementAndGet());
            live.forEach(j -> j.result.completeExceptionally(e));
        }
    }

    /** Stops the worker; queued rows fail. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        failQueued();
    }

    private void failQueued() {
        Job j;
        while ((j = queue.pollFirst()) != null) {
            waiting.decrementAndGet();
            j.result.completeExceptionally(new ClosedException());
        }
    }
}
