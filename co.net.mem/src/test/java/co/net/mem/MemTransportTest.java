package co.net.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.TransportProvider;
import co.net.testsuite.Coroutines;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the suite does not cover: names, addresses, backlog, shutdown('r'), options, one scheduler. */
@Timeout(30)
class MemTransportTest {

    private final Transport mem = Co.transport(MemTransports.NAME);
    private final List<Sock> socks = Collections.synchronizedList(new ArrayList<>());
    private Coroutines co;

    @AfterEach
    void closeAll() {
        socks.forEach(Sock::close);
        if (co != null) {
            co.close();
        }
    }

    private Sock sock() {
        Sock s = mem.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        assertNotNull(s, Co::strerror);
        socks.add(s);
        return s;
    }

    private Sock listening(java.net.SocketAddress at, int backlog) {
        Sock s = sock();
        assertEquals(0, s.bind(at), Co::strerror);
        assertEquals(0, s.listen(backlog), Co::strerror);
        return s;
    }

    @Test
    void foundByNameAndNeverTheDefault() {
        assertEquals("mem", mem.name());
        assertSame(mem, sock().transport());
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
            if (p.name().equals("mem")) {
                assertTrue(p.priority() < 0, "a low priority keeps mem from becoming the default transport");
            }
        }
    }

    @Test
    void datagramsAreNotOffered() {
        assertNull(mem.socket(StandardProtocolFamily.INET, Sock.Type.DATAGRAM));
        assertEquals(Errno.EOPNOTSUPP, Co.error());
    }

    @Test
    void aNameIsHeldUntilItsSocketCloses() {
        Sock a = listening(MemAddress.of("held"), 8);
        Sock b = sock();
        assertEquals(-1, b.bind(MemAddress.of("held")));
        assertEquals(Errno.EADDRINUSE, Co.error());
        a.close();
        assertEquals(0, b.bind(MemAddress.of("held")), Co::strerror);
    }

    @Test
    void anyAndPortZeroPickFreshAddresses() {
        Sock a = listening(MemAddress.ANY, 8);
        Sock b = listening(MemAddress.ANY, 8);
        assertInstanceOf(MemAddress.class, a.localAddress());
        assertFalse(a.localAddress().equals(b.localAddress()));
        Sock c = listening(Co.initIpAddr("127.0.0.1", 0), 8);
        assertTrue(((InetSocketAddress) c.localAddress()).getPort() > 0);
    }

    @Test
    void aWildcardListenerAnswersEveryIpOfItsPortAndPeersSeeEachOther() {
        Sock server = listening(Co.initIpAddr("0.0.0.0", 0), 8);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Sock client = sock();
        assertEquals(0, client.connect(Co.initIpAddr("127.0.0.1", port), 1000), Co::strerror);
        Sock accepted = server.accept(1000);
        assertNotNull(accepted, Co::strerror);
        socks.add(accepted);
        assertEquals(client.localAddress(), accepted.remoteAddress());
        assertEquals("127.0.0.1:" + port, client.peer());
    }

    @Test
    void unixAddressesAreNamesTooAndTouchNoFile() {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/nonexistent/dir/mem.sock");
        Sock server = listening(path, 8);
        Sock client = sock();
        assertEquals(0, client.connect(path, 1000), Co::strerror);
        assertNotNull(server.accept(1000), Co::strerror);
    }

    @Test
    void boundButNotListeningRefuses() {
        Sock bound = sock();
        assertEquals(0, bound.bind(MemAddress.of("quiet")), Co::strerror);
        assertEquals(-1, sock().connect(MemAddress.of("quiet"), 1000));
        assertEquals(Errno.ECONNREFUSED, Co.error());
    }

    @Test
    void aConnectToAFullBacklogTimesOutAndAnotherThreadsCloseEndsItsWait() throws Exception {
        Sock server = listening(MemAddress.ANY, 1);
        assertEquals(0, sock().connect(server.localAddress(), 1000), Co::strerror);
        long t0 = System.nanoTime();
        assertEquals(-1, sock().connect(server.localAddress(), 150));
        assertTrue(Co.timeout());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(140));
        Sock waiting = sock();
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            int r = waiting.connect(server.localAddress(), -1);
            return r == -1 ? Co.error() : 0;
        });
        awaitWaiting(blocked, waiting);
        waiting.close();
        assertEquals(Errno.EBADF, (int) blocked.get(10, TimeUnit.SECONDS));
    }

    /** Waits until the connect of {@code s} has queued on the listener (it holds a local name then). */
    private static void awaitWaiting(CompletableFuture<?> f, Sock s) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.localAddress() == null && !f.isDone()) {
            assertTrue(System.nanoTime() < end, "connect never started");
            Thread.onSpinWait();
        }
    }

    @Test
    void closingAListenerResetsConnectionsNotYetAccepted() {
        Sock server = listening(MemAddress.ANY, 8);
        Sock client = sock();
        assertEquals(0, client.connect(server.localAddress(), 1000), Co::strerror);
        server.close();
        assertEquals(-1, client.recv(ByteBuffer.allocate(8), 1000));
        assertEquals(Errno.ECONNRESET, Co.error());
    }

    @Test
    void afterShutdownReadTheReaderSeesEndOfStreamAndTheWriterIsNotStuck() {
        Sock server = listening(MemAddress.ANY, 8);
        Sock client = sock();
        assertEquals(0, client.connect(server.localAddress(), 1000), Co::strerror);
        Sock accepted = server.accept(1000);
        socks.add(accepted);
        assertEquals(0, accepted.shutdown('r'), Co::strerror);
        assertEquals(0, accepted.recv(ByteBuffer.allocate(8), 1000));
        ByteBuffer lots = ByteBuffer.allocate(4 * MemTransports.DEFAULT_BUFFER_SIZE);
        assertEquals(lots.capacity(), client.send(lots, 1000), Co::strerror);
        assertEquals(-1, accepted.shutdown('x'));
        assertEquals(Errno.EINVAL, Co.error());
    }

    @Test
    void theReceiveBufferBoundsWhatASenderGetsAhead() {
        Sock server = sock();
        assertEquals(0, server.setOption(StandardSocketOptions.SO_RCVBUF, 1024), Co::strerror);
        assertEquals(0, server.bind(MemAddress.ANY));
        assertEquals(0, server.listen());
        assertEquals(1024, (int) server.getOption(StandardSocketOptions.SO_RCVBUF));
        assertEquals(0, server.setTcpNoDelay(), Co::strerror);
        assertNull(server.getOption(StandardSocketOptions.IP_TOS));
        assertEquals(Errno.EOPNOTSUPP, Co.error());
        Sock client = sock();
        assertEquals(0, client.connect(server.localAddress(), 1000), Co::strerror);
        ByteBuffer two = ByteBuffer.allocate(2048);
        assertEquals(-1, client.send(two, 100));
        assertTrue(Co.timeout());
        assertEquals(1024, two.position(), "exactly the receiver's buffer went");
    }

    @Test
    void pingPongOnOneAffineSchedulerNeverBlocksItsThread() throws Exception {
        co = Coroutines.start("affine", 1);
        Sock server = listening(MemAddress.ANY, 8);
        CompletableFuture<Integer> served = co.go(() -> {
            Sock c = server.accept(5000);
            assertNotNull(c, Co::strerror);
            ByteBuffer b = ByteBuffer.allocate(4);
            int rounds = 0;
            while (c.recvn(b.clear(), 5000) == 4) {
                assertEquals(4, c.send(b.flip(), 5000), Co::strerror);
                rounds++;
            }
            c.close();
            return rounds;
        });
        CompletableFuture<Void> client = co.go(() -> {
            Sock s = sock();
            assertEquals(0, s.connect(server.localAddress(), 5000), Co::strerror);
            for (int i = 0; i < 1000; i++) {
                ByteBuffer b = ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII));
                assertEquals(4, s.send(b, 5000), Co::strerror);
                assertEquals(4, s.recvn(b.clear(), 5000), Co::strerror);
            }
            s.close();
            return null;
        });
        Coroutines.await(client, Duration.ofSeconds(20));
        assertEquals(1000, (int) Coroutines.await(served, Duration.ofSeconds(20)));
    }

    @Test
    @Timeout(60)
    void tenThousandConnectionsInOneProcess() throws Exception {
        co = Coroutines.start("affine", 2);
        Sock server = listening(MemAddress.ANY, 1024);
        int many = 10_000;
        AtomicLong echoed = new AtomicLong();
        CountDownLatch served = new CountDownLatch(many);
        co.go(() -> {
            for (;;) {
                Sock c = server.accept(-1);
                if (c == null) {
                    return null;                                 // the listener was closed
                }
                co.runtime().go(() -> {
                    try (c) {
                        ByteBuffer b = ByteBuffer.allocate(64);
                        int n;
                        while ((n = c.recv(b.clear(), 10_000)) > 0 && c.send(b.flip(), 10_000) == n) {
                            echoed.addAndGet(n);
                        }
                    } finally {
                        served.countDown();
                    }
                });
            }
        });
        CountDownLatch done = new CountDownLatch(many);
        AtomicLong failures = new AtomicLong();
        for (int i = 0; i < many; i++) {
            co.runtime().go(() -> {
                Sock s = mem.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
                try (s) {
                    ByteBuffer b = ByteBuffer.allocate(64);
                    if (s.connect(server.localAddress(), 10_000) != 0 || s.send(b, 10_000) != 64
                            || s.recvn(b.clear(), 10_000) != 64) {
                        failures.incrementAndGet();
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(50, TimeUnit.SECONDS), "clients did not finish");
        assertEquals(0, failures.get());
        assertTrue(served.await(20, TimeUnit.SECONDS), "the server did not see every client close");
        assertEquals((long) many * 64, echoed.get());
    }
}
