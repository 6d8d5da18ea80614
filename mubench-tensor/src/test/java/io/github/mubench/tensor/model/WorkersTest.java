package io.github.mubench.tensor.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Workers}: every part runs exactly once and has ended when the call returns (a slow part included), a split
 * covers every index once with each part number on one thread, a failure
 * comes back to the caller only after every part ended, a sleeping helper wakes for the next split, and callers on
 * several threads at once each get their own parts run once, with no deadlock when the helpers are busy with another
 * caller's.
 */
@Timeout(60)
class WorkersTest {
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyPartRunsOnceAndHasEndedWhenTheCallReturns() {
        for (int parts : new int[]{1, 2, Workers.threads(), Workers.threads() + 3}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(parts);
            int[] written = new int[parts];
            Workers.run(parts, i -> {
                // the caller's part lasts long enough for a sleeping helper to wake and take part 1, which ends long after
                sleep(i == 0 ? 5 : i == 1 ? 30 : 0);
                written[i] = i + 1;
                runs.incrementAndGet(i);
            });
            for (int i = 0; i < parts; i++) {
                assertEquals(1, runs.get(i), "part " + i + " of " + parts);
                assertEquals(i + 1, written[i], "part " + i + " of " + parts + " had not ended");
            }
        }
    }

    @Test
    void aSplitCoversEveryIndexOnceWithEachThreadsOwnPartNumber() {
        for (int count : new int[]{0, 1, 2, 3, 7, 16, 1000}) {
            for (int parts : new int[]{1, 2, Workers.threads() + 2}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
                String[] threadOfPart = new String[parts];
                boolean[] clash = new boolean[1];
                Workers.split(count, parts, (part, from, to) -> {
                    synchronized (threadOfPart) { // a part number is one thread's: its scratch is that thread's alone
                        String name = Thread.currentThread().getName();
                        clash[0] |= threadOfPart[part] != null && !threadOfPart[part].equals(name);
                        threadOfPart[part] = name;
                    }
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "index " + i + " of " + count + " on " + parts + " parts");
                }
                assertTrue(!clash[0], "one part number on two threads, " + count + " on " + parts + " parts");
            }
        }
    }

    @Test
    void aFailureComesBackAfterEveryPartEnded() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing : new int[]{0, 1}) {
            boolean[] slowEnded = new boolean[1];
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> Workers.run(2, i -> {
                if (i == failing) {
                    throw boom;
                }
                sleep(30);
                slowEnded[0] = true;
            }));
            assertSame(boom, thrown, "the part's own exception, part " + failing + " failing");
            assertTrue(slowEnded[0], "the other part had ended before the failure came back (part " + failing + " failing)");
        }
    }

    /**
     * A helper that went to sleep (idle longer than it spins, or sent to sleep by {@link Workers#rest()}) wakes for
     * the next split and runs its part: a stale slot or a lost wake-up would leave every part to the caller, which
     * the tests above cannot see.
     */
    @Test
    void aSleepingHelperWakesAndRunsItsPart() {
        assumeTrue(Workers.threads() > 1, "one core: no helper");
        for (boolean rested : new boolean[]{false, true}) {
            for (int round = 0; round < 3; round++) {
                sleep(5); // longer than a helper spins
                if (rested) {
                    Workers.rest();
                }
                String[] ranOn = new String[2];
                Workers.run(2, i -> {
                    ranOn[i] = Thread.currentThread().getName();
                    sleep(i == 0 ? 50 : 0); // time for the helper to wake and claim part 1
                });
                assertTrue(ranOn[1].startsWith("mubench-worker-"), "part 1 ran on " + ranOn[1] + (rested ? " after rest()" : ""));
            }
        }
    }

    @Test
    void callersOnSeveralThreadsEachGetTheirOwnParts() throws InterruptedException {
        int callers = 4, calls = 2000, parts = Workers.threads() + 1;
        long[] failures = new long[callers];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            int caller = t;
            Thread thread = new Thread(() -> {
                for (int call = 0; call < calls; call++) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                    int[] out = new int[parts];
                    int base = caller * calls + call;
                    Workers.run(parts, i -> {
                        out[i] = base + i;
                        runs.incrementAndGet(i);
                    });
                    for (int i = 0; i < parts; i++) {
                        failures[caller] += out[i] == base + i && runs.get(i) == 1 ? 0 : 1;
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (int t = 0; t < callers; t++) {
            assertEquals(0, failures[t], "caller " + t + ": parts not run exactly once or not visible when its call returned");
        }
    }
}
