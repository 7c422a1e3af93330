package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.Coroutines;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edge semantics every transport shares (RULES: issue 15 section 5), held for TLS over nio:
 * {@code close(ms)} on a closed socket, {@code close(ms > 0)} and {@code reset(ms > 0)},
 * {@code recvfrom} on a stream (also at its end) and {@code ms = 0} ("do not wait").
 */
@Timeout(30)
class TlsEdgeSemanticsTest {

    private final TestPki pki = TestPki.get();
    private Coroutines co;
    private Sock listener;
    private Sock client;
    private Sock server;

    /** A connected, handshaken pair: {@link #client} and {@link #server}. */
    @BeforeEach
    void connect() throws Exception {
        co = Coroutines.start("affine", 2);
        Transport tls = TlsTransports.over(Co.transport("nio"), pki.server().build(),
                pki.client().serverName("localhost").build());
        listener = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        assertEquals(0, listener.bind(Co.initIpAddr("127.0.0.1", 0)), Co.strerror());
        assertEquals(0, listener.listen(), Co.strerror());
        CompletableFuture<Sock> accepted = co.go(() -> listener.accept(10_000));
        client = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        co.run(() -> assertEquals(0, client.connect(listener.localAddress(), 10_000), Co.strerror()));
        server = Coroutines.await(accepted);
        assertNotNull(server);
        co.run(() -> assertEquals(0, ((TlsSock) server).handshake(10_000), Co.strerror()));
    }

    @AfterEach
    void close() {
        for (Sock s : new Sock[] {client, server, listener}) {
            if (s != null) {
                s.close();
            }
        }
        co.close();
    }

    @Test
    void closeOnAClosedSocketFailsWithEbadfAtOnce() throws Exception {
        co.run(() -> {
            assertEquals(0, client.close(0));
            long t0 = System.nanoTime();
            assertEquals(-1, client.close(500));
            assertEquals(Errno.EBADF, Co.error());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 400, "no wait before EBADF");
            client.close();   // close() stays quiet
            assertEquals(0, listener.close(0), "a listener closes once");
            assertEquals(-1, listener.close(0));
            assertEquals(Errno.EBADF, Co.error());
        });
    }

    @Test
    void closeWithADelayWaitsThenClosesWithCloseNotify() throws Exception {
        co.run(() -> {
            long t0 = System.nanoTime();
            assertEquals(0, client.close(200));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 190, "waited before closing");
            assertFalse(client.isOpen());
            // The peer sees a clean end: close_notify went out.
            assertEquals(0, server.recv(ByteBuffer.allocate(8), 5000), Co.strerror());
        });
    }

    @Test
    void resetWithADelayWaitsThenResets() throws Exception {
        co.run(() -> {
            long t0 = System.nanoTime();
            assertEquals(0, client.reset(200), Co.strerror());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) >= 190, "waited before resetting");
            assertFalse(client.isOpen());
            // No close_notify, an RST: the peer sees a reset, never a clean end.
            assertEquals(-1, server.recv(ByteBuffer.allocate(8), 5000));
            assertEquals(Errno.ECONNRESET, Co.error(), Co.strerror());
        });
    }

    @Test
    void recvfromNamesThePeerAlsoAtTheEndAndClearsTheError() throws Exception {
        co.run(() -> {
            SocketAddress peer = server.remoteAddress();
            assertEquals(3, client.send(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)), 5000));
            ByteBuffer buf = ByteBuffer.allocate(8);
            Co.setLastError(Errno.EINVAL);
            assertEquals(peer, server.recvfrom(buf, 5000));
            assertEquals(3, buf.position());
            assertEquals(0, Co.error(), "a successful recvfrom clears the last error");
            assertEquals(0, client.shutdown('w'), Co.strerror());
            Co.setLastError(Errno.EINVAL);
            buf.clear();
            assertEquals(peer, server.recvfrom(buf, 5000), "at the end of the stream too");
            assertEquals(0, buf.position());
            assertEquals(0, Co.error());
            assertEquals(peer, server.recvfrom(buf, 5000), "and at every later call");
        });
    }

    @Test
    void zeroTimeoutReturnsWhatIsBufferedAndTimesOutOnlyWhenItWouldWait() throws Exception {
        co.run(() -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(-1, server.recv(one, 0), "nothing there yet");
            assertTrue(Co.timeout());
            assertEquals(Errno.ETIMEDOUT, Co.error());
            assertEquals(4, client.send(ByteBuffer.wrap("abcd".getBytes(StandardCharsets.US_ASCII)), 5000));
            // One byte with waiting: the record arrives whole, three bytes stay buffered in TLS.
            assertEquals(1, server.recv(one, 5000), Co.strerror());
            ByteBuffer rest = ByteBuffer.allocate(8);
            assertEquals(3, server.recv(rest, 0), "buffered bytes come without waiting");
            assertFalse(Co.timeout());
            assertEquals("bcd", new String(rest.array(), 0, 3, StandardCharsets.US_ASCII));
            assertEquals(-1, server.recv(rest.clear(), 0));
            assertTrue(Co.timeout());
        });
    }
}
