package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.spi.CoRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * co's "system API hook" comes from the JDK: a coroutine blocked in a JDK blocking call suspends,
 * and its scheduling thread runs the others. With ONE scheduler, a blocked carrier would deadlock
 * each test (the releasing coroutine could never run), so each passing test proves the point.
 */
@Timeout(30)
class BlockingCallsTest {

    private static CoRuntime rt;

    @BeforeAll
    static void start() {
        rt = Runtimes.create("affine", 1);
    }

    @AfterAll
    static void stop() {
        rt.stop();
    }

    @Test
    void threadSleepSuspendsOnlyTheCoroutine() throws Exception {
        AtomicBoolean otherRan = new AtomicBoolean();
        CountDownLatch sleeping = new CountDownLatch(1);
        CompletableFuture<Boolean> sawOther = new CompletableFuture<>();
        rt.go(() -> {
            sleeping.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sawOther.complete(otherRan.get());
        });
        assertTrue(sleeping.await(10, TimeUnit.SECONDS));
        rt.go(() -> otherRan.set(true));
        assertTrue(sawOther.get(20, TimeUnit.SECONDS), "the other coroutine did not run while the first slept");
    }

    @Test
    void aJucLockSuspendsOnlyTheCoroutine() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> second = new CompletableFuture<>();
        rt.go(() -> {
            lock.lock();
            try {
                holding.countDown();
                release.await(); // parks the coroutine only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        assertTrue(holding.await(10, TimeUnit.SECONDS));
        rt.go(() -> {
            lock.lock();
            lock.unlock();
            second.complete(true);
        });
        rt.go(release::countDown); // runs only if the two coroutines above left the carrier free
        assertTrue(second.get(20, TimeUnit.SECONDS));
    }

    @Test
    void synchronizedWaitSuspendsOnlyTheCoroutine() throws Exception {
        Object monitor = new Object();
        boolean[] flag = new boolean[1];
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Boolean> woke = new CompletableFuture<>();
        rt.go(() -> {
            synchronized (monitor) {
                waiting.countDown();
                while (!flag[0]) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            woke.complete(true);
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS));
        rt.go(() -> {
            synchronized (monitor) {
                flag[0] = true;
                monitor.notifyAll();
            }
        });
        assertTrue(woke.get(20, TimeUnit.SECONDS));
    }

    @Test
    void javaNetSocketReadSuspendsOnlyTheCoroutine() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> read = new CompletableFuture<>();
            CountDownLatch connected = new CountDownLatch(1);
            rt.go(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    connected.countDown();
                    InputStream in = s.getInputStream();
                    read.complete(in.read()); // blocks until the other coroutine writes
                } catch (Exception e) {
                    read.completeExceptionally(e);
                }
            });
            try (Socket peer = server.accept()) {
                assertTrue(connected.await(10, TimeUnit.SECONDS));
                // The writer is another coroutine of the same single scheduler.
                CompletableFuture<Long> wrote = new CompletableFuture<>();
                rt.go(() -> {
                    try {
                        OutputStream out = peer.getOutputStream();
                        out.write(42);
                        out.flush();
                        wrote.complete(Co.coroutineId());
                    } catch (Exception e) {
                        wrote.completeExceptionally(e);
                    }
                });
                assertTrue(wrote.get(20, TimeUnit.SECONDS) >= 0);
                assertEquals(42, read.get(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void jdkSocketPollersSurviveTheStopOfTheRuntimeThatFirstBlockedInSocketIo() throws Exception {
        ProviderSelectionTest.Result r = ProviderSelectionTest.runMain(PollerProbe.class.getName(),
                "--add-opens=java.base/java.lang=ALL-UNNAMED");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("first=OK second=OK"), r.out() + r.err());
    }
}
