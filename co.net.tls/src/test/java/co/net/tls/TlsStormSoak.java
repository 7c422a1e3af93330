package co.net.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.AddressText;
import co.net.testsuite.ChildJvm;
import co.net.testsuite.Coroutines;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS connection storm (issue 15 section 1), in the {@code soak} profile: 10,000 co TLS clients in
 * another JVM ({@link StormClients}) connect at the same moment to a co TLS echo server with the
 * default {@link TlsConfig} (handshake timeout, admission bound), then run 30 s of checksummed echo.
 * Every connection must be served and every byte come back: the server admits handshakes a bounded
 * number at a time and leaves the rest in its listen backlog, and counts its handshake timeout only
 * against the peer's silence, so no admitted handshake times out while it waits for CPU.
 *
 * <p>Run: {@code mvn -pl co.net.tls -am verify -Psoak -Dtest=TlsStormSoak
 * -Dsurefire.failIfNoSpecifiedTests=false}. {@code -Dco.storm.clients} and
 * {@code -Dco.storm.seconds} change the size.
 */
class TlsStormSoak {

    private static final Logger LOG = System.getLogger(TlsStormSoak.class.getName());
    /** Larger than the storm is of no use: the kernel caps it at net.core.somaxconn (4096 here). */
    private static final int BACKLOG = 16_384;

    @Test
    @Timeout(600)
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
                long t0 = System.nanoTime();
                Process child = ChildJvm.start(ChildJvm.command(StormClients.class,
                        // C2 (the crypto intrinsics) in the client JVM as in a real client; default
                        // heap; small coroutine stacks.
                        List.of("-XX:TieredStopAtLevel=4", "-Xss256k"),
                        List.of(AddressText.format(listener.localAddress()), String.valueOf(clients),
                                String.valueOf(seconds), result.toString())), stderr);
                try {
                    assertTrue(child.waitFor(StormClients.CONNECT_MS / 1000 + seconds + 120, TimeUnit.SECONDS),
                            "client JVM did not finish");
                } finally {
                    child.destroyForcibly();
                }
                String outcome = Files.exists(result) ? Files.readString(result)
                        : "no result; stderr: " + Files.readString(stderr);
                LOG.log(Level.INFO, "TLS storm: " + clients + " clients, " + seconds + " s of echo: client says '"
                        + outcome + "', server accepted " + accepted.get() + ", echoed " + echoed.get() + " bytes, "
                        + failures.size() + " failures, " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)
                        + " s in all");
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
        } finally {
            Files.deleteIfExists(result);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(dir);
        }
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
