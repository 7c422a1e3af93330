package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Scheduler;
import co.api.spi.CoRuntime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

/**
 * What co's own providers promise beyond {@link co.testkit.SchedulerContract} (which
 * {@link AffineSchedulerContractTest} and {@link VirtualSchedulerContractTest} run): the affine
 * provider's carrier affinity, back-pressure and stop, and the virtual provider's stop.
 */
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
    void serialSchedulersSaysWhetherOneSchedulersCoroutinesRunOneAtATime(String provider) throws Exception {
        CoRuntime rt = rt(provider);
        boolean serial = Runtimes.call(rt, Co::serialSchedulers);
        assertEquals(provider.equals("affine"), serial);
        assertEquals(rt.affine(), serial);
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void aCoroutineStartedFromAPlainThreadTakesItsContextClassLoaderAndItsSchedulersIds(String provider)
            throws Exception {
        CoRuntime rt = rt(provider);
        ClassLoader mine = new ClassLoader(getClass().getClassLoader()) { };
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(mine);
        try {
            for (Scheduler s : rt.schedulers()) {
                CompletableFuture<String> seen = new CompletableFuture<>();
                s.go(() -> seen.complete((Thread.currentThread().getContextClassLoader() == mine) + " "
                        + Co.schedulerId() + " " + (Co.coroutineId() % N)));
                assertEquals("true " + s.id() + " " + s.id(), seen.get(30, TimeUnit.SECONDS));
            }
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
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
