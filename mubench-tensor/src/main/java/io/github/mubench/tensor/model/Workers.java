package io.github.mubench.tensor.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a split loop at once: the calling thread takes part 0, helper threads (one per further core) the
 * others, and the call returns when all are done. A helper spins for {@value #SPIN_NANOS} ns after each part before it
 * sleeps, as OpenMP's threads do for llama2.c: measured here (2 cores, a 56M model's 57 products of a batch-16 step),
 * handing half of each 0.1–1 ms product to a sleeping {@link java.util.concurrent.ForkJoinPool} worker cost as much
 * as it saved (no faster than one thread), while a spinning helper made the same products 1.7–1.9× faster. A part
 * whose helper is busy (another caller's split) runs on the caller, so concurrent callers never wait on each other.
 */
final class Workers {
    /**
     * How long a helper spins after its last part before it sleeps: a decoding step's products come microseconds
     * apart.
     */
    static final long SPIN_NANOS = 200_000;

    private Workers() {
    }

    /** Threads a split can run on: this one and the helpers. */
    static int threads() {
        return Pool.HELPERS.length + 1;
    }

    /**
     * {@code part.accept(i)} for every {@code i < parts}, at once where helpers are free; after every part has ended
     * (parts write into the caller's arrays: none is left running), rethrows one failure if any part failed (one that
     * ran on this thread before one that ran on a helper).
     */
    static void run(int parts, IntConsumer part) {
        Helper[] helpers = parts > 1 ? Pool.HELPERS : new Helper[0];
        Task[] handed = new Task[parts];
        Throwable failure = null;
        try {
            for (int i = 1; i < parts && i - 1 < helpers.length; i++) {
                Task task = new Task(part, i);
                handed[i] = helpers[i - 1].offer(task) ? task : null;
            }
        } catch (Throwable t) { // out of memory for a task: the parts not handed run here, the handed ones are awaited
            failure = t;
        }
        for (int i = 0; i < parts; i++) {
            if (handed[i] == null) {
                try {
                    part.accept(i);
                } catch (Throwable t) {
                    failure = failure == null ? t : failure;
                }
            }
        }
        for (int i = 1; i < parts; i++) {
            Task task = handed[i];
            if (task != null && helpers[i - 1].takeBack(task)) { // not started yet: a sleeping helper is still waking
                try {
                    part.accept(i);
                } catch (Throwable t) {
                    failure = failure == null ? t : failure;
                }
            } else if (task != null) {
                while (!task.done) {
                    Thread.onSpinWait();
                }
                failure = failure == null ? task.failure : failure;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** A range {@code [from, to)} of a split loop, run on the thread that uses scratch number {@code part}. */
    @FunctionalInterface
    interface Range {
        void run(int part, int from, int to);
    }

    /** Chunks per thread that {@link #split} cuts a loop into. */
    static final int CHUNKS_PER_THREAD = 4;

    /**
     * {@code [0, count)} on up to {@code parts} threads ({@link #run}) in chunks of about
     * {@code count / (CHUNKS_PER_THREAD · parts)}, each thread taking the next chunk when done with one: a helper that
     * starts late or is slowed does fewer chunks rather than hold up the caller (with fixed halves, the caller of a
     * 56M model's batch-16 products spent a fifth as long waiting for its helper as multiplying). Each chunk is run
     * once; {@code part} numbers the thread, so that each can use scratch of its own.
     */
    static void split(int count, int parts, Range range) {
        split(count, parts, CHUNKS_PER_THREAD, range);
    }

    /** {@link #split(int, int, Range)} in about {@code chunks} chunks per thread. */
    static void split(int count, int parts, int chunks, Range range) {
        if (parts <= 1 || count <= 1) {
            range.run(0, 0, count);
            return;
        }
        int chunk = Math.max(1, count / (chunks * parts));
        AtomicInteger next = new AtomicInteger();
        run(parts, part -> {
            for (int from; (from = next.getAndAdd(chunk)) < count; ) {
                range.run(part, from, Math.min(count, from + chunk));
            }
        });
    }

    /**
     * Asks idle helpers to sleep now instead of spinning out their {@link #SPIN_NANOS}: each does at its next check,
     * a fraction of a microsecond later. Called before a call into OpenBLAS, whose own threads would otherwise share
     * the cores with helpers that have nothing to do.
     */
    static void rest() {
        restRequested = System.nanoTime();
    }

    private static volatile long restRequested = System.nanoTime();

    /** One part handed to a helper; whoever claims it first (the helper, or the caller taking it back) runs it. */
    private static final class Task extends AtomicBoolean {
        final IntConsumer part;
        final int index;
        /** Written before {@link #done}, read after it. */
        Throwable failure;
        volatile boolean done;

        Task(IntConsumer part, int index) {
            this.part = part;
            this.index = index;
        }

        boolean claim() {
            return compareAndSet(false, true);
        }
    }

    /** The helpers, started the first time {@link Workers} is used (a split, or {@link #threads()}). */
    private static final class Pool {
        static final Helper[] HELPERS = start(Runtime.getRuntime().availableProcessors() - 1);

        private static Helper[] start(int count) {
            Helper[] helpers = new Helper[Math.max(0, count)];
            for (int i = 0; i < helpers.length; i++) {
                helpers[i] = new Helper("mubench-worker-" + (i + 1));
                helpers[i].start();
            }
            return helpers;
        }
    }

    /** A daemon thread that runs one task at a time, spinning between tasks, then sleeping. */
    private static final class Helper extends Thread {
        private final AtomicReference<Task> slot = new AtomicReference<>();
        private volatile boolean sleeping;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        /** Takes {@code task} if this helper has none; false (the caller runs it) when busy. */
        boolean offer(Task task) {
            if (!slot.compareAndSet(null, task)) {
                return false;
            }
            if (sleeping) { // read after the slot is set: either it sees the task before sleeping or this wakes it
                LockSupport.unpark(this);
            }
            return true;
        }

        /** Takes back {@code task} if this helper has not started it (the caller then runs it). */
        boolean takeBack(Task task) {
            if (!task.claim()) {
                return false;
            }
            slot.compareAndSet(task, null);
            return true;
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Task task = slot.get();
                if (task != null) {
                    boolean mine = task.claim();
                    if (mine) {
                        try {
                            task.part.accept(task.index);
                        } catch (Throwable t) {
                            task.failure = t;
                        }
                    }
                    slot.compareAndSet(task, null); // free before done: the caller's next split may hand this helper a part at once
                    idleSince = System.nanoTime(); // before done: a rest() its caller asks for right after counts
                    if (mine) {
                        task.done = true;
                    }
                } else if (System.nanoTime() - idleSince > SPIN_NANOS || restRequested - idleSince > 0) {
                    sleeping = true;
                    if (slot.get() == null) {
                        LockSupport.park(this);
                        Thread.interrupted(); // a part's stray interrupt must not make every later park return at once
                    }
                    sleeping = false; // idleSince stays: woken with nothing to do (a part taken back), it sleeps again
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
