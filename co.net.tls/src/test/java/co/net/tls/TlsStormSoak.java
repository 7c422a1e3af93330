package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.Coroutines;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS connection storm (issue 15 section 1), in the {@code soak} profile: 10,000 TLS clients in
 * another process (Python's ssl module with asyncio, {@code src/test/python/storm_clients.py})
 * connect at the same moment to a co TLS echo server with the default {@link TlsConfig} (handshake
 * timeout, admission bound), then run 30 s of checksummed echo.
 * Every connection must be served and every byte come back: the server admits handshakes a bounded
 * number at a time and leaves the rest in its listen backlog, and counts its handshake timeout only
 * against the peer's silence, so no admitted handshake times out while it waits for CPU.
 *
 * <p>Why Python and not a JVM of co clients: the clients must behave like 10,000 separate machines,
 * each answering its server at once. One JVM that starts 10,000 JDK client handshakes at once spends
 * seconds of CPU on them (key shares, certificate checks) before it answers any server flight, so
 * from the server's side every peer falls silent for longer than any sane handshake timeout
 * (measured: 9,827 of 10,000 failed). OpenSSL under asyncio answers each flight in well under a
 * millisecond of CPU.
 *
 * <p>State (2026-11-28): co drops none: no handshake timed out and every admitted connection echoed
 * every byte. But the storm does not yet pass: of 10,000, about 2,000 are reset by the kernel
 * (Python sees {@code ConnectionResetError} in connect): the server drains about 130 handshakes a
 * second here, and a connection whose final ACK the kernel dropped for a full backlog is reset after
 * {@code tcp_synack_retries} (5: about 63 s). The rate is bound by the admission: 256 handshakes in
 * flight over the time each waits for a client process that is itself busy with 10,000 sockets (a
 * first storm of 2,000, {@code -Dco.storm.warmup=2000}, passed, and warming the JIT with it did not
 * change the rate). See docs/reliability.md.
 */
class TlsStormSoak {

    private static final Logger LOG = System.getLogger(TlsStormSoak.class.getName());
    /** Larger than the storm is of no use: the kernel caps it at net.core.somaxconn (4096 here). */
    private static final int BACKLOG = 16_384;
    /** The clients' handshake limit (150 s) and room to close. */
    private static final int CLIENT_WAIT_SECONDS = 240;

    @Test
    @Timeout(900)
    void tenThousandClientsAtOnceThenThirtySecondsOfEcho() throws Exception {
        int clients = Integer.getInteger("co.storm.clients", 10_000);
        int seconds = Integer.getInteger("co.storm.seconds", 30);
        TestPki pki = TestPki.get();
        AtomicLong accepted = new AtomicLong();
        AtomicLong echoed = new AtomicLong();
        AtomicLong cleanEnds = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Path dir = Files.createTempDirectory("co-storm");
        Path result = dir.resolve("result");
        Path stderr = dir.resolve("stderr");
        try (Coroutines co = Coroutines.start("affine", 2)) {
            Transport tls = TlsTransports.over(Co.transport("nio"), pki.server().build());
            Sock listener = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            try (listener) {
                assertEquals(0, listener.bind(Co.initIpAddr("127.0.0.1", 0)), Co.strerror());
                assertEquals(0, listener.listen(BACKLOG), Co.strerror());
                co.go(() -> {
                    for (;;) {
                        Sock conn = listener.accept(-1);
                        if (conn == null) {
                            if (!listener.isOpen()) {
                                return;
                            }
                            continue;
                        }
                        accepted.incrementAndGet();
                        Co.go(() -> serve(conn, echoed, cleanEnds, failures));
                    }
                });
                InetSocketAddress at = (InetSocketAddress) listener.localAddress();
                // An optional first, smaller storm (see the class comment); it must lose nothing either.
                int warmUp = Integer.getInteger("co.storm.warmup", 0);
                if (warmUp > 0) {
                    storm(at, pki, warmUp, 5, result, stderr, accepted, echoed, cleanEnds, failures);
                }
                storm(at, pki, clients, seconds, result, stderr, accepted, echoed, cleanEnds, failures);
            }
        } finally {
            Files.deleteIfExists(result);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(dir);
        }
    }

    /** Runs one storm of {@code clients} against the server at {@code at} and checks it lost nothing. */
    private static void storm(InetSocketAddress at, TestPki pki, int clients, int seconds, Path result, Path stderr,
            AtomicLong accepted, AtomicLong echoed, AtomicLong cleanEnds, ConcurrentLinkedQueue<String> failures)
            throws Exception {
        accepted.set(0);
        echoed.set(0);
        cleanEnds.set(0);
        failures.clear();
        Files.deleteIfExists(result);
        long t0 = System.nanoTime();
        Process child = new ProcessBuilder("python3", Path.of("src/test/python/storm_clients.py").toString(),
                "127.0.0.1", String.valueOf(at.getPort()), pki.caPem().toString(), String.valueOf(clients),
                String.valueOf(seconds), result.toString())
                .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(child.waitFor(CLIENT_WAIT_SECONDS + seconds, TimeUnit.SECONDS), "client process did not finish");
        } finally {
            child.destroyForcibly();
        }
        String outcome = Files.exists(result) ? Files.readString(result) : "no result; stderr: " + Files.readString(stderr);
        LOG.log(Level.INFO, "TLS storm: " + clients + " clients, " + seconds + " s of echo: client says '" + outcome
                + "', server accepted " + accepted.get() + ", echoed " + echoed.get() + " bytes, " + failures.size()
                + " failures, " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s in all");
        assertTrue(outcome.startsWith("ok " + clients + " "),
                () -> outcome + "; server failures: " + failures.size() + " " + failures.peek());
        assertEquals(0, child.exitValue());
        long clientBytes = Long.parseLong(outcome.split(" ")[3]);
        // The server saw every connection end cleanly and echoed every byte the client checked.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cleanEnds.get() + failures.size() < clients && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " server failures, first: " + failures.peek());
        assertEquals(clients, accepted.get());
        assertEquals(clients, cleanEnds.get());
        assertEquals(clientBytes, echoed.get(), "bytes the server echoed = bytes the clients checked");
    }

    private static void serve(Sock conn, AtomicLong echoed, AtomicLong cleanEnds, ConcurrentLinkedQueue<String> failures) {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try (conn) {
            for (;;) {
                buf.clear();
                // generous: the clients' JVM shares the two cores with this one
                int n = conn.recv(buf, 120_000);
                if (n == 0) {
                    cleanEnds.incrementAndGet();
                    return;
                }
                if (n < 0) {
                    failures.add("recv: " + Co.strerror());
                    return;
                }
                buf.flip();
                if (conn.send(buf, 120_000) < 0) {
                    failures.add("send: " + Co.strerror());
                    return;
                }
                echoed.addAndGet(n);
            }
        }
    }
}
