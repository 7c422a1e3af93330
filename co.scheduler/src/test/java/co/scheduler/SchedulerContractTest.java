package co.scheduler;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every scheduler provider must do: the meanings of co's coroutine API. */
@Timeout(60)
class SchedulerContractTest {

    private static final int N = 2;
    private static final Map<String, CoRuntime> RUNTIMES = new ConcurrentHashMap<>();

    private static CoRuntime rt(String name) {
        return RUNTIMES.computeIfAbsent(name, n -> Runtimes.create(n, N));
    }

    @AfterAll
    static void stopAll() {
        RUNTIMES.values().forEach(CoRuntime::stop);
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void idsFollowTheLinearRelationAndAreUnique(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void serialSchedulersSaysWhetherOneSchedulersCoroutinesRunOneAtATime(String provider) throws Exception {
        CoRuntime rt = rt(provider);
        boolean serial = Runtimes.call(rt, Co::serialSchedulers);
        assertEquals(provider.equals("affine"), serial);
        assertEquals(rt.affine(), serial);
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void outsideACoroutineIdsAreMinusOne(String provider) {
        rt(provider);
        assertEquals(-1, Co.coroutineId());
        assertEquals(-1, Co.schedulerId());
        assertNull(Co.scheduler());
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void schedulerGoRunsOnThatScheduler(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void goFormsPassTheirArguments(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void sleepWakesNoEarlierThanAsked(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @Test
    void affineCoroutineStaysOnItsCarrierAcrossSleepsAndParks() throws Exception {
        CoRuntime rt = rt("affine");
        // Two coroutines on different schedulers hand a token back and forth 1000 times with
        // park/unpark, and each also sleeps; each must stay on its own scheduling thread.
        Scheduler s0 = rt.schedulers().get(0);
        Scheduler s1 = rt.schedulers().get(1);
        AtomicReference<Thread> pinger = new AtomicReference<>();
        AtomicReference<Thread> ponger = new AtomicReference<>();
        AtomicInteger turn = new AtomicInteger();
        List<String> carriers0 = new CopyOnWriteArrayList<>();
        List<String> carriers1 = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(2);
        int rounds = 1000;
        s0.go(() -> {
            pinger.set(Thread.currentThread());
            ready.countDown();
            await(ready);
            for (int i = 0; i < rounds; i++) {
                while (turn.get() != 2 * i) {
                    java.util.concurrent.locks.LockSupport.park();
                }
                carriers0.add(Runtimes.carrier());
                if (i % 100 == 0) {
                    Co.sleep(1);
                    carriers0.add(Runtimes.carrier());
                }
                turn.incrementAndGet();
                java.util.concurrent.locks.LockSupport.unpark(ponger.get());
            }
            done.countDown();
        });
        s1.go(() -> {
            ponger.set(Thread.currentThread());
            ready.countDown();
            await(ready);
            for (int i = 0; i < rounds; i++) {
                while (turn.get() != 2 * i + 1) {
                    java.util.concurrent.locks.LockSupport.park();
                }
                carriers1.add(Runtimes.carrier());
                Co.sleep(0);
                carriers1.add(Runtimes.carrier());
                turn.incrementAndGet();
                java.util.concurrent.locks.LockSupport.unpark(pinger.get());
            }
            done.countDown();
        });
        assertTrue(done.await(50, TimeUnit.SECONDS));
        assertEquals(1, new HashSet<>(carriers0).size(), carriers0.toString());
        assertEquals(1, new HashSet<>(carriers1).size(), carriers1.toString());
        assertTrue(carriers0.get(0).endsWith("scheduler-0"), carriers0.get(0));
        assertTrue(carriers1.get(0).endsWith("scheduler-1"), carriers1.get(0));
        assertTrue(carriers0.size() >= rounds && carriers1.size() >= 2 * rounds);
    }

    private static void await(CountDownLatch l) {
        try {
            assertTrue(l.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void aMillionCoroutinesSpawnAndFinish(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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
     * A coroutine that spawns a flood onto its own scheduling thread is made to yield, so the
     * coroutines it started run while it is still spawning: the backlog of started-but-not-run
     * coroutines stays bounded instead of growing to the whole flood.
     */
    @Test
    void aSpawningLoopOnItsOwnSchedulerIsBackPressured() throws Exception {
        CoRuntime rt = rt("affine");
        Scheduler s = rt.schedulers().get(0);
        int count = 100_000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger maxBacklog = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        s.go(() -> {
            for (int i = 1; i <= count; i++) {
                s.go(ran::incrementAndGet);
                maxBacklog.accumulateAndGet(i - ran.get(), Math::max);
            }
            done.countDown();
        });
        await(done);
        // Without back-pressure none of them runs before the loop ends: the backlog reaches 100,000.
        assertTrue(maxBacklog.get() < 2_000, "backlog reached " + maxBacklog.get());
        assertTrue(ran.get() > count - 2_000, "ran " + ran.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void anExceptionInACoroutineIsReportedAndTheSchedulerGoesOn(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void aThrowingHandlerDoesNotKillTheScheduler(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void goNullThrows(String provider) {
        CoRuntime rt = rt(provider);
        assertThrows(NullPointerException.class, () -> rt.schedulers().get(0).go(null));
        assertThrows(NullPointerException.class, () -> Co.go((Runnable) null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void errorStateIsPerCoroutine(String provider) throws Exception {
        CoRuntime rt = rt(provider);
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
        boolean[] r = Runtimes.call(rt, () -> {
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

    @Test
    void stopEndsTheSchedulersWithoutHangingAndLaterGoThrows() throws Exception {
        CoRuntime rt = Runtimes.create("affine", 2);
        CountDownLatch parked = new CountDownLatch(4);
        Set<String> carriers = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 4; i++) {
            rt.go(() -> {
                carriers.add(Runtimes.carrier());
                parked.countDown();
                Co.sleep(60_000);
            });
        }
        assertTrue(parked.await(30, TimeUnit.SECONDS));
        assertEquals(2, carriers.size());
        long t0 = System.nanoTime();
        rt.stop();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "stop took too long");
        assertTrue(rt.isStopped());
        assertThrows(IllegalStateException.class, () -> rt.go(() -> { }));
        for (Scheduler s : rt.schedulers()) {
            assertThrows(IllegalStateException.class, () -> s.go(() -> { }));
        }
        rt.stop(); // twice is fine
        // stop() waited for the scheduling threads: none of this runtime's is alive any more.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(carriers.contains(t.getName()) && t.isAlive(), t.getName() + " still runs");
        }
    }

    @Test
    void virtualStopRefusesNewCoroutinesAndLetsRunningOnesFinish() throws Exception {
        CoRuntime rt = Runtimes.create("virtual", 2);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        rt.go(() -> {
            started.countDown();
            Co.sleep(20);
            finished.countDown();
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        rt.stop();
        assertThrows(IllegalStateException.class, () -> rt.go(() -> { }));
        assertTrue(finished.await(30, TimeUnit.SECONDS));
    }

    @Test
    void sleepOutsideACoroutineIsThreadSleep() {
        long t0 = System.nanoTime();
        Co.sleep(15);
        assertTrue(System.nanoTime() - t0 >= 15_000_000L);
        Thread.currentThread().interrupt();
        Co.sleep(10_000); // returns at once, keeping the flag
        assertTrue(Thread.interrupted());
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void nextSchedulerCyclesThroughAll(String provider) {
        CoRuntime rt = rt(provider);
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

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void parkNanosTimesOutOrReturnsOnUnpark(String provider) throws Exception {
        CoRuntime rt = rt(provider);
        // Times out: loops on a condition nobody sets, as LockSupport's callers do.
        long took = Runtimes.call(rt, () -> {
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

    @Test
    void anUnparkFromAPlainThreadResumesAnAffineCoroutine() throws Exception {
        CoRuntime rt = rt("affine");
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
        assertTrue(t.get().isVirtual());
    }
}
