package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitGroupTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    static Stream<Modes.Mode> coroutineModes() {
        return MODES.coroutines();
    }

    @Test
    void awaitReturnsAtOnceWhenTheCounterIsZero() {
        WaitGroup wg = new WaitGroup();
        assertEquals(0, wg.count());
        wg.await();
        assertTrue(wg.await(0));
    }

    @Test
    void addAndDoneMoveTheCounter() {
        WaitGroup wg = new WaitGroup();
        wg.add();
        wg.add(3);
        assertEquals(4, wg.count());
        wg.add(-2);
        wg.done();
        assertEquals(1, wg.count());
        assertFalse(wg.await(0));
        wg.done();
        assertTrue(wg.await(0));
    }

    @Test
    void goingBelowZeroThrowsAndLeavesTheCounterUnchanged() {
        WaitGroup wg = new WaitGroup();
        assertThrows(IllegalStateException.class, wg::done);
        assertEquals(0, wg.count());
        wg.add(2);
        assertThrows(IllegalStateException.class, () -> wg.add(-3));
        assertEquals(2, wg.count());
    }

    @Test
    void overflowThrows() {
        WaitGroup wg = new WaitGroup();
        wg.add(Integer.MAX_VALUE);
        assertThrows(IllegalStateException.class, wg::add);
        assertEquals(Integer.MAX_VALUE, wg.count());
    }

    @Test
    void timedAwaitReturnsFalseAfterTheTimeoutAndLeavesNoWaiter() {
        WaitGroup wg = new WaitGroup();
        wg.add();
        long start = System.nanoTime();
        assertFalse(wg.await(30));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
        assertEquals(0, wg.queued());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void reachingZeroWakesEveryWaiter(Modes.Mode mode) {
        WaitGroup wg = new WaitGroup();
        wg.add(2);
        int n = mode.manyTasks() ? 100 : 6;
        Modes.Tasks waiters = mode.start(n, i -> {
            if (i % 2 == 0) {
                wg.await();
            } else {
                assertTrue(wg.await(60_000));
            }
        });
        Modes.until(() -> wg.queued() == n);
        wg.done();
        assertEquals(n, wg.queued(), "one done is not enough");
        wg.done();
        waiters.join();
        assertEquals(0, wg.queued());
    }

    @Test
    void aWaiterThatQueuedAfterTheCounterRoseAgainIsNotWokenByTheEarlierZero() {
        WaitGroup wg = new WaitGroup();
        wg.add();
        wg.done();
        wg.add();
        assertFalse(wg.await(20), "counter is 1 again");
        wg.done();
        assertTrue(wg.await(0));
    }

    /** The "100k adds": 100 000 coroutines, each counted by add() before it starts. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("coroutineModes")
    void hundredThousandCoroutines(Modes.Mode mode) {
        int n = 100_000;
        WaitGroup wg = new WaitGroup();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            wg.add();
            mode.go(i, () -> {
                ran.incrementAndGet();
                wg.done();
            });
        }
        assertTrue(wg.await(60_000));
        assertEquals(n, ran.get());
        assertEquals(0, wg.count());
    }

    /**
     * Tasks hammer add/done (100 000 adds in all) while others await with tiny timeouts; the group
     * touches zero many times. Every waiter that queued while the counter was non-zero must come
     * back, and the final await sees zero.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void hundredThousandAddsRacingTimedAwaits(Modes.Mode mode) {
        int workers = 4;
        int waiters = 4;
        int adds = Stress.scale(100_000) / workers;
        WaitGroup wg = new WaitGroup();
        AtomicInteger returned = new AtomicInteger();
        AtomicInteger finishedWorkers = new AtomicInteger();
        mode.runAll(workers + waiters, i -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (i < workers) {
                for (int k = 0; k < adds; k++) {
                    wg.add();
                    if (random.nextInt(8) == 0) {
                        Thread.yield();
                    }
                    wg.done();
                }
                finishedWorkers.incrementAndGet();
            } else {
                for (int k = 0; finishedWorkers.get() < workers; k++) {
                    if (k % 16 == 15) {
                        wg.await(); // untimed: a missed zero would hang here (the last done wakes it)
                        returned.incrementAndGet();
                    } else if (wg.await0(random.nextLong(50_000))) {
                        returned.incrementAndGet();
                    }
                    // An await that finds zero does not park: yield, or this loop would keep a
                    // non-preemptive scheduler from running the workers.
                    Thread.yield();
                }
                assertTrue(wg.await(10_000), "the final zero must release every waiter");
            }
        });
        assertEquals(0, wg.count());
        assertEquals(0, wg.queued());
        assertTrue(returned.get() > 0);
    }
}
