package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Scheduler;
import co.api.spi.CoRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CoRuntime#compute}: the work runs exactly once and its effects and failures reach the
 * caller; on affine, an idle scheduler takes a busy scheduler's work, a busy scheduler still takes
 * work that waited too long, and the caller's coroutine never leaves its scheduler.
 */
@Timeout(60)
class ComputeTest {

    private final List<CoRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void stop() {
        runtimes.forEach(CoRuntime::stop);
    }

    private CoRuntime runtime(String provider, int n) {
        CoRuntime rt = Runtimes.create(provider, n);
        runtimes.add(rt);
        return rt;
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void manyCoroutinesComputeEachWorkExactlyOnceAndSeeItsEffects(String provider) throws Exception {
        CoRuntime rt = runtime(provider, 2);
        int coroutines = 200;
        int each = 20;
        AtomicInteger runs = new AtomicInteger();
        List<String> bad = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(coroutines);
        for (int c = 0; c < coroutines; c++) {
            rt.go(() -> {
                int scheduler = Co.schedulerId();
                for (int i = 0; i < each; i++) {
                    long[] cell = new long[1];
                    int value = i;
                    // A plain field written by the work: compute must publish it to the caller.
                    rt.compute(() -> {
                        cell[0] = value + 1;
                        runs.incrementAndGet();
                    });
                    if (cell[0] != value + 1) {
                        bad.add("lost the work's write: " + cell[0]);
                    }
                    if (Co.schedulerId() != scheduler) {
                        bad.add("the caller moved from scheduler " + scheduler + " to " + Co.schedulerId());
                    }
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), bad);
        assertEquals(coroutines * each, runs.get());
    }

    @Test
    void onAPlainThreadAndOnOneSchedulerTheWorkRunsInline() throws Exception {
        Thread self = Thread.currentThread();
        Thread[] ran = new Thread[1];
        CoRuntime two = runtime("affine", 2);
        two.compute(() -> ran[0] = Thread.currentThread());
        assertSame(self, ran[0]);

        CoRuntime one = runtime("affine", 1);
        boolean inline = Runtimes.on(one.schedulers().get(0), () -> {
            Thread caller = Thread.currentThread();
            Thread[] seen = new Thread[1];
            one.compute(() -> seen[0] = Thread.currentThread());
            return seen[0] == caller;
        });
        assertTrue(inline, "one scheduler: nowhere else to run it");
    }

    /**
     * Scheduler 0 is held by a coroutine that spins until the work has run, so only scheduler 1 can
     * run it: asleep when the work is queued, it must be woken and take it. The caller resumes on
     * its own scheduler.
     */
    @Test
    void anIdleSchedulerRunsTheWorkOfABusyOne() throws Exception {
        // Scheduler 0 must never take its own work as overdue here: on a loaded machine it could reach
        // its loop more than the default 1 ms after the work was queued, hand the work back to its
        // caller and then run the spinner, which waits for that work for ever. With a limit no run
        // reaches, only the idle scheduler (woken by the queuing) can run the work.
        CoRuntime rt;
        System.setProperty("co.compute_wait_us", "600000000");
        try {
            rt = runtime("affine", 2);
        } finally {
            System.clearProperty("co.compute_wait_us");
        }
        Scheduler zero = rt.schedulers().get(0);
        // Let scheduler 1 pass its short idle spin and block in select, as an idle scheduler does:
        // then only the wake-up that queuing the work owes it can make it run the work. (The pause
        // decides nothing else: with or without it, the work must run on scheduler 1.)
        Thread.sleep(100);
        AtomicBoolean ran = new AtomicBoolean();
        int[] ranOn = {-1};
        int resumedOn = Runtimes.on(zero, () -> {
            zero.go(spinUntil(ran));
            rt.compute(() -> {
                ranOn[0] = Co.schedulerId();
                ran.set(true);
            });
            return Co.schedulerId();
        });
        assertEquals(1, ranOn[0], "the work ran on the idle scheduler");
        assertEquals(0, resumedOn, "the caller stays on its scheduler");
    }

    /**
     * Both schedulers stay busy (one spins, the other keeps yielding) until the work has run: no
     * scheduler is ever idle, so the work runs only because it waited past the limit.
     */
    @Test
    void workThatWaitedTooLongIsTakenEvenByABusyScheduler() throws Exception {
        CoRuntime rt = runtime("affine", 2);
        Scheduler zero = rt.schedulers().get(0);
        Scheduler one = rt.schedulers().get(1);
        AtomicBoolean ran = new AtomicBoolean();
        CountDownLatch spinning = new CountDownLatch(1);
        one.go(() -> {
            spinning.countDown();
            spinUntil(ran).run();
        });
        assertTrue(spinning.await(10, TimeUnit.SECONDS));
        int ranOn = Runtimes.on(zero, () -> {
            zero.go(() -> {
                while (!ran.get()) {
                    Thread.yield();
                }
            });
            int[] seen = {-1};
            rt.compute(() -> {
                seen[0] = Co.schedulerId();
                ran.set(true);
            });
            return seen[0];
        });
        assertEquals(0, ranOn, "only the busy, yielding scheduler could take it");
    }

    /** A coroutine body that holds its scheduling thread, spinning, until {@code done} is set. */
    private static Runnable spinUntil(AtomicBoolean done) {
        return () -> {
            while (!done.get()) {
                Thread.onSpinWait();
            }
        };
    }

    private static Runnable recordSchedulerId(int[] into) {
        return () -> into[0] = Co.schedulerId();
    }

    /** The runtime {@link ComputesWhileInitializing} uses (a field of its own would initialize it). */
    static volatile CoRuntime initializerRuntime;

    /** Computes in its static initializer, on {@link #initializerRuntime}. */
    static final class ComputesWhileInitializing {
        static final int RAN_ON;

        static {
            int[] seen = {-1};
            // The work is made outside this class: code of a class being initialized cannot run on
            // another thread until the initialization ends.
            initializerRuntime.compute(recordSchedulerId(seen));
            RAN_ON = seen[0];
        }
    }

    /**
     * A coroutine that waits inside a class initializer is pinned: its wait holds the scheduling
     * thread itself, so its own scheduler can never take the work, and with one job queued and
     * nothing else to run no other scheduler was woken. The owner must wake one itself.
     */
    @Test
    void aCallerPinnedToItsThreadStillGetsItsWorkDone() throws Exception {
        CoRuntime rt = runtime("affine", 2);
        initializerRuntime = rt;
        // Let scheduler 1 block in select, as an idle scheduler does (see anIdleSchedulerRuns...).
        Thread.sleep(100);
        int ranOn = Runtimes.on(rt.schedulers().get(0), () -> ComputesWhileInitializing.RAN_ON);
        assertEquals(1, ranOn, "only the other scheduler could run it");
    }

    @Test
    void whatTheWorkThrowsReachesTheCallerOnEitherScheduler() throws Exception {
        CoRuntime rt = runtime("affine", 2);
        Scheduler zero = rt.schedulers().get(0);
        // Run by the caller itself (its scheduler is idle).
        String own = Runtimes.on(zero, () -> assertThrows(IllegalStateException.class,
                () -> rt.compute(() -> {
                    throw new IllegalStateException("own");
                })).getMessage());
        assertEquals("own", own);
        // Run by the other scheduler while this one is held.
        AtomicBoolean ran = new AtomicBoolean();
        String other = Runtimes.on(zero, () -> {
            zero.go(spinUntil(ran));
            return assertThrows(AssertionError.class, () -> rt.compute(() -> {
                ran.set(true);
                throw new AssertionError("other " + Co.schedulerId());
            })).getMessage();
        });
        assertEquals("other 1", other);
        // A checked exception thrown sneakily is not lost either: it arrives wrapped.
        AtomicBoolean sneaked = new AtomicBoolean();
        Throwable cause = Runtimes.on(zero, () -> {
            zero.go(spinUntil(sneaked));
            return assertThrows(java.lang.reflect.UndeclaredThrowableException.class, () -> rt.compute(() -> {
                sneaked.set(true);
                ComputeTest.<RuntimeException>sneakyThrow(new java.io.IOException("checked"));
            })).getCause();
        });
        assertEquals("checked", cause.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
