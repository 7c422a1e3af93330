package co.net.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Scheduler;
import co.api.Sock;
import co.net.testsuite.FaultProxy.Fault;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault-injecting soak (issue 15 section 2), written once for every stream transport: an echo
 * server of the transport under test sits behind one {@link FaultProxy} per {@link Fault}, and many
 * client coroutines of the same transport open connection after connection through a proxy picked at
 * random, each echoing 16 to 64 KiB in chunks with a timeout on every call. It asserts that
 * <ul>
 *   <li>each connection either completes with the right bytes or fails with the error its fault
 *       calls for ({@link #allowedEnds}), and the failing call returns within its timeout;</li>
 *   <li>no connection ever receives a wrong byte, whole or cut short;</li>
 *   <li>afterwards the process's open file descriptors and live virtual threads (coroutines) are back
 *       at their counts from before the soak;</li>
 *   <li>every scheduler of the server's runtime kept serving: a heartbeat coroutine on each is never
 *       late by more than {@link #MAX_HEARTBEAT_LATENESS_MS}, and each still echoes at the end.</li>
 * </ul>
 * The CI run lasts a few seconds per transport; {@code -Dco.soak=true} (Maven profile {@code soak})
 * runs it for three minutes with more clients. The figures are logged (docs/reliability.md).
 */
public abstract class FaultSoak {

    private static final Logger LOG = System.getLogger(FaultSoak.class.getName());

    /** The timeout of every client call; stalls last twice as long. */
    protected static final int CALL_MS = 3000;
    private static final int STALL_MS = 2 * CALL_MS;
    /** How much later than its timeout a failing call may return (a loaded 2-core machine). */
    private static final int LATE_MS = 1500;
    private static final int MIN_PAYLOAD = 16 * 1024;
    private static final int MAX_PAYLOAD = 64 * 1024;
    private static final int CHUNK = 8 * 1024;
    /** Faults strike within the first MIN_PAYLOAD bytes, so a faulty connection always meets its fault. */
    private static final long MAX_FAULT_OFFSET = MIN_PAYLOAD;
    private static final int HEARTBEAT_MS = 50;
    private static final long MAX_HEARTBEAT_LATENESS_MS = 2000;
    /** End of stream, recorded where an errno goes. */
    private static final int EOF = 0;

    private final boolean soak = Boolean.getBoolean("co.soak");
    private final int seconds = Integer.getInteger("co.soak.seconds", soak ? 180 : 6);
    private final int clients = Integer.getInteger("co.soak.clients", soak ? 200 : 32);

    /**
     * Returns the transport under test; its {@link SockFactory#family()} must be INET (the proxy is
     * TCP over 127.0.0.1).
     *
     * @return the factory (closed by the test)
     */
    protected abstract SockFactory factory();

    /**
     * Tells whether the transport is TLS, whose ends differ: a cut connection is never a clean end of
     * stream, and a failed handshake reports {@link Errno#EPROTO}.
     *
     * @return true for TLS
     */
    protected abstract boolean tls();

    /** The errors (or {@link #EOF}) with which a connection under {@code fault} may end. */
    private Set<Integer> allowedEnds(Fault fault) {
        return switch (fault) {
            case NONE, DELAY, SEGMENT -> Set.of();
            case STALL -> Set.of(Errno.ETIMEDOUT);
            case RESET -> Set.of(Errno.ECONNRESET, Errno.EPIPE);
            // TLS: a cut stream must never read as a clean end (that would be a truncation attack).
            case TRUNCATE -> tls() ? Set.of(Errno.ECONNRESET, Errno.EPIPE, Errno.EPROTO)
                    : Set.of(EOF, Errno.ECONNRESET, Errno.EPIPE);
            // The server sees the half-close and ends; a TLS server may say close_notify first.
            case HALF_CLOSE -> tls() ? Set.of(EOF, Errno.ECONNRESET, Errno.EPIPE, Errno.EPROTO)
                    : Set.of(EOF, Errno.ECONNRESET, Errno.EPIPE);
        };
    }

    /** How one connection ended. */
    private record End(Fault fault, String call, int errno, long callMs, String detail, long bytes) {

        End(Fault fault, String call, int errno, long callMs, String detail) {
            this(fault, call, errno, callMs, detail, 0);
        }

        boolean ok() {
            return call == null;
        }
    }

    @Test
    @Timeout(600)
    void everyConnectionEndsRightAndNothingLeaks() throws Exception {
        try (SockFactory factory = factory();
                Coroutines server = Coroutines.start("affine", 2);
                Coroutines client = Coroutines.start("affine", 2)) {
            Sock listener = factory.serverSocket();
            List<FaultProxy> proxies = new ArrayList<>();
            AtomicInteger liveHandlers = new AtomicInteger();
            AtomicLong echoed = new AtomicLong();
            try (listener) {
                assertEquals(0, listener.bind(factory.bindAddress()), Co.strerror());
                assertEquals(0, listener.listen(), Co.strerror());
                CompletableFuture<Void> acceptor = server.go(() -> acceptLoop(listener, liveHandlers, echoed));
                long seed = Long.getLong("co.soak.seed", System.nanoTime());
                for (Fault f : Fault.values()) {
                    proxies.add(new FaultProxy(f, listener.localAddress(), MAX_FAULT_OFFSET, STALL_MS, seed + f.ordinal()));
                }
                try {
                    soak(factory, server, client, proxies, liveHandlers, echoed, seed);
                } finally {
                    for (FaultProxy p : proxies) {
                        p.close();
                    }
                    listener.close();
                    Coroutines.await(acceptor);
                }
            }
        }
    }

    private void soak(SockFactory factory, Coroutines server, Coroutines client, List<FaultProxy> proxies,
            AtomicInteger liveHandlers, AtomicLong echoed, long seed) throws Exception {
        // Warm up (lazily made selectors, pollers, thread pools, TLS contexts), then count.
        for (FaultProxy p : proxies) {
            if (p.fault().harmless()) {
                End e = Coroutines.await(client.go(() -> connection(factory, p, new SplittableRandom(seed))));
                assertTrue(e.ok(), () -> "warm-up: " + e);
            }
        }
        quiesce(proxies, liveHandlers);
        // The census itself opens files once (a thread dump's temporary file names come from
        // SecureRandom, which keeps /dev/random and /dev/urandom open): take one before counting.
        int threadsBefore = ProcessCensus.liveVirtualThreads();
        threadsBefore = ProcessCensus.liveVirtualThreads();
        long fdsBefore = ProcessCensus.openFileDescriptors();

        AtomicLongArray lateness = new AtomicLongArray(server.runtime().schedulers().size());
        List<CompletableFuture<Void>> heartbeats = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Scheduler s : server.runtime().schedulers()) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            s.go(() -> heartbeat(end, lateness, f));
            heartbeats.add(f);
        }
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        Map<Fault, AtomicLongArray> ends = new EnumMap<>(Fault.class);   // ok, failed as allowed
        for (Fault f : Fault.values()) {
            ends.put(f, new AtomicLongArray(2));
        }
        AtomicLong bytesOk = new AtomicLong();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SplittableRandom random = new SplittableRandom(seed + 7919L * i);
            running.add(client.go(() -> {
                while (System.nanoTime() - end < 0) {
                    FaultProxy p = proxies.get(random.nextInt(proxies.size()));
                    End e = connection(factory, p, random);
                    String problem = judge(e);
                    if (problem != null) {
                        wrong.add(problem);
                    } else {
                        ends.get(e.fault()).incrementAndGet(e.ok() ? 0 : 1);
                        bytesOk.addAndGet(e.bytes());
                    }
                }
            }));
        }
        for (CompletableFuture<Void> r : running) {
            Coroutines.await(r, java.time.Duration.ofSeconds(seconds + 60L));
        }
        for (CompletableFuture<Void> h : heartbeats) {
            Coroutines.await(h, java.time.Duration.ofSeconds(30));
        }
        // Every scheduler still serves: an echo from a coroutine of each, through the faithful proxy.
        FaultProxy faithful = proxies.get(Fault.NONE.ordinal());
        for (Scheduler s : server.runtime().schedulers()) {
            CompletableFuture<End> f = new CompletableFuture<>();
            s.go(() -> f.complete(connection(factory, faithful, new SplittableRandom(s.id()))));
            End e = Coroutines.await(f);
            assertTrue(e.ok(), () -> "scheduler " + s.id() + " after the soak: " + e);
        }
        quiesce(proxies, liveHandlers);
        long fdsAfter = awaitCount(ProcessCensus::openFileDescriptors, fdsBefore);
        long threadsAfter = awaitCount(() -> (long) ProcessCensus.liveVirtualThreads(), threadsBefore);

        StringBuilder figures = new StringBuilder();
        long connections = 0;
        long faults = 0;
        for (Fault f : Fault.values()) {
            AtomicLongArray a = ends.get(f);
            connections += a.get(0) + a.get(1);
            figures.append(String.format("%n  %-10s ok %6d, failed as expected %6d", f, a.get(0), a.get(1)));
        }
        int[] proxied = new int[1];
        FaultProxy.tally(proxies).forEach((f, c) -> proxied[0] += c[0]);
        for (FaultProxy p : proxies) {
            faults += p.fault().harmless() ? 0 : p.faultsInjected();
        }
        long maxLate = 0;
        for (int i = 0; i < lateness.length(); i++) {
            maxLate = Math.max(maxLate, lateness.get(i));
        }
        LOG.log(Level.INFO, String.format("fault soak over %s: %d s, %d clients, %d connections (%d through the proxies), "
                        + "%d bytes echoed by the server, %d bytes checked by clients, %d faults injected, "
                        + "%d wrong ends; fds %d -> %d, virtual threads %d -> %d; heartbeat lateness max %d ms; seed %d%s",
                factory.name(), seconds, clients, connections, proxied[0], echoed.get(), bytesOk.get(), faults,
                wrong.size(), fdsBefore, fdsAfter, threadsBefore, threadsAfter, maxLate, seed, figures));
        assertTrue(wrong.isEmpty(), () -> wrong.size() + " connections ended wrongly, e.g.\n"
                + String.join("\n", wrong.stream().limit(12).toList()));
        assertTrue(faults > 0, "faults were injected");
        for (Fault f : Fault.values()) {
            assertTrue(ends.get(f).get(0) + ends.get(f).get(1) > 0, () -> "no connection met " + f);
        }
        assertEquals(fdsBefore, fdsAfter, () -> "open file descriptors: " + ProcessCensus.describeFileDescriptors());
        assertEquals(threadsBefore, threadsAfter, "live virtual threads (coroutines)");
        assertTrue(maxLate <= MAX_HEARTBEAT_LATENESS_MS, "a scheduler stopped serving for " + maxLate + " ms");
    }

    /** Null if the connection ended as its fault allows, else what was wrong. */
    private String judge(End e) {
        if (e.detail() != null && e.detail().startsWith("WRONG BYTES")) {
            return e.fault() + ": " + e.detail();
        }
        if (e.ok()) {
            return e.fault().harmless() ? null : e.fault() + ": completed although its fault struck";
        }
        if (!allowedEnds(e.fault()).contains(e.errno())) {
            return e.fault() + ": " + e.call() + " ended with " + (e.errno() == EOF ? "end of stream" : Co.strerror(e.errno()))
                    + " (" + e.detail() + ")";
        }
        if (e.callMs() > CALL_MS + LATE_MS) {
            return e.fault() + ": " + e.call() + " took " + e.callMs() + " ms, its timeout is " + CALL_MS;
        }
        if (e.fault() == Fault.STALL && e.callMs() < CALL_MS - 50) {
            return e.fault() + ": " + e.call() + " timed out after only " + e.callMs() + " ms";
        }
        return null;
    }

    /**
     * One client connection through {@code proxy}: connect, then echo a random payload chunk by
     * chunk, checking every byte received (also the part of a chunk received before a failure).
     */
    private End connection(SockFactory factory, FaultProxy proxy, SplittableRandom random) {
        Fault fault = proxy.fault();
        Sock s = factory.clientSocket();
        if (s == null) {
            return new End(fault, "socket", Co.error(), 0, Co.strerror());
        }
        try (s) {
            long t0 = System.nanoTime();
            if (s.connect(proxy.address(), CALL_MS) != 0) {
                return new End(fault, "connect", Co.error(), millisSince(t0), Co.strerror());
            }
            int payload = MIN_PAYLOAD + random.nextInt(MAX_PAYLOAD - MIN_PAYLOAD + 1);
            byte[] out = new byte[CHUNK];
            byte[] in = new byte[CHUNK];
            for (int done = 0; done < payload; ) {
                int n = Math.min(CHUNK, payload - done);
                random.nextBytes(out);
                t0 = System.nanoTime();
                if (s.send(ByteBuffer.wrap(out, 0, n), CALL_MS) != n) {
                    return new End(fault, "send", Co.error(), millisSince(t0), Co.strerror());
                }
                ByteBuffer b = ByteBuffer.wrap(in, 0, n);
                t0 = System.nanoTime();
                int r = s.recvn(b, CALL_MS);
                long ms = millisSince(t0);
                int got = b.position();
                if (!Arrays.equals(in, 0, got, out, 0, got)) {
                    return new End(fault, "recvn", -1, ms, "WRONG BYTES in chunk at " + done + " of " + payload);
                }
                if (r == 0) {
                    return new End(fault, "recvn", EOF, ms, "end of stream after " + (done + got) + " of " + payload);
                }
                if (r < 0) {
                    String error = Co.strerror();
                    int errno = Co.error();
                    String relay = s.localAddress() instanceof java.net.InetSocketAddress local
                            ? proxy.describe(local.getPort()) : "";
                    return new End(fault, "recvn", errno, ms, error + " after " + got + " of " + n
                            + " bytes of the chunk at " + done + " of " + payload + "; " + relay);
                }
                done += n;
            }
            return new End(fault, null, 0, 0, null, payload);
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void acceptLoop(Sock listener, AtomicInteger liveHandlers, AtomicLong echoed) {
        for (;;) {
            Sock conn = listener.accept(-1);
            if (conn == null) {
                if (!listener.isOpen()) {
                    return;
                }
                continue;
            }
            liveHandlers.incrementAndGet();
            Co.go(() -> {
                try (conn) {
                    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
                    for (;;) {
                        buf.clear();
                        // longer than a stall: the server outlives its clients' timeouts
                        int n = conn.recv(buf, 2 * STALL_MS);
                        if (n <= 0) {
                            return;
                        }
                        buf.flip();
                        if (conn.send(buf, 2 * STALL_MS) < 0) {
                            return;
                        }
                        echoed.addAndGet(n);
                    }
                } finally {
                    liveHandlers.decrementAndGet();
                }
            });
        }
    }

    /** Sleeps {@link #HEARTBEAT_MS} at a time until {@code end}, recording the worst lateness. */
    private static void heartbeat(long end, AtomicLongArray lateness, CompletableFuture<Void> done) {
        int id = Co.schedulerId();
        try {
            while (System.nanoTime() - end < 0) {
                long t0 = System.nanoTime();
                Co.sleep(HEARTBEAT_MS);
                long late = millisSince(t0) - HEARTBEAT_MS;
                lateness.accumulateAndGet(id, late, Math::max);
            }
            done.complete(null);
        } catch (Throwable t) {
            done.completeExceptionally(t);
        }
    }

    /** Waits until the proxies relay nothing and every server handler has ended. */
    private static void quiesce(List<FaultProxy> proxies, AtomicInteger liveHandlers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STALL_MS / 1000 * 3 + 10);
        while (System.nanoTime() - deadline < 0) {
            boolean idle = liveHandlers.get() == 0;
            for (FaultProxy p : proxies) {
                idle &= p.liveConnections() == 0;
            }
            if (idle) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("still live after the soak: " + liveHandlers.get() + " server handlers");
    }

    /** Polls a count until it is back at {@code expected} (closing is asynchronous) or 10 s pass. */
    private static long awaitCount(Counter counter, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long n = counter.count();
        while (n != expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            n = counter.count();
        }
        return n;
    }

    @FunctionalInterface
    private interface Counter {
        long count() throws Exception;
    }
}
