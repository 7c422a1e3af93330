package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Semaphore;
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
class EventTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    @Test
    void signalWithNoWaiterLetsExactlyOneAwaitThroughOnAnAutoResetEvent() {
        Event ev = new Event();
        assertFalse(ev.await(0));
        ev.signal();
        ev.signal(); // signals do not accumulate
        assertTrue(ev.await(0));
        assertFalse(ev.await(0));
    }

    @Test
    void manualResetEventStaysSignaledUntilReset() {
        Event ev = new Event(true, false);
        assertFalse(ev.await(0));
        ev.signal();
        assertTrue(ev.await(0));
        assertTrue(ev.await(10));
        ev.await();
        ev.reset();
        assertFalse(ev.await(0));
    }

    @Test
    void initiallySignaledEvent() {
        assertTrue(new Event(false, true).await(0));
        Event manual = new Event(true, true);
        assertTrue(manual.await(0));
        assertTrue(manual.await(0));
    }

    @Test
    void resetClearsAPendingAutoResetSignal() {
        Event ev = new Event();
        ev.signal();
        ev.reset();
        assertFalse(ev.await(0));
    }

    @Test
    void timedAwaitReturnsFalseAfterTheTimeoutAndLeavesNoWaiter() {
        Event ev = new Event();
        long start = System.nanoTime();
        assertFalse(ev.await(50));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
        assertEquals(0, ev.queued());
        ev.signal();
        assertTrue(ev.await(0), "the signal after a timeout is kept for the next await");
    }

    @Test
    void anInterruptDoesNotEndAWaitAndIsKept() {
        Event ev = new Event();
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        assertFalse(ev.await(30));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "waited the full timeout");
        assertTrue(Thread.interrupted(), "the interrupt status is restored");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void signalWakesEveryWaiterAndIsConsumed(Modes.Mode mode) {
        Event ev = new Event();
        int n = mode.manyTasks() ? 200 : 8;
        AtomicInteger woken = new AtomicInteger();
        Modes.Tasks tasks = mode.start(n, i -> {
            if (i % 2 == 0) {
                ev.await();
            } else {
                assertTrue(ev.await(60_000));
            }
            woken.incrementAndGet();
        });
        Modes.until(() -> ev.queued() == n);
        assertEquals(0, woken.get());
        ev.signal();
        tasks.join();
        assertEquals(n, woken.get());
        assertFalse(ev.await(0), "an auto-reset signal that woke waiters is consumed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void manualResetSignalReleasesWaitersAndLaterComers(Modes.Mode mode) {
        Event ev = new Event(true, false);
        int n = mode.manyTasks() ? 100 : 6;
        Modes.Tasks first = mode.start(n, i -> ev.await());
        Modes.until(() -> ev.queued() == n);
        ev.signal();
        first.join();
        mode.runAll(n, i -> assertTrue(ev.await(0)));
    }

    /**
     * Pairs of (waiter, signaler): the waiter awaits with tiny random timeouts (0 to 20 us) so that
     * timeouts constantly race with signals; the signaler signals once per round after a random
     * spin. A lost signal leaves the waiter timing out until its deadline; a doubled one leaves a
     * pending signal at the end. Half the pairs share a scheduler, half cross schedulers.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void timedAwaitRacingSignalNeverLosesOrDuplicatesIt(Modes.Mode mode) {
        int pairs = mode.manyTasks() ? 8 : 4;
        int rounds = Stress.scale(4_000);
        Event[] events = new Event[pairs];
        Semaphore[] acks = new Semaphore[pairs];
        AtomicInteger timeouts = new AtomicInteger();
        for (int p = 0; p < pairs; p++) {
            events[p] = new Event();
            acks[p] = new Semaphore(0);
        }
        mode.runAll(2 * pairs, i -> {
            int p = Stress.pairOf(i, pairs);
            Event ev = events[p];
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (Stress.isFirstOfPair(i, pairs)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int r = 0; r < rounds; r++) {
                    while (!ev.await0(random.nextLong(20_000))) {
                        timeouts.incrementAndGet();
                        if (System.nanoTime() - deadline > 0) {
                            fail("lost wake-up: round " + r + " never saw its signal");
                        }
                    }
                    acks[p].release();
                }
            } else {
                for (int r = 0; r < rounds; r++) {
                    Stress.spin(random.nextLong(20_000));
                    ev.signal();
                    try {
                        assertTrue(acks[p].tryAcquire(25, TimeUnit.SECONDS), "waiter gave up");
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        });
        for (Event ev : events) {
            assertFalse(ev.await(0), "a signal was delivered twice");
            assertEquals(0, ev.queued());
        }
        assertTrue(timeouts.get() > 0, "the test must exercise timeouts");
    }
}
