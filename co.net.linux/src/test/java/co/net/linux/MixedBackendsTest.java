package co.net.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.IoEvent;
import co.api.Sock;
import co.api.spi.CoRuntime;
import co.api.spi.IoBackend;
import co.net.testsuite.Coroutines;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transports and backends mixed in one runtime: nio sockets and a raw JDK channel through
 * {@link IoEvent} on schedulers that run epoll (one blocking wait serves both), epoll sockets on
 * schedulers that run the JDK selector (the shared epoll poller), and a backend that fails to set
 * up (the runtime runs on the JDK selector instead).
 */
class MixedBackendsTest {

    private static Coroutines withBackend(String io) {
        return withProperty("co.io", io, () -> Coroutines.start("affine", 2));
    }

    static <T> T withProperty(String key, String value, Supplier<T> body) {
        String old = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }

    private static String backendName(Coroutines co) throws Exception {
        return co.go(() -> {
            IoBackend b = co.runtime().ioBackend();
            return b == null ? "none" : b.name();
        }).get();
    }

    /** Echoes one message from a {@code client} transport to a {@code server} transport. */
    private static void echo(Coroutines co, String serverTransport, String clientTransport) throws Exception {
        Sock server = Co.transport(serverTransport).socket(java.net.StandardProtocolFamily.INET, Sock.Type.STREAM);
        try {
            assertEquals(0, server.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
            assertEquals(0, server.listen(), Co::strerror);
            CompletableFuture<Void> served = co.go(() -> {
                try (Sock conn = server.accept(10_000)) {
                    assertNotNull(conn, Co::strerror);
                    ByteBuffer b = ByteBuffer.allocate(5);
                    assertEquals(5, conn.recvn(b, 10_000), Co::strerror);
                    b.flip();
                    assertEquals(5, conn.send(b, 10_000), Co::strerror);
                }
                return null;
            });
            String back = co.go(() -> {
                try (Sock s = Co.transport(clientTransport).socket(java.net.StandardProtocolFamily.INET, Sock.Type.STREAM)) {
                    assertEquals(0, s.connect(server.localAddress(), 10_000), Co::strerror);
                    assertEquals(5, s.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), 10_000));
                    ByteBuffer b = ByteBuffer.allocate(5);
                    assertEquals(5, s.recvn(b, 10_000), Co::strerror);
                    return new String(b.array(), StandardCharsets.UTF_8);
                }
            }).get();
            assertEquals("hello", back);
            Coroutines.await(served);
        } finally {
            server.close();
        }
    }

    @Test
    @Timeout(30)
    void nioAndEpollSocketsShareAnEpollScheduler() throws Exception {
        try (Coroutines co = withBackend("epoll")) {
            assertEquals("epoll", backendName(co));
            echo(co, "nio", "epoll");
            echo(co, "epoll", "nio");
            echo(co, "nio", "nio");
        }
    }

    @Test
    @Timeout(30)
    void ioEventOnARawJdkChannelOnAnEpollScheduler() throws Exception {
        try (Coroutines co = withBackend("epoll");
                ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            CompletableFuture<Void> firstWaitOver = new CompletableFuture<>();
            CompletableFuture<Boolean> waited = co.go(() -> {
                try (IoEvent ev = new IoEvent(listener, IoEvent.READ)) {
                    // Nobody connects before this wait is over: it times out on the scheduler's timer.
                    boolean early = ev.await(50);
                    boolean timedOut = Co.timeout();
                    firstWaitOver.complete(null);
                    boolean later = ev.await(10_000);
                    return !early && timedOut && later && !Co.timeout();
                }
            });
            firstWaitOver.get();
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                assertTrue(client.isConnected());
                assertTrue(waited.get(), "IoEvent timed out once, then woke for the pending connection");
            }
        }
    }

    @Test
    @Timeout(30)
    void epollSocketsOnASelectorScheduler() throws Exception {
        try (Coroutines co = withBackend("nio")) {
            assertEquals("nio", backendName(co));
            echo(co, "epoll", "epoll");
            echo(co, "epoll", "nio");
        }
    }

    @Test
    @Timeout(30)
    void aBackendThatFailsToSetUpLeavesTheRuntimeOnTheSelector() throws Exception {
        try (Coroutines co = withBackend(FailingBackendProvider.NAME)) {
            assertEquals("nio", backendName(co));
            echo(co, "epoll", "nio");
        }
        assertTrue(FailingBackendProvider.OPENED.get() > 0, "the runtime tried the named backend");
    }

    @Test
    @Timeout(30)
    void anUnknownBackendLeavesTheRuntimeOnTheSelector() throws Exception {
        try (Coroutines co = withBackend("no-such-backend")) {
            assertEquals("nio", backendName(co));
        }
    }

    @Test
    void theRuntimeAnswersNoBackendOutsideItsCoroutines() {
        try (Coroutines co = withBackend("epoll")) {
            CoRuntime rt = co.runtime();
            assertEquals(null, rt.ioBackend());
        }
    }
}
