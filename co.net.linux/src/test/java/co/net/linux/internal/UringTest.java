package co.net.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.spi.IoBackend;
import co.net.testsuite.Coroutines;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The io_uring backend's own cases, beyond the shared suite: which backend a runtime gets (or the
 * fallback where io_uring cannot run), a receive whose timeout races its completion (no byte
 * lost), a full submission queue and overflowing completions on a tiny ring, a ring that fails to
 * set up, and a runtime stopped with operations in flight (no descriptor kept).
 */
class UringTest {

    private static final boolean AVAILABLE = Availability.uringCause() == null;

    /** Starts a 1- or 2-thread affine runtime with the given system properties set while it starts. */
    private static Coroutines start(int threads, Map<String, String> props) {
        Map<String, String> old = new java.util.HashMap<>();
        props.forEach((k, v) -> {
            old.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
        try {
            return Coroutines.start("affine", threads);
        } finally {
            old.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    private static String backend(Coroutines co) throws Exception {
        return co.go(() -> {
            IoBackend b = co.runtime().ioBackend();
            return b == null ? "none" : b.name();
        }).get();
    }

    /** A connected pair of uring sockets over 127.0.0.1: [server side, client side]. */
    private static Sock[] pair(Coroutines co) throws Exception {
        Sock listener = Co.transport("uring").socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        try {
            assertEquals(0, listener.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
            assertEquals(0, listener.listen(), Co::strerror);
            CompletableFuture<Sock> accepted = co.go(() -> listener.accept(10_000));
            Sock client = co.go(() -> {
                Sock s = Co.transport("uring").socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
                assertEquals(0, s.connect(listener.localAddress(), 10_000), Co::strerror);
                return s;
            }).get();
            Sock server = Coroutines.await(accepted);
            assertNotNull(server, "accepted");
            return new Sock[] {server, client};
        } finally {
            listener.close();
        }
    }

    /** Receives carry IORING_RECVSEND_POLL_FIRST only on Linux 5.19+, read from os.version. */
    @Test
    void pollFirstNeedsLinux519() {
        assertTrue(UringBackend.kernelAtLeast("6.18.44-fc-v782", 5, 19));
        assertTrue(UringBackend.kernelAtLeast("5.19.0-1-amd64", 5, 19));
        assertTrue(UringBackend.kernelAtLeast("6.0", 5, 19));
        assertFalse(UringBackend.kernelAtLeast("5.18.19", 5, 19));
        assertFalse(UringBackend.kernelAtLeast("5.15.0-91-generic", 5, 19));
        assertFalse(UringBackend.kernelAtLeast("4.19", 5, 19));
        assertFalse(UringBackend.kernelAtLeast("", 5, 19));
        assertFalse(UringBackend.kernelAtLeast("unknown", 5, 19));
    }

    @Test
    @Timeout(30)
    void aRuntimeAskedForUringGetsItOrFallsBackToEpoll() throws Exception {
        try (Coroutines co = start(1, Map.of("co.io", "uring"))) {
            if (AVAILABLE) {
                assertEquals("uring", backend(co));
            } else {
                assertEquals("epoll", backend(co), "uring -> epoll fallback: " + Availability.uringCause());
                assertTrue(Availability.uringCause().getMessage().length() > 0);
            }
        }
    }

    @Test
    @Timeout(30)
    void aRingThatFailsToSetUpFallsBackToEpollWithoutHanging() throws Exception {
        // io_uring_setup refuses 0 entries (EINVAL) whatever the flags: the backend cannot open.
        try (Coroutines co = start(2, Map.of("co.io", "uring", "co.uring.entries", "0"))) {
            assertEquals("epoll", backend(co));
            Sock[] p = pair(co);                 // uring sockets on an epoll scheduler
            try {
                assertEquals(3, co.go(() -> p[1].send(ByteBuffer.wrap(new byte[] {1, 2, 3}), 5_000)).get());
                assertEquals(3, co.go(() -> p[0].recvn(ByteBuffer.allocate(3), 5_000)).get());
            } finally {
                p[0].close();
                p[1].close();
            }
        }
    }

    /**
     * Receives with 1 ms timeouts while the peer sends a numbered byte stream in small pieces at
     * uneven times: many receives are cancelled just as data arrives; every byte must still come
     * out once and in order.
     */
    @Test
    @Timeout(60)
    void aReceiveWhoseTimeoutRacesItsCompletionLosesNoBytes() throws Exception {
        try (Coroutines co = start(1, Map.of("co.io", "uring"))) {
            Sock[] p = pair(co);
            int total = 60_000;
            try {
                CompletableFuture<Void> sender = co.go(() -> {
                    byte[] chunk = new byte[97];
                    int sent = 0;
                    while (sent < total) {
                        int n = Math.min(chunk.length, total - sent);
                        for (int i = 0; i < n; i++) {
                            chunk[i] = (byte) (sent + i);
                        }
                        assertEquals(n, p[1].send(ByteBuffer.wrap(chunk, 0, n), 10_000), Co::strerror);
                        sent += n;
                        if (sent % 7 == 0) {
                            Co.sleep(1);
                        }
                    }
                });
                int[] timeouts = new int[1];
                int got = co.go(() -> {
                    ByteBuffer b = ByteBuffer.allocate(61);
                    int next = 0;
                    while (next < total) {
                        b.clear();
                        int n = p[0].recv(b, 1);
                        if (n < 0) {
                            assertEquals(Errno.ETIMEDOUT, Co.error(), Co::strerror);
                            timeouts[0]++;
                            continue;
                        }
                        assertTrue(n > 0, "no end of stream before the last byte");
                        for (int i = 0; i < n; i++) {
                            assertEquals((byte) (next + i), b.get(i), "byte " + (next + i));
                        }
                        next += n;
                    }
                    return next;
                }).get();
                Coroutines.await(sender);
                assertEquals(total, got);
                assertTrue(timeouts[0] > 0, "some receives timed out (the race was exercised)");
            } finally {
                p[0].close();
                p[1].close();
            }
        }
    }

    /**
     * A ring of 2 submission entries and 4 completion entries, 40 connections echoing at once:
     * queuing operations finds the submission queue full (it is flushed and the operation queued),
     * and completions overflow the completion queue (the kernel keeps them; they are flushed). Every
     * byte comes back.
     */
    @Test
    @Timeout(60)
    void aTinyRingFlushesAFullQueueAndLosesNoOverflowedCompletion() throws Exception {
        long sqFull = UringBackend.SQ_FULL.sum();
        long overflow = UringBackend.CQ_OVERFLOW.sum();
        try (Coroutines co = start(1, Map.of("co.io", "uring", "co.uring.entries", "2", "co.uring.cqEntries", "4"))) {
            assertEquals("uring", backend(co));
            int conns = 40;
            int rounds = 50;
            List<Sock[]> pairs = new ArrayList<>();
            try {
                for (int i = 0; i < conns; i++) {
                    pairs.add(pair(co));
                }
                List<CompletableFuture<Integer>> done = new ArrayList<>();
                for (Sock[] p : pairs) {
                    co.go(() -> {
                        ByteBuffer b = ByteBuffer.allocate(100);
                        while (p[0].recv(b.clear(), 20_000) > 0) {
                            p[0].send(b.flip(), 20_000);
                        }
                    });
                    done.add(co.go(() -> {
                        int ok = 0;
                        ByteBuffer out = ByteBuffer.allocate(100);
                        ByteBuffer in = ByteBuffer.allocate(100);
                        for (int r = 0; r < rounds; r++) {
                            for (int i = 0; i < 100; i++) {
                                out.put(i, (byte) (r + i));
                            }
                            assertEquals(100, p[1].send(out.clear(), 20_000), Co::strerror);
                            assertEquals(100, p[1].recvn(in.clear(), 20_000), Co::strerror);
                            if (in.flip().equals(out.clear())) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                for (CompletableFuture<Integer> f : done) {
                    assertEquals(rounds, Coroutines.await(f));
                }
            } finally {
                for (Sock[] p : pairs) {
                    p[0].close();
                    p[1].close();
                }
            }
        }
        assertTrue(UringBackend.SQ_FULL.sum() > sqFull, "the submission queue was full at least once");
        assertTrue(UringBackend.CQ_OVERFLOW.sum() > overflow, "completions overflowed at least once");
    }

    /**
     * A runtime stopped while a coroutine waits in a ring receive: the ring's close cancels the
     * receive and gives back its use of the descriptor, so closing the socket closes the descriptor.
     */
    @Test
    @Timeout(30)
    void aRuntimeStoppedWithAReceiveInFlightKeepsNoDescriptor() throws Exception {
        Sock[] p;
        int fd;
        try (Coroutines co = start(1, Map.of("co.io", "uring"))) {
            p = pair(co);
            Matcher m = Pattern.compile("fd=(\\d+)").matcher(p[0].toString());
            assertTrue(m.find(), p[0].toString());
            fd = Integer.parseInt(m.group(1));
            CompletableFuture<Integer> blocked = co.go(() -> p[0].recv(ByteBuffer.allocate(10), -1));
            // One scheduling thread: the receive ran (and parked) before this coroutine, whose sleep
            // makes the loop enter the ring, submitting the receive.
            co.go(() -> Co.sleep(50)).get();
            assertTrue(!blocked.isDone());
        }
        p[0].close();
        p[1].close();
        assertTrue(!Files.exists(Path.of("/proc/self/fd/" + fd)) || !Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd))
                .toString().startsWith("socket:"), "descriptor " + fd + " closed");
    }
}
