package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.Coroutines;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handshake admission of a TLS listener ({@link TlsConfig.Builder#maxHandshakes(int)},
 * {@link TlsConfig.Builder#maxQueuedHandshakes(int)}): connections beyond the running handshakes are
 * accepted at once and wait in order, their wait is not peer silence, the queue's bound makes
 * {@code accept} wait, and a connection closed while it waits gives its place back. A silent raw TCP
 * peer holds the only handshake slot, so every step below follows from the bounds, not from timing.
 */
@Timeout(60)
class AdmissionTest {

    private final TestPki pki = TestPki.get();

    /** A co TLS client on a plain thread of its own: connect, echo "hi", close. */
    private CompletableFuture<Outcome> client(InetSocketAddress to) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        Thread.ofPlatform().name("admission-client").start(() -> {
            Sock s = TlsTransports.over(Co.transport("nio"), pki.client().build())
                    .socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            try (s) {
                if (s.connect(to, 30_000) < 0
                        || s.send(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)), 10_000) < 0) {
                    done.complete(Outcome.of(-1));
                    return;
                }
                done.complete(Outcome.of(s.recvn(ByteBuffer.allocate(2), 10_000)));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    /** Echoes what {@code conn} receives until the end; returns how the connection ended. */
    private static Outcome serve(Sock conn) {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        try (conn) {
            for (;;) {
                buf.clear();
                int n = conn.recv(buf, 30_000);
                if (n <= 0) {
                    return Outcome.of(n);
                }
                buf.flip();
                if (conn.send(buf, 10_000) < 0) {
                    return Outcome.of(-1);
                }
            }
        }
    }

    private static Sock listen(TlsConfig server) {
        Transport tls = TlsTransports.over(Co.transport("nio"), server);
        Sock listener = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        assertEquals(0, listener.bind(Co.initIpAddr("127.0.0.1", 0)), Co::strerror);
        assertEquals(0, listener.listen(), Co::strerror);
        return listener;
    }

    private static Sock accept(Coroutines co, Sock listener) throws Exception {
        Sock s = Coroutines.await(co.go(() -> listener.accept(10_000)));
        assertNotNull(s, Co::strerror);
        return s;
    }

    /**
     * One handshake slot, two queue places, a 5 s handshake timeout (long enough for a client on a
     * loaded machine to answer in time). A silent peer takes the slot; two clients are accepted at
     * once behind it; a fourth accept waits (the queue is full). The silent peer's handshake times
     * out; the two queued ones then run and succeed although they waited as long as their own
     * handshake timeout, since that wait was not peer silence.
     */
    @Test
    void connectionsBeyondTheSlotsWaitInOrderAndTheirWaitIsNotPeerSilence() throws Exception {
        TlsConfig config = pki.server().maxHandshakes(1).maxQueuedHandshakes(2).handshakeTimeout(5000).build();
        try (Coroutines co = Coroutines.start("affine", 2); Sock listener = listen(config);
                Socket silent = new Socket()) {
            InetSocketAddress at = (InetSocketAddress) listener.localAddress();
            silent.connect(at, 5000);
            Sock a = accept(co, listener);
            CompletableFuture<Outcome> silentEnd = co.go(() -> serve(a));
            CompletableFuture<Outcome> b = client(at);
            Sock bs = accept(co, listener);
            CompletableFuture<Outcome> c = client(at);
            Sock cs = accept(co, listener);
            CompletableFuture<Outcome> bEnd = co.go(() -> serve(bs));
            CompletableFuture<Outcome> cEnd = co.go(() -> serve(cs));
            // Three places (one slot, two in the queue) are taken: accept waits, within its ms.
            Outcome full = Coroutines.await(co.go(() -> {
                Sock d = listener.accept(300);
                return Outcome.of(d == null ? -1 : 0);
            }));
            assertEquals(-1, full.value());
            assertTrue(full.timeout(), full.message());
            // The silent peer's handshake ends after 5 s of silence; only then do the others start.
            Outcome aEnd = Coroutines.await(silentEnd);
            assertEquals(-1, aEnd.value());
            assertEquals(Errno.ETIMEDOUT, aEnd.error(), aEnd.message());
            assertTrue(aEnd.message().contains("of waiting for the peer"), aEnd.message());
            for (CompletableFuture<Outcome> f : List.of(b, c)) {
                Outcome o = f.get(30, TimeUnit.SECONDS);
                assertEquals(2, o.value(), o.message());
            }
            assertEquals(0, Coroutines.await(bEnd).value());
            assertEquals(0, Coroutines.await(cEnd).value());
            // The places came back: a fourth connection is accepted and served.
            assertOneMoreIsServed(co, listener, at);
        }
    }

    /**
     * A connection closed while it waits for a handshake slot: a call waiting for its turn wakes
     * with {@code EBADF}, its handshake never runs (its client sees the connection end), and its
     * place goes back once the queue reaches it.
     */
    @Test
    void aConnectionClosedWhileQueuedWakesItsWaitersAndGivesItsPlaceBack() throws Exception {
        TlsConfig config = pki.server().maxHandshakes(1).maxQueuedHandshakes(1).build();
        try (Coroutines co = Coroutines.start("affine", 2); Sock listener = listen(config)) {
            InetSocketAddress at = (InetSocketAddress) listener.localAddress();
            Socket silent = new Socket();
            silent.connect(at, 5000);
            Sock a = accept(co, listener);
            CompletableFuture<Outcome> silentEnd = co.go(() -> serve(a));
            CompletableFuture<Outcome> b = client(at);
            Sock bs = accept(co, listener);
            CompletableFuture<Outcome> waiting = co.go(() -> Outcome.of(bs.recv(ByteBuffer.allocate(16), -1)));
            bs.close();
            Outcome woke = Coroutines.await(waiting);
            assertEquals(-1, woke.value());
            assertEquals(Errno.EBADF, woke.error(), woke.message());
            // Queue full (b's place is held until the queue reaches it): accept waits.
            assertNull(Coroutines.await(co.go(() -> listener.accept(200))));
            // The silent peer leaves: its handshake ends, the queue reaches b and skips it.
            silent.close();
            assertEquals(-1, Coroutines.await(silentEnd).value());
            assertEquals(-1, b.get(30, TimeUnit.SECONDS).value());
            assertOneMoreIsServed(co, listener, at);
        }
    }

    /** One more client connects, is accepted and served, and its echo comes back. */
    private void assertOneMoreIsServed(Coroutines co, Sock listener, InetSocketAddress at) throws Exception {
        CompletableFuture<Outcome> d = client(at);
        Sock ds = accept(co, listener);
        CompletableFuture<Outcome> dEnd = co.go(() -> serve(ds));
        assertEquals(2, d.get(30, TimeUnit.SECONDS).value());
        assertEquals(0, Coroutines.await(dEnd).value());
    }

    @Test
    void queueBoundIsConfigurable() {
        assertEquals(TlsConfig.DEFAULT_MAX_QUEUED_HANDSHAKES, pki.server().build().maxQueuedHandshakes());
        assertEquals(0, pki.server().maxQueuedHandshakes(0).build().maxQueuedHandshakes());
        assertThrows(IllegalArgumentException.class,
                () -> pki.server().maxQueuedHandshakes(-1));
    }
}
