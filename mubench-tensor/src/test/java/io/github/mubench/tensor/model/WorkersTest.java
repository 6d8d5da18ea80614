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

/**
 * {@link Workers}: every part runs exactly once and has ended when the call returns (a slow part included), a failure
 * comes back to the caller only after every part ended, and callers on several threads at once each get their own
 * parts run, with no deadlock when the helpers are busy with another caller's.
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

    @Test
    void callersOnSeveralThreadsEachGetTheirOwnParts() throws InterruptedException {
        int callers = 4, calls = 2000, parts = Workers.threads() + 1;
        long[] failures = new long[callers];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < callers; t++) {
            int caller = t;
            Thread thread = new Thread(() -> {
                for (int call = 0; call < calls; call++) {
                    int[] out = new int[parts];
                    int base = caller * calls + call;
                    Workers.run(parts, i -> out[i] = base + i);
                    for (int i = 0; i < parts; i++) {
                        failures[caller] += out[i] == base + i ? 0 : 1;
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
            assertEquals(0, failures[t], "caller " + t + ": parts not run or not visible when its call returned");
        }
    }
}
