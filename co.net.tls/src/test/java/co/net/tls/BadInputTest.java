package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and broken peers against a co TLS echo server over nio TCP, and certificates a client must
 * refuse: every failure is a clear error (Co.error() and the SSLException text in Co.strerror()), the
 * connection closes, nothing hangs past the handshake timeout, and the server goes on serving others.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    static final int HANDSHAKE_TIMEOUT_MS = 1000;
    final TestPki pki = TestPki.get();
    EchoServer server;

    @BeforeAll
    void start() {
        server = new EchoServer(pki.server().handshakeTimeout(HANDSHAKE_TIMEOUT_MS).build());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A co TLS client on this (plain) thread: connect, echo "hi", close. */
    static Outcome echoOnce(TlsConfig client, InetSocketAddress to) {
        Sock s = TlsTransports.over(Co.transport("nio"), client).socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        try (s) {
            if (s.connect(to, 5000) < 0) {
                return Outcome.of(-1);
            }
            if (s.send(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)), 5000) < 0) {
                return Outcome.of(-1);
            }
            return Outcome.of(s.recvn(ByteBuffer.allocate(2), 5000));
        }
    }

    TlsConfig goodClient() {
        return pki.client().build();
    }

    void serverStillServes() throws InterruptedException {
        Outcome ok = echoOnce(goodClient(), server.address());
        assertEquals(2, ok.value(), ok.message());
        assertEquals(0, server.nextEnd().value());
    }

    /** Sends {@code junk} on a raw TCP connection; returns once the server closed it. */
    void sendRaw(byte[] junk, boolean closeAfter) throws IOException {
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout(5000);
            raw.getOutputStream().write(junk);
            if (closeAfter) {
                raw.shutdownOutput();
            }
            InputStream in = raw.getInputStream();
            // The server answers with at most an alert, then closes: read to the end (no hang).
            long t0 = System.nanoTime();
            byte[] b = new byte[4096];
            while (in.read(b) >= 0) {
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "server never closed");
            }
        }
    }

    void expectServerFailure(int errno, String text) throws InterruptedException {
        Outcome end = server.nextEnd();
        assertEquals(-1, end.value());
        assertEquals(errno, end.error(), end.message());
        assertTrue(end.message().contains(text), end.message());
    }

    @Test
    void randomBytes() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = 0x16;   // looks like a handshake record, the rest is noise
        sendRaw(junk, false);
        expectServerFailure(Errno.EPROTO, "TLS handshake failed");
        serverStillServes();
    }

    @Test
    void plaintextHttpToTheTlsPort() throws Exception {
        sendRaw("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
        expectServerFailure(Errno.EPROTO, "TLS handshake failed: Unrecognized SSL message, plaintext connection?");
        serverStillServes();
    }

    @Test
    void oversizedRecordLength() throws Exception {
        byte[] header = {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 0x01, 0x00, 0x00, 0x10};
        sendRaw(header, false);
        expectServerFailure(Errno.EPROTO, "TLS handshake failed");
        serverStillServes();
    }

    @Test
    void truncatedRecordThenEof() throws Exception {
        byte[] partial = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c, 0x03, 0x03};
        sendRaw(partial, true);
        expectServerFailure(Errno.EPROTO, "peer closed the connection during the handshake");
        serverStillServes();
    }

    @Test
    void clientStoppingMidHandshakeTimesOutWhileOthersAreServed() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            long t0 = System.nanoTime();
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01});   // then silence
            // Served while the stalled one waits.
            Outcome ok = echoOnce(goodClient(), server.address());
            assertEquals(2, ok.value(), ok.message());
            Outcome first = server.nextEnd();
            Outcome second = server.nextEnd();
            Outcome stalled = first.value() == 0 ? second : first;
            assertEquals(0, (first.value() == 0 ? first : second).value());
            assertEquals(-1, stalled.value());
            assertEquals(Errno.ETIMEDOUT, stalled.error(), stalled.message());
            assertTrue(stalled.message().contains("TLS handshake timed out after " + HANDSHAKE_TIMEOUT_MS + " ms"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < HANDSHAKE_TIMEOUT_MS + 4000, "took " + ms + " ms");
            raw.setSoTimeout(5000);
            InputStream in = raw.getInputStream();
            int first21 = in.read();
            assertTrue(first21 == -1 || first21 == 21, "nothing, or an alert record: " + first21);
            while (in.read() >= 0) {
                // the rest of the alert; then the server closes the stalled connection
            }
        }
    }

    // ---------------------------------------------------------------- certificates a client refuses

    /** A server presenting {@code leaf}; a client with {@code client} connects to 127.0.0.1. */
    Outcome connectTo(String leaf, TlsConfig client) throws InterruptedException {
        try (EchoServer bad = new EchoServer(pki.keys(leaf).build())) {
            Outcome r = echoOnce(client, bad.address());
            if (r.value() < 0) {
                Outcome serverSide = bad.nextEnd();
                assertEquals(-1, serverSide.value(), "the server side fails too");
                assertEquals(Errno.EPROTO, serverSide.error(), serverSide.message());
            }
            return r;
        }
    }

    static void assertRefused(Outcome r, String text) {
        assertEquals(-1, r.value());
        assertEquals(Errno.EPROTO, r.error(), r.message());
        assertFalse(r.timeout());
        assertTrue(r.message().startsWith("Protocol error: TLS handshake failed: "), r.message());
        assertTrue(r.message().contains(text), r.message());
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        assertRefused(connectTo("expired", goodClient()), "validity check failed");
    }

    @Test
    void wrongHostCertificateIsRefused() throws Exception {
        assertRefused(connectTo("wronghost", goodClient()), "No subject alternative names matching IP address 127.0.0.1");
        assertRefused(connectTo("wronghost", pki.client().serverName("localhost").build()),
                "No subject alternative DNS name matching localhost");
    }

    @Test
    void hostCheckCanBeTurnedOffExplicitlyButTheChainIsStillChecked() throws Exception {
        Outcome r = connectTo("wronghost", pki.client().verifyHostname(false).build());
        assertEquals(2, r.value(), r.message());
        assertRefused(connectTo("untrusted", pki.client().verifyHostname(false).build()), "PKIX path");
    }

    @Test
    void untrustedCertificateIsRefused() throws Exception {
        assertRefused(connectTo("untrusted", goodClient()), "PKIX path");
    }

    @Test
    void jdkDefaultTrustDoesNotTrustTheTestCa() throws Exception {
        // No trust material given: the JDK's cacerts, never trust-all.
        assertRefused(connectTo("server", TlsConfig.builder().build()), "PKIX path");
    }
}
