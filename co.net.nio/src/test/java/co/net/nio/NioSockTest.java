package co.net.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.IoEvent;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.TransportProvider;
import co.net.testsuite.Coroutines;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What is particular to the nio transport: lookup, addresses, options, misuse, plain threads. */
class NioSockTest {

    private final List<Sock> socks = new ArrayList<>();
    private Coroutines co;

    @AfterEach
    void close() {
        socks.forEach(Sock::close);
        socks.clear();
        if (co != null) {
            co.close();
        }
    }

    private Sock tcp() {
        Sock s = Co.tcpSocket();
        assertNotNull(s, Co::strerror);
        socks.add(s);
        return s;
    }

    private Sock listener() {
        Sock s = tcp();
        assertEquals(0, s.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
        assertEquals(0, s.listen(), Co::strerror);
        return s;
    }

    @Test
    @Timeout(10)
    void foundByNameAndAsTheDefault() {
        assertTrue(ServiceLoader.load(TransportProvider.class).stream().anyMatch(p -> p.get().name().equals("nio")));
        Transport nio = Co.transport("nio");
        assertEquals("nio", nio.name());
        assertEquals("nio", Co.transport().name());
        Sock s = tcp();
        assertEquals(nio, s.transport());
        assertEquals(Sock.Type.STREAM, s.type());
        assertTrue(s.isOpen());
    }

    @Test
    @Timeout(30)
    void aPollAfterADrainingReadStillReadsWhatIsThere() throws Exception {
        // After a read leaves room in its buffer, an affine coroutine waits for readiness before
        // its next read; a poll (ms = 0) must not, or its timer would win over data already there.
        co = Coroutines.start("affine", 1);
        Sock server = listener();
        Sock client = tcp();
        assertEquals(0, client.connect(server.localAddress(), 5000), Co::strerror);
        Sock conn = Coroutines.await(co.go(() -> server.accept(5000)));
        assertNotNull(conn);
        socks.add(conn);
        assertEquals(2, client.send(ByteBuffer.wrap(new byte[] {1, 2}), 5000));
        String got = Coroutines.await(co.go(() -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            int first = conn.recv(b, 5000);                   // drains the socket
            assertEquals(0, client.send(ByteBuffer.wrap(new byte[] {3, 4, 5}), 5000) - 3);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int second;
            do {                                              // bytes in flight on loopback: poll until they land
                second = conn.recv(b, 0);
            } while (second < 0 && Co.timeout() && System.nanoTime() < deadline);
            int third = client.send(ByteBuffer.wrap(new byte[] {6}), 5000);
            int fourth = conn.recv(b, 5000);                  // waits first, finds the byte
            return first + " " + second + " " + third + " " + fourth + " " + b.position();
        }));
        assertEquals("2 3 1 1 6", got);
    }

    @Test
    @Timeout(30)
    void closingFromAnotherThreadReleasesThePortAlthoughTheSchedulerIsIdle() throws Exception {
        // A listener waits once in a coroutine (so its channel is registered with that scheduling
        // thread's selector), then the scheduler goes idle with no timer. A close from this plain
        // thread must free the port now, not at the idle selector's next selection.
        co = Coroutines.start("affine", 1);
        Sock server = listener();
        InetSocketAddress at = (InetSocketAddress) server.localAddress();
        assertTrue(Coroutines.await(co.go(() -> server.accept(20) == null && Co.timeout())));
        server.close();
        // The wake-up reaches the scheduling thread asynchronously: poll for the port, bounded.
        // Without it the idle selector would hold the descriptor for ever and this would time out.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            Sock again = tcp();
            assertEquals(0, again.setReuseAddr(), Co::strerror);
            if (again.bind(at) == 0) {
                assertEquals(0, again.listen(), Co::strerror);
                return;
            }
            assertEquals(Errno.EADDRINUSE, Co.error(), Co::strerror);
            again.close();
            assertTrue(System.nanoTime() < deadline, "the port was not released");
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(20)
    void bindErrorsShowAtBind() {
        Sock a = listener();
        Sock b = tcp();
        assertEquals(-1, b.bind(a.localAddress()));
        assertEquals(Errno.EADDRINUSE, Co.error(), Co::strerror);
        Sock c = tcp();
        assertEquals(-1, c.bind(Co.initIpAddr("192.0.2.1", 0)));        // TEST-NET-1: not ours
        assertEquals(Errno.EADDRNOTAVAIL, Co.error(), Co::strerror);
        Sock d = tcp();
        assertEquals(-1, d.bind(Co.initIpAddr("::1", 0)));              // IPv6 address, IPv4 socket
        assertEquals(Errno.EINVAL, Co.error(), Co::strerror);
    }

    @Test
    @Timeout(20)
    void bindReportsThePortAndListenKeepsIt() {
        Sock s = tcp();
        assertEquals(0, s.setReuseAddr(), Co::strerror);
        assertEquals(0, s.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
        int port = ((InetSocketAddress) s.localAddress()).getPort();
        assertTrue(port > 0);
        assertEquals(0, s.listen(16), Co::strerror);
        assertEquals(port, ((InetSocketAddress) s.localAddress()).getPort());
        assertEquals(Boolean.TRUE, s.getOption(StandardSocketOptions.SO_REUSEADDR), "carried to the listener");
        assertEquals(0, s.listen(), "listen again is harmless");
        Sock unbound = tcp();
        assertEquals(0, unbound.listen(), Co::strerror);
        assertNotEquals(0, ((InetSocketAddress) unbound.localAddress()).getPort());
    }

    @Test
    @Timeout(20)
    void optionsAndUnsupportedOptions() throws Exception {
        co = Coroutines.start("affine", 1);
        Sock server = listener();
        co.run(() -> {
            Sock s = tcp();
            assertEquals(0, s.setTcpNoDelay());
            assertEquals(0, s.setTcpKeepAlive());
            assertEquals(0, s.setRecvBufferSize(64 * 1024));
            assertEquals(0, s.setSendBufferSize(64 * 1024));
            assertEquals(0, s.connect(server.localAddress(), 5000), Co::strerror);
            assertEquals(Boolean.TRUE, s.getOption(StandardSocketOptions.TCP_NODELAY));
            assertEquals(Boolean.TRUE, s.getOption(StandardSocketOptions.SO_KEEPALIVE));
            assertNull(s.getOption(StandardSocketOptions.IP_MULTICAST_TTL));
            assertEquals(Errno.EOPNOTSUPP, Co.error(), Co::strerror);
            assertEquals(-1, s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 2));
            assertEquals(Errno.EOPNOTSUPP, Co.error());
            assertEquals(-1, s.setOption(StandardSocketOptions.SO_RCVBUF, -5));
            assertEquals(Errno.EINVAL, Co.error());
            assertTrue(s.peer().startsWith("127.0.0.1:"), s.peer());
        });
    }

    @Test
    @Timeout(20)
    void aClientMayBindBeforeItConnects() throws Exception {
        co = Coroutines.start("affine", 2);
        Sock server = listener();
        CompletableFuture<Sock> accepted = co.go(() -> server.accept(5000));
        co.run(() -> {
            Sock s = tcp();
            assertEquals(0, s.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
            SocketAddress local = s.localAddress();
            assertEquals(0, s.connect(server.localAddress(), 5000), Co::strerror);
            Sock conn = Coroutines.await(accepted);
            socks.add(conn);
            assertEquals(local, conn.remoteAddress());
            assertEquals(Co.toString(local), conn.peer());
            // recvfrom on a stream names the peer.
            assertEquals(2, conn.send(ByteBuffer.wrap("hi".getBytes()), 1000));
            assertEquals(server.localAddress(), s.recvfrom(ByteBuffer.allocate(8), 5000));
        });
    }

    @Test
    @Timeout(20)
    void misuseIsAnErrorCode() {
        Sock l = listener();
        assertEquals(-1, l.recv(ByteBuffer.allocate(1), 0));
        assertEquals(Errno.ENOTCONN, Co.error());
        assertEquals(-1, l.send(ByteBuffer.allocate(1), 0));
        assertEquals(Errno.ENOTCONN, Co.error());
        assertEquals(-1, l.connect(Co.initIpAddr("127.0.0.1", 1), 0));
        assertEquals(Errno.EISCONN, Co.error());
        Sock fresh = tcp();
        assertNull(fresh.accept(0));
        assertEquals(Errno.EINVAL, Co.error());
        assertEquals(-1, fresh.shutdown('x'));
        assertEquals(Errno.EINVAL, Co.error());
        assertEquals(-1, fresh.shutdown('w'));
        assertEquals(Errno.ENOTCONN, Co.error());
        assertEquals(-1, fresh.recv(ByteBuffer.allocate(1), 0));
        assertEquals(Errno.ENOTCONN, Co.error());
        Sock unix = Co.tcpSocket(StandardProtocolFamily.UNIX);
        socks.add(unix);
        assertEquals(-1, unix.listen());
        assertEquals(Errno.EINVAL, Co.error(), "a Unix socket needs a path");
        assertEquals(0, fresh.close(0));
        assertFalse(fresh.isOpen());
        assertEquals(-1, fresh.close(0));
        assertEquals(Errno.EBADF, Co.error());
        fresh.close();                                              // close() is idempotent
        assertEquals(-1, fresh.recv(ByteBuffer.allocate(1), 0));
        assertEquals(Errno.EBADF, Co.error());
        assertEquals(-1, fresh.bind(Co.initIpAddr("127.0.0.1", 0)));
        assertEquals(Errno.EBADF, Co.error());
        assertNull(fresh.localAddress());
    }

    /**
     * The chosen behaviour outside coroutines: every call works and blocks the calling thread
     * (waiting through the shared poller), with the same return values and error codes.
     */
    @Test
    @Timeout(20)
    void onAPlainThreadCallsBlockTheThreadAndWork() throws Exception {
        Sock server = listener();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread echo = Thread.ofPlatform().start(() -> {
            try (Sock conn = server.accept(5000)) {
                ByteBuffer b = ByteBuffer.allocate(100);
                int n = conn.recv(b, 5000);
                b.flip();
                conn.send(b, 5000);
                assertEquals(5, n);
                assertEquals(0, conn.recv(ByteBuffer.allocate(1), 5000));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Sock s = tcp();
        assertEquals(0, s.connect(server.localAddress(), 5000), Co::strerror);
        assertEquals(-1, s.recv(ByteBuffer.allocate(10), 100));
        assertTrue(Co.timeout());
        assertEquals(5, s.send(ByteBuffer.wrap("plain".getBytes()), 5000));
        byte[] back = new byte[5];
        assertEquals(5, s.recvn(ByteBuffer.wrap(back), 5000), Co::strerror);
        assertEquals("plain", new String(back, StandardCharsets.UTF_8));
        s.close();
        echo.join(10_000);
        assertNull(failure.get());
        assertNull(server.accept(50));
        assertTrue(Co.timeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    @Timeout(20)
    void interruptingABlockedRecvReturnsEintrWithoutSpinning(String scheduler) throws Exception {
        co = Coroutines.start(scheduler, 1);
        Sock server = listener();
        CompletableFuture<Sock> accepted = co.go(() -> server.accept(5000));
        Sock s = tcp();
        AtomicReference<Thread> receiver = new AtomicReference<>();
        CompletableFuture<Integer> blocked = co.go(() -> {
            assertEquals(0, s.connect(server.localAddress(), 5000), Co::strerror);
            receiver.set(Thread.currentThread());
            int n = s.recv(ByteBuffer.allocate(8), -1);
            assertEquals(Errno.EINTR, Co.error(), Co::strerror);
            assertTrue(Thread.interrupted());
            return n;
        });
        socks.add(Coroutines.await(accepted));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.get() == null || receiver.get().getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < end);
            Thread.sleep(1);
        }
        receiver.get().interrupt();
        assertEquals(-1, (int) Coroutines.await(blocked));
        assertTrue(s.isOpen(), "an interrupt does not close the socket");
    }

    @Test
    @Timeout(20)
    void ioEventCoroutineizesAThirdPartyChannel() throws Exception {
        co = Coroutines.start("affine", 1);
        Sock server = listener();
        CompletableFuture<Void> served = co.go(() -> {
            try (Sock conn = server.accept(5000)) {
                Co.sleep(50);
                conn.send(ByteBuffer.wrap("late".getBytes()), 1000);
                assertEquals(0, conn.recv(ByteBuffer.allocate(1), 5000), "until the client closes");
            }
        });
        co.run(() -> {
            try (SocketChannel raw = SocketChannel.open()) {
                // Third-party non-blocking code: connect, then read, waiting with IoEvent.
                raw.configureBlocking(false);
                if (!raw.connect(server.localAddress())) {
                    try (IoEvent ev = new IoEvent(raw, IoEvent.WRITE)) {
                        while (!raw.finishConnect()) {
                            assertTrue(ev.await(5000), Co::strerror);
                        }
                    }
                }
                ByteBuffer b = ByteBuffer.allocate(4);
                try (IoEvent ev = new IoEvent(raw, IoEvent.READ)) {
                    while (b.hasRemaining()) {
                        int n = raw.read(b);
                        if (n == 0) {
                            assertTrue(ev.await(5000), Co::strerror);
                        }
                    }
                }
                assertEquals("late", new String(b.array(), StandardCharsets.UTF_8));
                try (IoEvent ev = new IoEvent(raw, IoEvent.READ)) {
                    assertFalse(ev.await(30));
                    assertTrue(Co.timeout());
                }
            }
        });
        Coroutines.await(served);
    }

    @Test
    @Timeout(20)
    void addressText() {
        assertEquals("127.0.0.1:80", Co.toString(Co.initIpAddr("127.0.0.1", 80)));
        assertEquals("[::1]:80", Co.toString(Co.initIpAddr("::1", 80)));
        assertEquals("::1", Co.ipStr(Co.initIpAddr("::1", 80)));
    }
    /**
     * Client sockets that connected and then sit idle cost co's threads nothing. A connect's
     * OP_CONNECT interest must not stay armed: the selector never reports it once the channel is
     * connected, so epoll would return at once on every select and the scheduling thread (affine) or
     * the shared poller thread (virtual) would spin a core.
     */
    @ParameterizedTest
    @ValueSource(strings = {"affine", "virtual"})
    @Timeout(30)
    void idleConnectedClientsCostCoThreadsNoCpu(String provider) throws Exception {
        co = Coroutines.start(provider, 1);
        Sock server = listener();
        for (int i = 0; i < 16; i++) {
            // Several connects, so that some surely complete through the OP_CONNECT wait.
            Sock client = Coroutines.await(co.go(() -> {
                Sock c = Co.tcpSocket();
                return c.connect(server.localAddress(), 5000) == 0 ? c : null;
            }));
            assertNotNull(client, "connect failed");
            socks.add(client);
            Sock conn = server.accept(5000);
            assertNotNull(conn, Co::strerror);
            socks.add(conn);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long before = coThreadsCpuNanos(mx);
        long start = System.nanoTime();
        Thread.sleep(500); // the window measured: everything is idle
        long wall = System.nanoTime() - start;
        long used = coThreadsCpuNanos(mx) - before;
        assertTrue(used < wall / 5, "co's threads used " + used / 1_000_000 + " ms of CPU in " + wall / 1_000_000
                + " ms while every socket was idle");
    }

    /** CPU time of every co scheduling thread and of the shared poller thread. */
    private static long coThreadsCpuNanos(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.matches("co\\d*-scheduler-\\d+") || name.equals("co-poller")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
        }
        return sum;
    }
}
