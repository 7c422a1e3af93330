package co.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.IoEvent;
import co.api.spi.CoRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IoEvent on the affine scheduler's own selector, on the virtual runtime, and on plain threads. */
@Timeout(60)
class IoEventTest {

    private static final Map<String, CoRuntime> RUNTIMES = new ConcurrentHashMap<>();

    @AfterAll
    static void stopAll() {
        RUNTIMES.values().forEach(CoRuntime::stop);
    }

    /** Runs {@code body} in the given context: a coroutine of "affine" / "virtual", or a "plain" thread. */
    private static <T> CompletableFuture<T> start(String where, Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Runnable r = () -> {
            try {
                f.complete(body.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        if (where.equals("plain")) {
            Thread t = new Thread(r, "plain-waiter");
            t.setDaemon(true);
            t.start();
        } else {
            RUNTIMES.computeIfAbsent(where, n -> Runtimes.create(n, 2)).go(r);
        }
        return f;
    }

    private static Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    private static void waitUntilParked(AtomicReference<Thread> t) {
        // An event, not a delay: the waiter's thread reports WAITING once it is parked in await.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.get() == null || (t.get().getState() != Thread.State.WAITING
                && t.get().getState() != Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waiter never parked");
            }
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual", "plain"})
    void readinessWakesAParkedWaiter(String where) throws Exception {
        Pipe p = pipe();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<String> got = start(where, () -> {
            waiter.set(Thread.currentThread());
            ByteBuffer buf = ByteBuffer.allocate(16);
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                for (;;) {
                    int n = p.source().read(buf);
                    if (n != 0) {
                        return new String(buf.array(), 0, buf.position(), "UTF-8");
                    }
                    if (!ev.await(20_000)) {
                        return "timeout";
                    }
                }
            }
        });
        waitUntilParked(waiter);
        p.sink().write(ByteBuffer.wrap("hello".getBytes("UTF-8")));
        assertEquals("hello", got.get(30, TimeUnit.SECONDS));
        p.source().close();
        p.sink().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual", "plain"})
    void aTimeoutReturnsFalseAndSetsTimeoutAndEtimedout(String where) throws Exception {
        Pipe p = pipe();
        Object[] r = start(where, () -> {
            long t0 = System.nanoTime();
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                boolean ok = ev.await(50);
                return new Object[] {ok, Co.timeout(), Co.error(), System.nanoTime() - t0};
            }
        }).get(30, TimeUnit.SECONDS);
        assertEquals(false, r[0]);
        assertEquals(true, r[1]);
        assertEquals(Errno.ETIMEDOUT, r[2]);
        assertTrue((Long) r[3] >= 50_000_000L, "woke early: " + r[3]);
        p.source().close();
        p.sink().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual", "plain"})
    void anUnparkWakesAWaiterSoItCanSeeItsSocketWasClosed(String where) throws Exception {
        Pipe p = pipe();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Boolean> woke = start(where, () -> {
            waiter.set(Thread.currentThread());
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                return ev.await(-1);
            }
        });
        waitUntilParked(waiter);
        p.source().close();
        LockSupport.unpark(waiter.get());
        assertTrue(woke.get(30, TimeUnit.SECONDS));
        p.sink().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual", "plain"})
    void anInterruptEndsTheWaitWithEintr(String where) throws Exception {
        Pipe p = pipe();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<Object[]> r = start(where, () -> {
            waiter.set(Thread.currentThread());
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                boolean ok = ev.await(-1);
                return new Object[] {ok, Co.error(), Thread.interrupted()};
            }
        });
        waitUntilParked(waiter);
        waiter.get().interrupt();
        Object[] out = r.get(30, TimeUnit.SECONDS);
        assertArrayEquals(new Object[] {false, Errno.EINTR, true}, out);
        p.source().close();
        p.sink().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void pingPongOverPipesLosesNoWakeups(String where) throws Exception {
        Pipe ab = pipe();
        Pipe ba = pipe();
        int rounds = 5_000;
        CompletableFuture<Integer> a = start(where, () -> relay(ba.source(), ab.sink(), rounds, true));
        CompletableFuture<Integer> b = start(where, () -> relay(ab.source(), ba.sink(), rounds, false));
        assertEquals(rounds, a.get(50, TimeUnit.SECONDS));
        assertEquals(rounds, b.get(50, TimeUnit.SECONDS));
        for (Pipe p : List.of(ab, ba)) {
            p.source().close();
            p.sink().close();
        }
    }

    private static int relay(Pipe.SourceChannel in, Pipe.SinkChannel out, int rounds, boolean first) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(4);
        int seen = 0;
        try (IoEvent rd = new IoEvent(in, IoEvent.READ)) {
            if (first) {
                out.write(ByteBuffer.allocate(4).putInt(0, 0));
            }
            while (seen < rounds) {
                one.clear();
                while (one.hasRemaining()) {
                    if (in.read(one) == 0 && !rd.await(20_000)) {
                        throw new AssertionError("lost wake-up at round " + seen);
                    }
                }
                int v = one.getInt(0);
                if (v != (first ? 2 * seen + 1 : 2 * seen)) {
                    throw new AssertionError("out of order: " + v + " at " + seen);
                }
                seen++;
                if (!(first && seen == rounds)) {
                    out.write(ByteBuffer.allocate(4).putInt(0, v + 1));
                }
            }
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    void manyCoroutinesWaitOnTheirOwnChannels(String where) throws Exception {
        int count = 300;
        List<Pipe> pipes = new ArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            Pipe p = pipe();
            pipes.add(p);
            results.add(start(where, () -> {
                ByteBuffer b = ByteBuffer.allocate(1);
                try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                    waiting.countDown();
                    while (p.source().read(b) == 0) {
                        if (!ev.await(30_000)) {
                            return -1;
                        }
                    }
                }
                return (int) b.get(0);
            }));
        }
        assertTrue(waiting.await(30, TimeUnit.SECONDS));
        for (int i = count - 1; i >= 0; i--) {
            pipes.get(i).sink().write(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        for (int i = 0; i < count; i++) {
            assertEquals((byte) i, results.get(i).get(30, TimeUnit.SECONDS).byteValue());
        }
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual", "plain"})
    void readOnAServerWaitsForAcceptAndWriteOnAConnectingChannelWaitsForConnect(String where) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            CompletableFuture<Boolean> accepted = start(where, () -> {
                try (IoEvent ev = new IoEvent(server, IoEvent.READ)) {
                    for (;;) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.close();
                            return true;
                        }
                        if (!ev.await(20_000)) {
                            return false;
                        }
                    }
                }
            });
            CompletableFuture<Boolean> connected = start(where, () -> {
                try (SocketChannel c = SocketChannel.open()) {
                    c.configureBlocking(false);
                    boolean done = c.connect(server.getLocalAddress());
                    try (IoEvent ev = new IoEvent(c, IoEvent.WRITE)) {
                        while (!done) {
                            if (!ev.await(20_000)) {
                                return false;
                            }
                            done = c.finishConnect();
                        }
                    }
                    return c.isConnected();
                }
            });
            assertTrue(connected.get(30, TimeUnit.SECONDS));
            assertTrue(accepted.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBlockingChannelIsRefused() throws Exception {
        Pipe p = Pipe.open();
        CompletableFuture<Object> r = start("affine", () -> {
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                return ev.await(10);
            }
        });
        Throwable cause = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> r.get(30, TimeUnit.SECONDS)).getCause();
        assertTrue(cause instanceof IllegalBlockingModeException, String.valueOf(cause));
        assertThrows(IllegalBlockingModeException.class, () -> {
            try (IoEvent ev = new IoEvent(p.source(), IoEvent.READ)) {
                ev.await(10);
            }
        });
        p.source().close();
        p.sink().close();
    }

    @Test
    void badEventsAreRejected() throws IOException {
        Pipe p = pipe();
        assertThrows(IllegalArgumentException.class, () -> new IoEvent(p.source(), 3));
        assertThrows(IllegalArgumentException.class, () -> new IoEvent(p.source(), IoEvent.WRITE));
        assertThrows(IllegalArgumentException.class, () -> new IoEvent(p.sink(), IoEvent.READ));
        assertThrows(NullPointerException.class, () -> new IoEvent(null, IoEvent.READ));
        assertFalse(p.source().isBlocking());
        p.source().close();
        p.sink().close();
    }

}
