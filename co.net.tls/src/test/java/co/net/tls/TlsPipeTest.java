package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine driver over an in-memory chunking socket pair: handshakes and transfers with 1..n bytes
 * per underlying call, full duplex with small buffers, close_notify, truncation, timeouts, closing
 * from another thread.
 */
@Timeout(60)
class TlsPipeTest {

    static final TestPki PKI = TestPki.get();

    /** A TLS client and server over one pipe pair; handshake not yet done. */
    record Pair(TlsSock client, TlsSock server, PipeSock rawClient, PipeSock rawServer) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    static Pair pair(TlsConfig server, TlsConfig client, int maxChunk, int capacity) {
        PipeSock[] p = PipeSock.pair(maxChunk, capacity, maxChunk * 31L + capacity);
        return new Pair(TlsTransports.client(p[0], client), TlsTransports.server(p[1], server), p[0], p[1]);
    }

    static TlsConfig serverConfig(String protocol) {
        return PKI.server().protocols(protocol).build();
    }

    static TlsConfig clientConfig(String protocol) {
        return PKI.client().serverName("localhost").protocols(protocol).build();
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads until the peer closes; -1 (with the error) if a recv fails. */
    static Outcome drain(Sock s, ByteBuffer into) {
        for (;;) {
            int n = s.recv(into, 10_000);
            if (n <= 0) {
                return Outcome.of(n);
            }
        }
    }

    /** Echoes until the peer closes, then closes. */
    static Outcome echo(Sock s) {
        ByteBuffer buf = ByteBuffer.allocate(10_000);
        try {
            for (;;) {
                buf.clear();
                int n = s.recv(buf, 10_000);
                if (n <= 0) {
                    return Outcome.of(n);
                }
                buf.flip();
                if (s.send(buf, 10_000) < 0) {
                    return Outcome.of(-1);
                }
            }
        } finally {
            s.close();
        }
    }

    static Stream<Arguments> chunkings() {
        return Stream.of(
                Arguments.of("TLSv1.3", 1, 64, 20_000),
                Arguments.of("TLSv1.2", 1, 64, 20_000),
                Arguments.of("TLSv1.3", 7, 1000, 300_000),
                Arguments.of("TLSv1.2", 7, 1000, 300_000),
                Arguments.of("TLSv1.3", 65536, 1 << 20, 3_000_000));
    }

    @ParameterizedTest(name = "{0} chunk<={1} buffer={2} bytes={3}")
    @MethodSource("chunkings")
    void handshakeAndEchoOverChunkingTransport(String protocol, int maxChunk, int capacity, int bytes) throws Exception {
        try (Pair p = pair(serverConfig(protocol), clientConfig(protocol), maxChunk, capacity)) {
            Future<Outcome> server = Tasks.fork(() -> echo(p.server()));
            byte[] sent = data(bytes, bytes);
            Future<Outcome> writer = Tasks.fork(() -> Outcome.of(p.client().send(ByteBuffer.wrap(sent), 20_000)));
            ByteBuffer got = ByteBuffer.allocate(bytes);
            Outcome r = Outcome.of(p.client().recvn(got, 20_000));
            assertEquals(bytes, r.value(), () -> r.message() + "; server: " + (server.isDone() ? server.resultNow() : "running"));
            assertEquals(bytes, writer.get(30, TimeUnit.SECONDS).value());
            assertArrayEquals(sent, got.array());
            assertEquals(protocol, p.client().session().getProtocol());
            assertEquals(0, p.client().shutdown('w'), Co.strerror());
            Outcome end = server.get(30, TimeUnit.SECONDS);
            assertEquals(0, end.value(), "server sees close_notify as end of stream: " + end.message());
            assertEquals(0, p.client().recv(ByteBuffer.allocate(10), 5000), "server's close_notify: " + Co.strerror());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void fullDuplexWithSmallBuffersDoesNotDeadlock(String protocol) throws Exception {
        int bytes = 4 << 20;
        try (Pair p = pair(serverConfig(protocol), clientConfig(protocol), 3000, 8192)) {
            byte[] a = data(bytes, 1);
            byte[] b = data(bytes, 2);
            // Both sides write everything before anyone reads to the end: only full duplex gets through.
            Future<Outcome> cw = Tasks.fork(() -> Outcome.of(p.client().send(ByteBuffer.wrap(a), 30_000)));
            Future<Outcome> sw = Tasks.fork(() -> Outcome.of(p.server().send(ByteBuffer.wrap(b), 30_000)));
            ByteBuffer atServer = ByteBuffer.allocate(bytes);
            Future<Outcome> sr = Tasks.fork(() -> Outcome.of(p.server().recvn(atServer, 30_000)));
            ByteBuffer atClient = ByteBuffer.allocate(bytes);
            Outcome cr = Outcome.of(p.client().recvn(atClient, 30_000));
            assertEquals(bytes, cr.value(), cr.message());
            assertEquals(bytes, sr.get(40, TimeUnit.SECONDS).value());
            assertEquals(bytes, cw.get(40, TimeUnit.SECONDS).value());
            assertEquals(bytes, sw.get(40, TimeUnit.SECONDS).value());
            assertArrayEquals(b, atClient.array());
            assertArrayEquals(a, atServer.array());
        }
    }

    @Test
    void peerClosingWithoutCloseNotifyIsTruncation() throws Exception {
        try (Pair p = pair(serverConfig("TLSv1.3"), clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> server = Tasks.fork(() -> {
                int n = p.server().send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 5000);
                p.rawServer().close();   // the TCP-level close, no close_notify
                return Outcome.of(n);
            });
            ByteBuffer got = ByteBuffer.allocate(100);
            assertEquals(5, p.client().recvn(ByteBuffer.wrap(new byte[5]), 5000), Co.strerror());
            assertEquals(5, server.get(10, TimeUnit.SECONDS).value());
            assertEquals(-1, p.client().recv(got, 5000));
            assertEquals(Errno.ECONNRESET, Co.error());
            assertTrue(Co.strerror().contains("truncation"), Co.strerror());
            assertFalse(p.client().isOpen());
        }
    }

    @Test
    void closeNotifyBothDirectionsAndHalfClose() throws Exception {
        try (Pair p = pair(serverConfig("TLSv1.3"), clientConfig("TLSv1.3"), 50, 1 << 16)) {
            Future<Outcome> server = Tasks.fork(() -> {
                ByteBuffer in = ByteBuffer.allocate(100);
                Outcome end = drain(p.server(), in);
                if (end.value() != 0) {
                    return end;
                }
                in.flip();
                // The client's write side is closed; it still reads: answer after its close_notify.
                int n = p.server().send(in, 5000);
                p.server().close();
                return Outcome.of(n);
            });
            assertEquals(4, p.client().send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), 5000));
            assertEquals(0, p.client().shutdown('w'));
            assertEquals(-1, p.client().send(ByteBuffer.wrap(new byte[1]), 1000));
            assertEquals(Errno.EPIPE, Co.error());
            ByteBuffer got = ByteBuffer.allocate(4);
            assertEquals(4, p.client().recvn(got, 5000), Co.strerror());
            assertEquals("ping", new String(got.array(), StandardCharsets.US_ASCII));
            assertEquals(0, p.client().recv(ByteBuffer.allocate(4), 5000), Co.strerror());
            assertEquals(4, server.get(10, TimeUnit.SECONDS).value());
        }
    }

    @Test
    void recvTimeoutLeavesTheConnectionUsable() throws Exception {
        try (Pair p = pair(serverConfig("TLSv1.3"), clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> server = Tasks.fork(() -> echo(p.server()));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            long t0 = System.nanoTime();
            assertEquals(-1, p.client().recv(ByteBuffer.allocate(10), 100));
            assertTrue(Co.timeout());
            assertEquals(Errno.ETIMEDOUT, Co.error());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(90));
            assertEquals(3, p.client().send(ByteBuffer.wrap(new byte[] {1, 2, 3}), 5000));
            assertFalse(Co.timeout());
            assertEquals(3, p.client().recvn(ByteBuffer.allocate(3), 5000), Co.strerror());
            p.client().close();
            assertEquals(0, server.get(10, TimeUnit.SECONDS).value());
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReceiver() throws Exception {
        try (Pair p = pair(serverConfig("TLSv1.3"), clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> server = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, server.get(10, TimeUnit.SECONDS).value());
            Future<Outcome> blocked = Tasks.fork(() -> Outcome.of(p.client().recv(ByteBuffer.allocate(10), -1)));
            // Wait until the receiver is parked in the underlying socket, then close from here.
            while (!blocked.isDone() && !hasWaiter(p)) {
                Thread.onSpinWait();
            }
            p.client().close();
            Outcome r = blocked.get(10, TimeUnit.SECONDS);
            assertEquals(-1, r.value());
            assertEquals(Errno.EBADF, r.error());
            assertEquals(-1, p.client().recv(ByteBuffer.allocate(1), 100));
            assertEquals(Errno.EBADF, Co.error());
        }
    }

    private static boolean hasWaiter(Pair p) {
        PipeSock.Pipe in = p.rawClient().inbound();
        in.lock.lock();
        try {
            return in.lock.hasWaiters(in.changed);
        } finally {
            in.lock.unlock();
        }
    }

    @Test
    void closeIsBoundedByTheCloseNotifyTimeoutWhenThePeerNeverReads() throws Exception {
        TlsConfig client = PKI.client().serverName("localhost").closeNotifyTimeout(200).build();
        try (Pair p = pair(serverConfig("TLSv1.3"), client, 4096, 16_384)) {
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, s.get(10, TimeUnit.SECONDS).value());
            // The server never reads: the pipe fills, the send times out with records still queued.
            assertEquals(-1, p.client().send(ByteBuffer.allocate(1 << 20), 100));
            assertTrue(Co.timeout());
            long t0 = System.nanoTime();
            p.client().close();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 150 && ms < 3000, "close took " + ms + " ms");
            assertFalse(p.rawClient().isOpen());
        }
    }

    @Test
    void handshakeTimeoutIsBoundedAndFatal() {
        TlsConfig server = PKI.server().handshakeTimeout(300).build();
        PipeSock[] raw = PipeSock.pair(100, 1 << 16, 5);
        TlsSock s = TlsTransports.server(raw[1], server);
        long t0 = System.nanoTime();
        assertEquals(-1, s.recv(ByteBuffer.allocate(10), -1));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Errno.ETIMEDOUT, Co.error());
        assertTrue(Co.timeout());
        assertTrue(Co.strerror().contains("handshake timed out"), Co.strerror());
        assertTrue(ms >= 280 && ms < 3000, "took " + ms + " ms");
        assertFalse(s.isOpen());
        assertFalse(raw[1].isOpen());
        raw[0].close();
    }

    @Test
    void shortCallTimeoutDuringHandshakeIsNotFatal() throws Exception {
        PipeSock[] raw = PipeSock.pair(100, 1 << 16, 6);
        TlsSock server = TlsTransports.server(raw[1], serverConfig("TLSv1.3"));
        TlsSock client = TlsTransports.client(raw[0], clientConfig("TLSv1.3"));
        try (server; client) {
            assertEquals(-1, server.handshake(50));
            assertTrue(Co.timeout());
            assertTrue(server.isOpen());
            Future<Outcome> c = Tasks.fork(() -> Outcome.of(client.handshake(5000)));
            assertEquals(0, server.handshake(5000), Co.strerror());
            assertEquals(0, c.get(10, TimeUnit.SECONDS).value());
        }
    }

    @Test
    void alpnAndSessionInfo() throws Exception {
        TlsConfig server = PKI.server().applicationProtocols("h2", "http/1.1").build();
        TlsConfig client = PKI.client().serverName("localhost").applicationProtocols("http/1.1").build();
        try (Pair p = pair(server, client, 100, 1 << 16)) {
            assertNull(p.client().session());
            assertNull(p.client().applicationProtocol());
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, s.get(10, TimeUnit.SECONDS).value());
            assertEquals("http/1.1", p.client().applicationProtocol());
            assertEquals("http/1.1", p.server().applicationProtocol());
            assertNotNull(p.client().session().getPeerCertificates());
        }
    }

    @Test
    void clientAuthNeedRejectsAnonymousAndAcceptsCertificate() throws Exception {
        TlsConfig server = PKI.server().clientAuth(TlsConfig.ClientAuth.NEED).build();
        try (Pair p = pair(server, clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().recv(ByteBuffer.allocate(10), 5000)));
            p.client().handshake(5000);   // TLS 1.3: the client may finish before the server says no
            p.client().recv(ByteBuffer.allocate(10), 5000);
            Outcome r = s.get(10, TimeUnit.SECONDS);
            assertEquals(-1, r.value());
            assertEquals(Errno.EPROTO, r.error());
            assertTrue(r.message().contains("TLS handshake failed"), r.message());
        }
        TlsConfig client = PKI.keys("client").serverName("localhost").build();
        try (Pair p = pair(server, client, 100, 1 << 16)) {
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, s.get(10, TimeUnit.SECONDS).value());
            assertEquals("CN=co test client",
                    p.server().session().getPeerPrincipal().getName());
        }
    }

    @Test
    void pemKeyMaterialWorks() throws Exception {
        TlsConfig server = TlsConfig.builder()
                .pemKey(PKI.file("server-chain.pem"), PKI.file("server-key.pem")).build();
        try (Pair p = pair(server, clientConfig("TLSv1.3"), 100, 1 << 16)) {
            Future<Outcome> s = Tasks.fork(() -> Outcome.of(p.server().handshake(5000)));
            assertEquals(0, p.client().handshake(5000), Co.strerror());
            assertEquals(0, s.get(10, TimeUnit.SECONDS).value());
        }
    }
}
