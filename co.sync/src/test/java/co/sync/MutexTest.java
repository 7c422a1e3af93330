package co.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MutexTest {

    @RegisterExtension
    static final Modes MODES = new Modes();

    static Stream<Modes.Mode> modes() {
        return MODES.all();
    }

    @Test
    void tryLockSucceedsOnlyWhenFree() {
        Mutex m = new Mutex();
        assertFalse(m.isLocked());
        assertTrue(m.tryLock());
        assertTrue(m.isLocked());
        assertFalse(m.tryLock(), "not reentrant");
        m.unlock();
        assertFalse(m.isLocked());
        m.lock();
        assertFalse(m.tryLock());
        m.unlock();
    }

    @Test
    void unlockingAnUnlockedMutexThrows() {
        Mutex m = new Mutex();
        assertThrows(IllegalStateException.class, m::unlock);
        m.lock();
        m.unlock();
        assertThrows(IllegalStateException.class, m::unlock);
    }

    @Test
    void guardLocksAndUnlocksOnce() {
        Mutex m = new Mutex();
        try (MutexGuard g = new MutexGuard(m)) {
            assertSame(m, g.mutex());
            assertTrue(m.isLocked());
            g.close();
            assertFalse(m.isLocked());
            assertTrue(m.tryLock(), "a second close must not unlock someone else's hold");
        }
        assertTrue(m.isLocked());
        m.unlock();
        assertThrows(NullPointerException.class, () -> new MutexGuard(null));
    }

    /**
     * Fair hand-off: when the holder unlocks while someone waits, the lock goes to the waiter
     * directly, so a barging tryLock (or lock) right after the unlock fails.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void unlockHandsTheLockToTheWaiterNotToABarger(Modes.Mode mode) {
        Mutex m = new Mutex();
        m.lock();
        Event release = new Event();
        Modes.Tasks waiter = mode.start(1, i -> {
            m.lock();
            release.await();
            m.unlock();
        });
        Modes.until(() -> m.queued() == 1);
        m.unlock();
        assertFalse(m.tryLock(), "the lock was handed to the waiter");
        assertTrue(m.isLocked());
        release.signal();
        waiter.join();
        assertTrue(m.tryLock());
        m.unlock();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void waitersGetTheLockInArrivalOrder(Modes.Mode mode) {
        Mutex m = new Mutex();
        int n = 5;
        List<Integer> order = new CopyOnWriteArrayList<>();
        m.lock();
        Modes.Tasks[] tasks = new Modes.Tasks[n];
        for (int k = 0; k < n; k++) {
            int id = k;
            tasks[k] = mode.start(1, i -> {
                try (MutexGuard g = new MutexGuard(m)) {
                    order.add(id);
                }
            });
            Modes.until(() -> m.queued() == id + 1);
        }
        m.unlock();
        for (Modes.Tasks t : tasks) {
            t.join();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertFalse(m.isLocked());
    }

    /**
     * Two parties in tight lock/unlock loops: the queue goes from empty to one waiter and back on
     * nearly every turn, so a waiter keeps arriving while the holder releases. That is the race the
     * release protocol must win (the unlocker sees the waiter, or the waiter sees the lock free); a
     * waiter stranded in the queue of a free lock hangs this test until its timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void aWaiterArrivingDuringAnUnlockIsNeverStranded(Modes.Mode mode) {
        Mutex m = new Mutex();
        int perTask = Stress.scale(200_000);
        long[] counter = {0};
        mode.runAll(2, i -> {
            for (int k = 0; k < perTask; k++) {
                m.lock();
                counter[0]++;
                m.unlock();
            }
        });
        assertEquals(2L * perTask, counter[0]);
        assertFalse(m.isLocked());
        assertEquals(0, m.queued());
        assertTrue(m.tryLock(), "free, and nobody queued");
        m.unlock();
    }

    /** Counter exactness: a plain (non-atomic) counter incremented under the mutex by many tasks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void counterIsExactUnderContention(Modes.Mode mode) {
        Mutex m = new Mutex();
        int tasks = mode.manyTasks() ? 64 : 8;
        int perTask = Stress.scale(400_000) / tasks;
        long[] counter = {0};
        int[] inside = {0};
        mode.runAll(tasks, i -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int k = 0; k < perTask; k++) {
                boolean locked = random.nextInt(4) == 0 && m.tryLock();
                if (!locked) {
                    m.lock();
                }
                try {
                    inside[0]++;
                    if (inside[0] != 1) {
                        throw new AssertionError("two holders at once");
                    }
                    counter[0]++;
                    if (random.nextInt(64) == 0) {
                        Thread.yield(); // a holder that is descheduled while holding
                    }
                    inside[0]--;
                } finally {
                    m.unlock();
                }
            }
        });
        // The last unlock happens-before this read through the latch in runAll.
        assertEquals((long) tasks * perTask, counter[0]);
        assertFalse(m.isLocked());
        assertEquals(0, m.queued());
    }
}
