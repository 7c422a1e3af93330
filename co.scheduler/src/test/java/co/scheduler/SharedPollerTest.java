package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.spi.CoRuntime;
import co.api.spi.Poller;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared poller, which serves threads without a selector of their own (the {@code virtual}
 * runtime's coroutines, other virtual threads, plain threads), has one poller per kind of thread:
 * virtual threads wait on a poller that is itself a virtual thread (JDK 24+), plain threads on a
 * platform thread, so that a plain thread's wait never needs a free carrier.
 */
class SharedPollerTest {

    private static final Pattern VIRTUAL_POLLER = Pattern.compile("\"co-poller-virtual\" virtual");

    /** A pipe whose source is non-blocking and already readable. */
    private static Pipe readablePipe() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        assertEquals(1, pipe.sink().write(ByteBuffer.wrap(new byte[] {7})));
        return pipe;
    }

    /** A virtual thread that waits for {@code pipe}'s source to be readable; its answer, when it has one. */
    private static CompletableFuture<Boolean> awaitReadableInVirtualThread(Poller poller, Pipe pipe, long timeoutMs) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> answer.complete(poller.await(pipe.source(), SelectionKey.OP_READ, timeoutMs)));
        return answer;
    }

    private static void close(Pipe pipe) throws Exception {
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    @Timeout(60)
    void aVirtualThreadWaitsOnAVirtualPoller(@TempDir Path dir) throws Exception {
        CoRuntime rt = Runtimes.create("virtual", 1);
        Pipe ready = readablePipe();
        Pipe idle = Pipe.open();
        idle.source().configureBlocking(false);
        try {
            Poller poller = rt.poller();
            CompletableFuture<Boolean> first = awaitReadableInVirtualThread(poller, ready, 10_000);
            assertTrue(first.get(20, TimeUnit.SECONDS), "readiness reported to a virtual thread");

            // A second virtual thread waits (with nothing to read) while the JDK's thread dump is taken.
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Boolean> second = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                waiting.countDown();
                second.complete(poller.await(idle.source(), SelectionKey.OP_READ, 20_000));
            });
            assertTrue(waiting.await(20, TimeUnit.SECONDS));
            Path file = dir.resolve("threads.txt");
            // HotSpotDiagnosticMXBean.dumpThreads, through JMX (the test module does not read jdk.management).
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "dumpThreads", new Object[] {file.toString(), "TEXT_PLAIN"},
                    new String[] {String.class.getName(), String.class.getName()});
            String dump = Files.readString(file);
            if (Runtime.version().feature() >= 24) {
                assertTrue(VIRTUAL_POLLER.matcher(dump).find(), "the virtual threads' poller is a virtual thread:\n" + dump);
            }
            assertEquals(1, idle.sink().write(ByteBuffer.wrap(new byte[] {1})));
            assertTrue(second.get(20, TimeUnit.SECONDS), "the waiting virtual thread is woken by its write");
        } finally {
            close(ready);
            close(idle);
            rt.stop();
        }
    }

    /** The whole process's CPU time, through JMX (the test module does not read jdk.management). */
    private static long processCpuNanos() throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer()
                .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
    }

    @Test
    @Timeout(60)
    void aReadableChannelThatNobodyReadsDoesNotKeepThePollerBusy() throws Exception {
        CoRuntime rt = Runtimes.create("virtual", 1);
        Pipe unread = Pipe.open();
        unread.source().configureBlocking(false);
        Pipe later = Pipe.open();
        later.source().configureBlocking(false);
        try {
            Poller poller = rt.poller();
            // A virtual thread waits, is woken by a byte, and never reads it: the channel stays
            // readable with nobody waiting, which the poller must stop watching.
            CompletableFuture<Boolean> woken = awaitReadableInVirtualThread(poller, unread, 10_000);
            assertEquals(1, unread.sink().write(ByteBuffer.wrap(new byte[] {1})));
            assertTrue(woken.get(20, TimeUnit.SECONDS));

            long cpu0 = processCpuNanos();
            long wall0 = System.nanoTime();
            Thread.sleep(1_000);
            long cpuMs = TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - cpu0);
            long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wall0);
            // A poller selecting in a loop would burn about the whole second.
            assertTrue(cpuMs < wallMs / 3, "process CPU " + cpuMs + " ms in " + wallMs + " ms with one unread channel");

            // And the poller still serves others.
            CompletableFuture<Boolean> next = awaitReadableInVirtualThread(poller, later, 10_000);
            assertEquals(1, later.sink().write(ByteBuffer.wrap(new byte[] {2})));
            assertTrue(next.get(20, TimeUnit.SECONDS));
        } finally {
            close(unread);
            close(later);
            rt.stop();
        }
    }

    @Test
    @Timeout(60)
    void aPlainThreadIsServedWhileEveryCarrierIsBusy() throws Exception {
        CoRuntime rt = Runtimes.create("virtual", 1);
        Pipe warm = readablePipe();
        Pipe ready = readablePipe();
        AtomicBoolean spin = new AtomicBoolean(true);
        List<Thread> spinners = new ArrayList<>();
        try {
            Poller poller = rt.poller();
            // The virtual threads' poller exists first, so a plain thread sent to it would find it.
            CompletableFuture<Boolean> warmed = awaitReadableInVirtualThread(poller, warm, 10_000);
            assertTrue(warmed.get(20, TimeUnit.SECONDS));

            // Every carrier of the JDK's scheduler runs a virtual thread that never parks.
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                    Runtime.getRuntime().availableProcessors());
            CountDownLatch running = new CountDownLatch(carriers);
            for (int i = 0; i < carriers; i++) {
                spinners.add(Thread.ofVirtual().start(() -> {
                    running.countDown();
                    while (spin.get()) {
                        Thread.onSpinWait();
                    }
                }));
            }
            assertTrue(running.await(20, TimeUnit.SECONDS), "every carrier is busy");

            long start = System.nanoTime();
            boolean ok = poller.await(ready.source(), SelectionKey.OP_READ, 5_000);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ok, "a plain thread's wait was answered without a free carrier (took " + ms + " ms)");
        } finally {
            spin.set(false);
            for (Thread t : spinners) {
                t.join(20_000);
            }
            close(warm);
            close(ready);
            rt.stop();
        }
    }
}
