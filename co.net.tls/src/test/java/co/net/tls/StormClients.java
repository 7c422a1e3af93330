package co.net.tls;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.net.testsuite.AddressText;
import co.net.testsuite.Coroutines;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The client side of the TLS storm ({@link TlsStormSoak}), run in its own JVM: {@code count} co TLS
 * clients start connecting at the same moment (no pacing: a restarted server's clients all come back
 * at once), wait until every one is connected, then for {@code seconds} each sends pseudo-random
 * messages of 1 to 8192 bytes and checks each echo byte for byte and by CRC-32.
 *
 * <p>A client waits for its handshake as long as the storm needs (120 s): the server admits
 * handshakes a bounded number at a time, so the last clients of the storm wait in its listen
 * backlog, which from the client's side looks like a slow server, not a dead one.
 *
 * <p>Arguments: server address ({@link AddressText}), count, seconds, result file. The result file
 * gets {@code ok CONNECTIONS ECHOES BYTES} or {@code fail FAILURES FIRST-REASON}; the exit status is
 * 0 only for ok.
 */
public final class StormClients {

    /** How long a client waits for its connect and handshake: the whole storm, with room. */
    static final int CONNECT_MS = 120_000;
    private static final int MAX_MESSAGE = 8192;
    private static final int ECHO_MS = 30_000;

    private StormClients() {
    }

    /**
     * Runs the clients.
     *
     * @param args see the class comment
     * @throws Exception on a setup failure
     */
    public static void main(String[] args) throws Exception {
        SocketAddress server = AddressText.parse(args[0]);
        int count = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        Path result = Path.of(args[3]);
        String outcome;
        try (Coroutines co = Coroutines.start("affine", 2)) {
            outcome = run(co, server, count, seconds);
        } catch (Throwable t) {
            outcome = "fail 1 " + t;
        }
        Files.writeString(result, outcome, StandardCharsets.UTF_8);
        // halt: coroutines abandoned by a failed run must not keep the JVM alive.
        Runtime.getRuntime().halt(outcome.startsWith("ok") ? 0 : 1);
    }

    private static String run(Coroutines co, SocketAddress server, int count, int seconds) throws Exception {
        TestPki pki = TestPki.get();
        Transport tls = TlsTransports.over(Co.transport("nio"), pki.server().build(),
                pki.client().serverName("localhost").handshakeTimeout(CONNECT_MS).build());
        CountDownLatch connected = new CountDownLatch(count);
        CountDownLatch done = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong end = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicLong open = new AtomicLong();
        AtomicLong echoes = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        for (int i = 0; i < count; i++) {
            int id = i;
            co.runtime().go(() -> {
                String failure;
                try {
                    failure = client(id, tls, server, connected, go, end, open, echoes, bytes);
                } catch (Throwable t) {
                    failure = t.toString();
                }
                if (failure != null) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, "connection " + id + ": " + failure);
                }
                done.countDown();
            });
        }
        if (!connected.await(CONNECT_MS + 30_000, TimeUnit.MILLISECONDS)) {
            return "fail " + connected.getCount() + " not connected; first failure: " + firstFailure.get();
        }
        end.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
        go.countDown();
        if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
            return "fail " + done.getCount() + " clients did not finish; first failure: " + firstFailure.get();
        }
        if (failures.get() > 0) {
            return "fail " + failures.get() + " " + firstFailure.get();
        }
        return "ok " + open.get() + " " + echoes.get() + " " + bytes.get();
    }

    private static String client(int id, Transport tls, SocketAddress server, CountDownLatch connected,
            CountDownLatch go, AtomicLong end, AtomicLong open, AtomicLong echoes, AtomicLong bytes)
            throws InterruptedException {
        Sock s = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        if (s == null) {
            connected.countDown();
            return "socket: " + Co.strerror();
        }
        try (s) {
            int r = s.connect(server, CONNECT_MS);
            connected.countDown();
            if (r != 0) {
                return "connect: " + Co.strerror();
            }
            open.incrementAndGet();
            go.await();
            SplittableRandom random = new SplittableRandom(id);
            byte[] out = new byte[MAX_MESSAGE];
            byte[] in = new byte[MAX_MESSAGE];
            CRC32 crc = new CRC32();
            while (System.nanoTime() - end.get() < 0) {
                int n = 1 + random.nextInt(MAX_MESSAGE);
                random.nextBytes(out);
                crc.reset();
                crc.update(out, 0, n);
                long sent = crc.getValue();
                if (s.send(ByteBuffer.wrap(out, 0, n), ECHO_MS) != n) {
                    return "send: " + Co.strerror();
                }
                int got = s.recvn(ByteBuffer.wrap(in, 0, n), ECHO_MS);
                if (got != n) {
                    return "recvn returned " + got + ": " + Co.strerror();
                }
                crc.reset();
                crc.update(in, 0, n);
                if (crc.getValue() != sent || !java.util.Arrays.equals(in, 0, n, out, 0, n)) {
                    return "echo " + echoes.get() + " differs";
                }
                echoes.incrementAndGet();
                bytes.addAndGet(n);
            }
            return null;
        }
    }
}
