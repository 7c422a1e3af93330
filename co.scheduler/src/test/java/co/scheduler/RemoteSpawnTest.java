package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.RuntimeMetrics;
import co.api.Scheduler;
import co.api.spi.CoRuntime;
import co.api.spi.Introspectable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spawning onto an affine scheduler from other threads: {@code go} from a plain thread hands the
 * task over and the scheduling thread creates the coroutine, up to a backlog bound past which the
 * spawner creates it itself (see {@code AffineScheduler.go}). Each test first holds the one
 * scheduling thread with a spinning coroutine, so that every spawn of the test is queued before any
 * runs and both paths are taken for certain.
 *
 * <p>Where a coroutine was created is read from its thread id: the JDK numbers threads in the order
 * of their creation, so a coroutine the scheduler created after the hold ended has an id above that
 * of a thread made at the end of the hold, and one the spawner created during the hold has a lower
 * one.
 */
@Timeout(60)
class RemoteSpawnTest {

    /** {@code AffineScheduler.REMOTE_SPAWN_BOUND}. */
    private static final int BOUND = 4096;
    /** The bound is checked at every 16th spawn of a scheduler. */
    private static final int CHECK_EVERY = 16;

    /** Holds the runtime's one scheduling thread until released (a coroutine that spins). */
    private static final class Hold implements AutoCloseable {
        private final AtomicBoolean released = new AtomicBoolean();
        private final CountDownLatch running = new CountDownLatch(1);
        private volatile String carrier;

        Hold(Scheduler s) throws InterruptedException {
            s.go(() -> {
                carrier = Runtimes.carrier();
                running.countDown();
                while (!released.get()) {
                    Thread.onSpinWait();
                }
            });
            assertTrue(running.await(30, TimeUnit.SECONDS), "the holding coroutine did not start");
        }

        /** The scheduling thread the hold runs on. */
        Thread carrierThread() {
            return threadNamed(carrier);
        }

        /** Ends the hold and returns the id of a thread made just before it ends. */
        long release() {
            long marker = new Thread(() -> { }).threadId();
            released.set(true);
            return marker;
        }

        @Override
        public void close() {
            released.set(true);
        }
    }

    @Test
    void oneThreadsSpawnsRunInOrderAndAreCreatedByTheSchedulingThread() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 1);
        try {
            Scheduler s = rt.schedulers().get(0);
            int n = 3 * BOUND;
            long[] threadIds = new long[n];
            List<Integer> order = new ArrayList<>(n); // touched only on the one scheduling thread
            CountDownLatch done = new CountDownLatch(n);
            long marker;
            try (Hold hold = new Hold(s)) {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    s.go(() -> {
                        order.add(k);
                        threadIds[k] = Thread.currentThread().threadId();
                        done.countDown();
                    });
                }
                marker = hold.release();
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "not all ran: " + done.getCount() + " left");
            for (int i = 0; i < n; i++) {
                assertEquals(i, order.get(i), "the coroutines did not begin in the order of go");
            }
            // Past the bound the spawner waited once for the held scheduler, found it stuck and went
            // on queueing: go returned although nothing ran, and every coroutine was still made
            // by the scheduling thread once it was free.
            assertEquals(n, countAbove(threadIds, marker), "coroutines created by the scheduling thread");
            RuntimeMetrics m = ((Introspectable) rt).metrics();
            assertEquals(n + 1, m.spawned());
        } finally {
            rt.stop();
        }
    }

    @Test
    void severalSpawnersKeepTheirOwnOrder() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 1);
        try {
            Scheduler s = rt.schedulers().get(0);
            int producers = 4;
            int each = BOUND;
            long[][] threadIds = new long[producers][each];
            int[][] order = new int[producers][each];
            int[] seen = new int[producers]; // touched only on the one scheduling thread
            CountDownLatch done = new CountDownLatch(producers * each);
            long marker;
            try (Hold hold = new Hold(s)) {
                List<Thread> spawners = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    int q = p;
                    spawners.add(Thread.ofPlatform().name("spawner-" + p).start(() -> {
                        for (int i = 0; i < each; i++) {
                            int k = i;
                            s.go(() -> {
                                order[q][seen[q]++] = k;
                                threadIds[q][k] = Thread.currentThread().threadId();
                                done.countDown();
                            });
                        }
                    }));
                }
                for (Thread t : spawners) {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                    assertFalse(t.isAlive(), t.getName() + " did not finish");
                }
                marker = hold.release();
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "not all ran: " + done.getCount() + " left");
            int byScheduler = 0;
            for (int p = 0; p < producers; p++) {
                assertEquals(each, seen[p]);
                for (int i = 0; i < each; i++) {
                    assertEquals(i, order[p][i], "spawner " + p + "'s coroutines did not begin in its order");
                }
                byScheduler += countAbove(threadIds[p], marker);
            }
            assertEquals(producers * each, byScheduler, "coroutines created by the scheduling thread");
        } finally {
            rt.stop();
        }
    }

    @Test
    void anExceptionInAHandedOverCoroutineReachesTheHandler() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 1);
        AtomicInteger reported = new AtomicInteger();
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(2);
        Co.setUncaughtExceptionHandler((t, e) -> {
            if (e.getMessage().startsWith("boom")) {
                reported.incrementAndGet();
                all.countDown();
            }
        });
        try {
            Scheduler s = rt.schedulers().get(0);
            CountDownLatch after = new CountDownLatch(1);
            try (Hold hold = new Hold(s)) {
                s.go(() -> {
                    ids.add(Co.coroutineId());
                    throw new IllegalStateException("boom 1");
                });
                s.go(() -> {
                    ids.add(Co.coroutineId());
                    throw new IllegalStateException("boom 2");
                });
                s.go(after::countDown);
                hold.release();
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "reported: " + reported.get());
            assertTrue(after.await(30, TimeUnit.SECONDS), "the scheduler did not go on");
            // Ids as go numbered them: the hold is 0 on the one scheduler.
            assertEquals(List.of(1L, 2L), ids);
        } finally {
            Co.setUncaughtExceptionHandler(null);
            rt.stop();
        }
    }

    @Test
    void stopWithHandedOverCoroutinesQueuedDropsThemAndEndsTheScheduler() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 2);
        Scheduler s0 = rt.schedulers().get(0);
        Scheduler s1 = rt.schedulers().get(1);
        AtomicInteger ran = new AtomicInteger();
        int n = 1_000;
        Thread schedulingThread;
        Thread otherThread;
        try (Hold hold = new Hold(s0)) {
            for (int i = 0; i < n; i++) {
                s0.go(ran::incrementAndGet);
            }
            assertEquals(n + 1, ((Introspectable) rt).metrics().spawned());
            // stop() in a coroutine returns at once (it cannot wait for its own thread): the
            // runtime is stopped while scheduler 0 still holds its n handed-over coroutines.
            schedulingThread = hold.carrierThread();
            otherThread = threadNamed(Runtimes.on(s1, Runtimes::carrier));
            Runtimes.on(s1, () -> {
                rt.stop();
                return null;
            });
            assertTrue(rt.isStopped());
            hold.release();
        }
        for (Thread t : List.of(schedulingThread, otherThread)) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), t.getName() + " did not end after stop");
        }
        assertEquals(0, ran.get(), "a coroutine queued before stop ran after it");
        assertThrows(IllegalStateException.class, () -> s0.go(ran::incrementAndGet));
        RuntimeMetrics m = ((Introspectable) rt).metrics();
        // The hold, the n queued ones, the coroutine that named its carrier and the one that called
        // stop; the refused go is not counted.
        assertEquals(n + 3, m.spawned());
        assertEquals(3, m.finished(), "only the hold and the two coroutines on scheduler 1 ended: " + m);
    }

    /**
     * A spawner faster than its scheduler waits for it: the coroutines with an id that have not
     * ended never number more than the bound and one check interval, plus the one running and the
     * one just queued.
     */
    @Test
    void aSpawnerFasterThanTheSchedulerIsHeldAtTheBound() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 1);
        try {
            int n = 12 * BOUND;
            CountDownLatch done = new CountDownLatch(n);
            Runnable slow = () -> {
                // About 5 µs of work: the scheduler runs far fewer a second than go can queue.
                long end = System.nanoTime() + 5_000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                done.countDown();
            };
            Scheduler s = rt.schedulers().get(0);
            long worst = 0;
            for (int i = 0; i < n; i++) {
                s.go(slow);
                if ((i & 63) == 0) {
                    worst = Math.max(worst, ((Introspectable) rt).metrics().schedulers().get(0).coroutines());
                }
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), "not all ran: " + done.getCount() + " left");
            assertTrue(worst > BOUND / 2, "the spawner never got ahead, the test proves nothing: " + worst);
            assertTrue(worst <= BOUND + CHECK_EVERY + 2, "coroutines waiting to run: " + worst);
        } finally {
            rt.stop();
        }
    }

    /**
     * A coroutine started from a plain thread has what a thread started there would have: that
     * thread's context class loader and inheritable thread-locals, and not those of the thread
     * that made the runtime (whose scheduling threads create handed-over coroutines).
     */
    @Test
    void aHandedOverCoroutineInheritsFromItsSpawnerOnly() throws Exception {
        InheritableThreadLocal<String> tag = new InheritableThreadLocal<>();
        CoRuntime[] made = new CoRuntime[1];
        Thread maker = Thread.ofPlatform().start(() -> {
            tag.set("runtime maker");
            made[0] = Runtimes.create("affine", 1);
        });
        maker.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(maker.isAlive());
        CoRuntime rt = made[0];
        try {
            Scheduler s = rt.schedulers().get(0);
            ClassLoader mine = new ClassLoader(getClass().getClassLoader()) { };
            List<String> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(2);
            Runnable look = () -> {
                seen.add(tag.get() + " " + (Thread.currentThread().getContextClassLoader() == mine));
                done.countDown();
            };
            Thread plain = Thread.ofPlatform().inheritInheritableThreadLocals(false).unstarted(() -> s.go(look));
            plain.setContextClassLoader(mine);
            plain.start();
            plain.join(TimeUnit.SECONDS.toMillis(30));
            Thread tagged = Thread.ofPlatform().unstarted(() -> {
                tag.set("spawner");
                s.go(look);
            });
            tagged.setContextClassLoader(mine);
            tagged.start();
            tagged.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(List.of("null true", "spawner true"), seen);
        } finally {
            rt.stop();
        }
    }

    private static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name);
    }

    private static int countAbove(long[] ids, long marker) {
        int c = 0;
        for (long id : ids) {
            if (id > marker) {
                c++;
            }
        }
        return c;
    }
}
