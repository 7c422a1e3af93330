package co.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Scheduler;
import co.api.spi.CoRuntime;
import co.api.spi.SchedulerProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What every scheduler provider must do: the meanings of co's coroutine API, written once against
 * {@link SchedulerProvider} and {@link CoRuntime}. A provider's tests run it by extending the class
 * and naming the provider:
 *
 * <pre>{@code
 * class MySchedulerContractTest extends SchedulerContract {
 *     protected SchedulerProvider provider() { return new MySchedulerProvider(); }
 * }
 * }</pre>
 *
 * <p>The class makes one runtime of {@value #SCHEDULERS} schedulers for all its tests (JUnit's
 * per-class lifecycle) and stops it after the last. Each test waits at most 60 seconds. Tests set
 * and clear the process-wide {@link Co#setUncaughtExceptionHandler uncaught-exception handler}, so a
 * contract class must not run in parallel with other tests that set it.
 *
 * <p>Size note: about 500 lines in one class on purpose: it is the one contract a scheduler
 * provider extends, so each case is a test method here, and splitting them would make a provider
 * extend several classes.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SchedulerContract {

    /** The number of schedulers of the runtime under test. */
    protected static final int SCHEDULERS = 2;

    private static final int N = SCHEDULERS;

    private CoRuntime runtime;

    /** Creates the contract; a subclass names its provider in {@link #provider()}. */
    protected SchedulerContract() {
    }

    /**
     * Returns the provider under test; called once, before the first test. It must be available.
     *
     * @return the provider
     */
    protected abstract SchedulerProvider provider();

    /**
     * Returns the runtime under test, made with {@code provider().create(SCHEDULERS)} on first use.
     *
     * @return the running runtime
     */
    protected final synchronized CoRuntime runtime() {
        if (runtime == null) {
            SchedulerProvider p = provider();
            if (!p.isAvailable()) {
                throw new IllegalStateException("scheduler provider " + p.name() + " unavailable", p.unavailabilityCause());
            }
            runtime = p.create(N);
        }
        return runtime;
    }

    /** Stops the runtime after the last test of the class. */
    @AfterAll
    protected final synchronized void stopRuntime() {
        if (runtime != null) {
            runtime.stop();
            runtime = null;
        }
    }

    /**
     * Runs {@code body} in a new coroutine of {@code rt} and waits up to 30 seconds for its result.
     *
     * @param rt the runtime
     * @param body the code
     * @param <T> its result type
     * @return its result
     * @throws Exception what {@code body} threw, wrapped in an {@code ExecutionException}, or a timeout
     */
    protected static <T> T call(CoRuntime rt, Supplier<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        rt.go(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Coroutine ids are unique and {@code id % schedulerNum() == schedulerId()}.
     *
     * @throws Exception on a failure
     */
    @Test
    public void idsFollowTheLinearRelationAndAreUnique() throws Exception {
        CoRuntime rt = runtime();
        int count = 2_000;
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<String> bad = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            rt.go(() -> {
                long id = Co.coroutineId();
                int sid = Co.schedulerId();
                if (id % Co.schedulerNum() != sid || sid < 0 || sid >= N || !ids.add(id)) {
                    bad.add("id " + id + " on scheduler " + sid);
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), bad);
        assertEquals(count, ids.size());
        assertEquals(N, rt.schedulers().size());
    }

    /**
     * Outside a coroutine the ids are -1 and there is no current scheduler.
     */
    @Test
    public void outsideACoroutineIdsAreMinusOne() {
        runtime();
        assertEquals(-1, Co.coroutineId());
        assertEquals(-1, Co.schedulerId());
        assertNull(Co.scheduler());
    }

    /**
     * {@code Scheduler.go} runs the coroutine on that scheduler.
     *
     * @throws Exception on a failure
     */
    @Test
    public void schedulerGoRunsOnThatScheduler() throws Exception {
        CoRuntime rt = runtime();
        for (Scheduler s : rt.schedulers()) {
            CountDownLatch done = new CountDownLatch(100);
            List<String> bad = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 100; i++) {
                s.go(() -> {
                    if (Co.scheduler() != s || Co.schedulerId() != s.id()) {
                        bad.add("ran on " + Co.schedulerId());
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(List.of(), bad);
        }
    }

    /**
     * The {@code go} forms with arguments pass them; {@code Co.go} in a coroutine uses its runtime.
     *
     * @throws Exception on a failure
     */
    @Test
    public void goFormsPassTheirArguments() throws Exception {
        CoRuntime rt = runtime();
        CountDownLatch done = new CountDownLatch(2);
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicInteger sum = new AtomicInteger();
        Scheduler s = rt.nextScheduler();
        s.go((String p) -> {
            seen.set(p);
            done.countDown();
        }, "seven");
        rt.go(() -> {
            // Co.go inside a coroutine uses the coroutine's own runtime.
            Co.go((Integer a, Integer b) -> {
                sum.set(a + b);
                done.countDown();
            }, 3, 4);
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals("seven", seen.get());
        assertEquals(7, sum.get());
    }

    /**
     * {@code Co.sleep} never wakes before the time asked.
     *
     * @throws Exception on a failure
     */
    @Test
    public void sleepWakesNoEarlierThanAsked() throws Exception {
        CoRuntime rt = runtime();
        int sleepers = 200;
        List<Long> early = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(sleepers);
        for (int i = 0; i < sleepers; i++) {
            long ms = 5 + (i % 20);
            rt.go(() -> {
                long t0 = System.nanoTime();
                Co.sleep(ms);
                long took = System.nanoTime() - t0;
                if (took < ms * 1_000_000L) {
                    early.add(took);
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), early);
    }

    /**
     * A million coroutines spawned from coroutines all run.
     *
     * @throws Exception on a failure
     */
    @Test
    public void aMillionCoroutinesSpawnAndFinish() throws Exception {
        CoRuntime rt = runtime();
        int count = 1_000_000;
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        // Spawned from coroutines on every scheduler, as a server would.
        int spawners = N * 4;
        for (int s = 0; s < spawners; s++) {
            rt.go(() -> {
                for (int i = 0; i < count / spawners; i++) {
                    Co.go(() -> {
                        if (ran.incrementAndGet() == count) {
                            done.countDown();
                        }
                    });
                }
            });
        }
        assertTrue(done.await(50, TimeUnit.SECONDS), "ran " + ran.get());
        assertEquals(count, ran.get());
    }

    /**
     * A coroutine's exception or error goes to the handler and every scheduler keeps running.
     *
     * @throws Exception on a failure
     */
    @Test
    public void anExceptionInACoroutineIsReportedAndTheSchedulerGoesOn() throws Exception {
        CoRuntime rt = runtime();
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(2 * N);
        Co.setUncaughtExceptionHandler((t, e) -> {
            seen.add(e);
            reported.countDown();
        });
        try {
            for (Scheduler s : rt.schedulers()) {
                s.go(() -> {
                    throw new IllegalStateException("boom " + Co.schedulerId());
                });
                s.go(() -> {
                    throw new StackOverflowError("deep " + Co.schedulerId());
                });
            }
            assertTrue(reported.await(30, TimeUnit.SECONDS));
            // Every scheduler still runs coroutines, including sleeping ones (timers work).
            for (Scheduler s : rt.schedulers()) {
                CountDownLatch ok = new CountDownLatch(1);
                s.go(() -> {
                    Co.sleep(2);
                    ok.countDown();
                });
                assertTrue(ok.await(30, TimeUnit.SECONDS));
            }
            assertEquals(2 * N, seen.size());
        } finally {
            Co.setUncaughtExceptionHandler(null);
        }
    }

    /**
     * A handler that throws does not stop its scheduler.
     *
     * @throws Exception on a failure
     */
    @Test
    public void aThrowingHandlerDoesNotKillTheScheduler() throws Exception {
        CoRuntime rt = runtime();
        Co.setUncaughtExceptionHandler((t, e) -> {
            throw new RuntimeException("handler fails too");
        });
        try {
            Scheduler s = rt.schedulers().get(0);
            s.go(() -> {
                throw new IllegalArgumentException("first");
            });
            CountDownLatch ok = new CountDownLatch(1);
            s.go(ok::countDown);
            assertTrue(ok.await(30, TimeUnit.SECONDS));
        } finally {
            Co.setUncaughtExceptionHandler(null);
        }
    }

    /**
     * {@code go(null)} throws {@code NullPointerException}.
     */
    @Test
    public void goNullThrows() {
        CoRuntime rt = runtime();
        assertThrows(NullPointerException.class, () -> rt.schedulers().get(0).go(null));
        assertThrows(NullPointerException.class, () -> Co.go((Runnable) null));
    }

    /**
     * The last error ({@code Co.error()}, {@code timeout()}, {@code strerror()}) belongs to one coroutine.
     *
     * @throws Exception on a failure
     */
    @Test
    public void errorStateIsPerCoroutine() throws Exception {
        CoRuntime rt = runtime();
        CountDownLatch set = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        AtomicInteger other = new AtomicInteger(-1);
        rt.go(() -> {
            Co.setLastError(Errno.ETIMEDOUT);
            set.countDown();
            await(checked);
        });
        assertTrue(set.await(30, TimeUnit.SECONDS));
        rt.go(() -> {
            other.set(Co.error());
            checked.countDown();
        });
        assertTrue(checked.await(30, TimeUnit.SECONDS));
        assertEquals(0, other.get());
        boolean[] r = call(rt, () -> {
            Co.setLastError(Errno.ETIMEDOUT);
            boolean a = Co.timeout();
            String text = Co.strerror();
            Co.setLastError(Errno.ECONNRESET);
            return new boolean[] {a, !Co.timeout(), text.equals("Connection timed out"),
                Co.strerror().equals(Co.strerror(Errno.ECONNRESET))};
        });
        for (boolean b : r) {
            assertTrue(b);
        }
    }

    /**
     * {@code Co.sleep} outside a coroutine sleeps the thread and keeps an interrupt.
     */
    @Test
    public void sleepOutsideACoroutineIsThreadSleep() {
        long t0 = System.nanoTime();
        Co.sleep(15);
        assertTrue(System.nanoTime() - t0 >= 15_000_000L);
        Thread.currentThread().interrupt();
        Co.sleep(10_000); // returns at once, keeping the flag
        assertTrue(Thread.interrupted());
    }

    /**
     * {@code nextScheduler()} cycles through all schedulers; {@code schedulers()} lists them by id.
     */
    @Test
    public void nextSchedulerCyclesThroughAll() {
        CoRuntime rt = runtime();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 2 * N; i++) {
            ids.add(rt.nextScheduler().id());
        }
        assertEquals(Set.of(0, 1), ids);
        List<Integer> listed = new ArrayList<>();
        rt.schedulers().forEach(s -> listed.add(s.id()));
        assertEquals(List.of(0, 1), listed);
        assertSame(rt.schedulers().get(1), rt.schedulers().get(1));
        assertFalse(rt.isStopped());
    }

    /**
     * {@code CoRuntime.parkNanos} times out, or returns early on unpark.
     *
     * @throws Exception on a failure
     */
    @Test
    public void parkNanosTimesOutOrReturnsOnUnpark() throws Exception {
        CoRuntime rt = runtime();
        // Times out: loops on a condition nobody sets, as LockSupport's callers do.
        long took = call(rt, () -> {
            long t0 = System.nanoTime();
            long deadline = t0 + 30_000_000L;
            for (long left = 30_000_000L; left > 0; left = deadline - System.nanoTime()) {
                Co.runtime().parkNanos(this, left);
            }
            return System.nanoTime() - t0;
        });
        assertTrue(took >= 30_000_000L, "woke early: " + took);
        // Returns on unpark long before its 20 s are up.
        AtomicReference<Thread> t = new AtomicReference<>();
        AtomicInteger flag = new AtomicInteger();
        java.util.concurrent.CompletableFuture<Long> woke = new java.util.concurrent.CompletableFuture<>();
        rt.go(() -> {
            t.set(Thread.currentThread());
            long t0 = System.nanoTime();
            while (flag.get() == 0) {
                Co.runtime().parkNanos(this, 20_000_000_000L);
            }
            woke.complete(System.nanoTime() - t0);
        });
        while (t.get() == null) {
            Thread.onSpinWait();
        }
        flag.set(1);
        java.util.concurrent.locks.LockSupport.unpark(t.get());
        assertTrue(woke.get(10, TimeUnit.SECONDS) < 10_000_000_000L);
    }

    /**
     * A {@code java.util.concurrent} lock released by a plain thread resumes a parked coroutine.
     *
     * @throws Exception on a failure
     */
    @Test
    public void anUnparkFromAPlainThreadResumesACoroutine() throws Exception {
        CoRuntime rt = runtime();
        AtomicReference<Thread> t = new AtomicReference<>();
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch resumed = new CountDownLatch(1);
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        rt.go(() -> {
            t.set(Thread.currentThread());
            parked.countDown();
            lock.lock(); // j.u.c lock: parks the coroutine until the plain thread unlocks
            lock.unlock();
            resumed.countDown();
        });
        assertTrue(parked.await(30, TimeUnit.SECONDS));
        lock.unlock();
        assertTrue(resumed.await(30, TimeUnit.SECONDS));
        assertTrue(t.get() != null);
    }


    /**
     * A stopped runtime refuses new coroutines on itself and on each of its schedulers, and a second
     * {@code stop()} is harmless. Uses a runtime of its own.
     *
     * @throws Exception on a failure
     */
    @Test
    public void stopRefusesNewCoroutines() throws Exception {
        CoRuntime rt = provider().create(N);
        CountDownLatch ran = new CountDownLatch(1);
        rt.go(ran::countDown);
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        rt.stop();
        assertTrue(rt.isStopped());
        assertThrows(IllegalStateException.class, () -> rt.go(() -> { }));
        for (Scheduler s : rt.schedulers()) {
            assertThrows(IllegalStateException.class, () -> s.go(() -> { }));
        }
        rt.stop();
        assertTrue(rt.isStopped());
    }
}
